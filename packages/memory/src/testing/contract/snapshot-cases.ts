import type { InvalidDefinitionError } from "@flowmaestro/runtime";
import { expect } from "vitest";
import type { JsonValue } from "../../storage-adapter.js";
import type { GroupContext } from "./contract-context.js";
import { clockTick, expectSdkError } from "./fixtures.js";

/** How many saves race in the concurrent compare-and-set cases. */
const RACERS = 8;

/**
 * Run snapshots: save, replace, load, delete, and the compare-and-set of `expectedVersion`
 * (versions, stale and missing snapshots, concurrent saves, invalid versions). @internal
 */
export function describeSnapshotCases(context: GroupContext): void {
  const { test, adapter, newResource, newThread, uniqueId, cleanup } = context;

  /** Deletes `runId` of `resourceId` in `afterAll`, should a case have written it. */
  const cleanupRun = (runId: string, resourceId: string) => {
    const store = adapter();
    cleanup(() => store.deleteSnapshot({ runId, resourceId }));
  };
  const newRun = (resourceId: string) => {
    const runId = uniqueId("run");
    cleanupRun(runId, resourceId);
    return runId;
  };

  const state: JsonValue = {
    step: 3,
    pending: [{ toolCallId: "call-1", toolName: "approve", input: { amount: 12.5 } }],
    text: 'ünïcødé 🙂 "quoted" \\',
    flags: { paused: true, reason: null },
    $fm: "not a tag",
    empty: [],
    zero: 0,
  };

  test("save and load", async () => {
    const thread = await newThread();
    const runId = newRun(thread.resourceId);
    const before = Date.now();
    const saved = await adapter().saveSnapshot({
      runId,
      resourceId: thread.resourceId,
      threadId: thread.id,
      state,
    });
    const loaded = await adapter().loadSnapshot({ runId, resourceId: thread.resourceId });
    expect(loaded).toEqual({
      runId,
      resourceId: thread.resourceId,
      threadId: thread.id,
      state,
      version: 1,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    // The save resolves with the snapshot as stored: what a load returns right after it.
    expect(saved).toEqual(loaded);
    expect(loaded!.createdAt.getTime()).toBeGreaterThan(before - 60_000);
    expect(loaded!.updatedAt.getTime()).toBeGreaterThanOrEqual(loaded!.createdAt.getTime());
  });

  test("save without a thread, and scalar states", async () => {
    const resourceId = newResource();
    for (const value of ["text", 42, true, null, [1, "two", null]] as JsonValue[]) {
      const runId = newRun(resourceId);
      await adapter().saveSnapshot({ runId, resourceId, state: value });
      const loaded = await adapter().loadSnapshot({ runId, resourceId });
      expect(loaded).toMatchObject({ runId, resourceId, threadId: undefined });
      expect(loaded!.state).toEqual(value);
    }
  });

  test("save replaces", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    await adapter().saveSnapshot({ runId, resourceId, state: { version: 1, old: true } });
    const first = await adapter().loadSnapshot({ runId, resourceId });
    await clockTick();
    await adapter().saveSnapshot({ runId, resourceId, state: { version: 2 } });
    const second = await adapter().loadSnapshot({ runId, resourceId });
    expect(second!.state).toEqual({ version: 2 });
    expect(second!.version).toBe(2);
    expect(second!.createdAt).toEqual(first!.createdAt);
    expect(second!.updatedAt.getTime()).toBeGreaterThan(first!.updatedAt.getTime());
  });

  test("delete, and delete when absent", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    await adapter().deleteSnapshot({ runId, resourceId });
    await adapter().saveSnapshot({ runId, resourceId, state: { x: 1 } });
    await adapter().deleteSnapshot({ runId, resourceId });
    expect(await adapter().loadSnapshot({ runId, resourceId })).toBeUndefined();
    await adapter().deleteSnapshot({ runId, resourceId });
  });

  test("missing is undefined", async () => {
    expect(
      await adapter().loadSnapshot({ runId: uniqueId("run"), resourceId: newResource() }),
    ).toBeUndefined();
  });

  test("wrong resource is undefined", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    await adapter().saveSnapshot({ runId, resourceId, state: { secret: "a" } });
    expect(await adapter().loadSnapshot({ runId, resourceId: newResource() })).toBeUndefined();
  });

  test("returned snapshots are copies", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    const input = { list: [1], nested: { value: "a" } };
    await adapter().saveSnapshot({ runId, resourceId, state: input });
    input.list.push(2);
    const loaded = await adapter().loadSnapshot({ runId, resourceId });
    (loaded!.state as any).nested.value = "mutated";
    expect((await adapter().loadSnapshot({ runId, resourceId }))!.state).toEqual({
      list: [1],
      nested: { value: "a" },
    });
  });

  // ---- compare-and-set (`expectedVersion`) --------------------------------------------------

  test("version is 1 on create and +1 on every save; delete starts it over", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    const versions: Array<number | undefined> = [];
    for (let step = 1; step <= 3; step++) {
      versions.push((await adapter().saveSnapshot({ runId, resourceId, state: { step } }))?.version);
    }
    expect(versions).toEqual([1, 2, 3]);
    expect(await adapter().loadSnapshot({ runId, resourceId })).toMatchObject({
      version: 3,
      state: { step: 3 },
    });
    await adapter().deleteSnapshot({ runId, resourceId });
    expect((await adapter().saveSnapshot({ runId, resourceId, state: { step: 1 } }))?.version).toBe(1);
  });

  test("expectedVersion equal to the stored version saves and bumps the version", async () => {
    const thread = await newThread();
    const { resourceId } = thread;
    const runId = newRun(resourceId);
    const first = await adapter().saveSnapshot({ runId, resourceId, threadId: thread.id, state: { n: 1 } });
    expect(first?.version).toBe(1);
    await clockTick();
    const second = await adapter().saveSnapshot({ runId, resourceId, state: { n: 2 }, expectedVersion: 1 });
    expect(second).toEqual({
      runId,
      resourceId,
      // Like any save, a compare-and-set replaces the thread too (unset: none).
      threadId: undefined,
      state: { n: 2 },
      version: 2,
      createdAt: first!.createdAt,
      updatedAt: expect.any(Date),
    });
    expect(second!.updatedAt.getTime()).toBeGreaterThan(first!.updatedAt.getTime());
    expect(await adapter().loadSnapshot({ runId, resourceId })).toEqual(second);
    const third = await adapter().saveSnapshot({
      runId,
      resourceId,
      threadId: thread.id,
      state: { n: 3 },
      expectedVersion: 2,
    });
    expect(third).toMatchObject({ version: 3, threadId: thread.id, state: { n: 3 } });
    expect(await adapter().loadSnapshot({ runId, resourceId })).toEqual(third);
  });

  test("a stale or future expectedVersion writes nothing and resolves undefined", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    await adapter().saveSnapshot({ runId, resourceId, state: { n: 1 } });
    await adapter().saveSnapshot({ runId, resourceId, state: { n: 2 }, expectedVersion: 1 });
    const stored = await adapter().loadSnapshot({ runId, resourceId });
    expect(stored).toMatchObject({ version: 2, state: { n: 2 } });
    for (const expectedVersion of [1, 3, 1000]) {
      expect(
        await adapter().saveSnapshot({
          runId,
          resourceId,
          state: { lost: expectedVersion },
          expectedVersion,
        }),
        `expectedVersion ${expectedVersion} against version 2`,
      ).toBeUndefined();
    }
    expect(await adapter().loadSnapshot({ runId, resourceId })).toEqual(stored);
  });

  test("expectedVersion on a missing snapshot resolves undefined and creates nothing", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    expect(
      await adapter().saveSnapshot({ runId, resourceId, state: { n: 1 }, expectedVersion: 1 }),
    ).toBeUndefined();
    expect(await adapter().loadSnapshot({ runId, resourceId })).toBeUndefined();
    // A plain save still creates it, at version 1.
    expect((await adapter().saveSnapshot({ runId, resourceId, state: { n: 1 } }))?.version).toBe(1);
  });

  test("expectedVersion on another resource's snapshot resolves undefined and changes nothing", async () => {
    const owner = newResource();
    const other = newResource();
    const runId = newRun(owner);
    cleanupRun(runId, other);
    await adapter().saveSnapshot({ runId, resourceId: owner, state: { secret: "a" } });
    const stored = await adapter().loadSnapshot({ runId, resourceId: owner });
    expect(
      await adapter().saveSnapshot({ runId, resourceId: other, state: { stolen: true }, expectedVersion: 1 }),
    ).toBeUndefined();
    expect(await adapter().loadSnapshot({ runId, resourceId: other })).toBeUndefined();
    expect(await adapter().loadSnapshot({ runId, resourceId: owner })).toEqual(stored);
  });

  test(`${RACERS} concurrent saves with the same expectedVersion: exactly one succeeds`, async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    await adapter().saveSnapshot({ runId, resourceId, state: { racer: null } });
    const store = adapter();
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, racer) =>
        store.saveSnapshot({ runId, resourceId, state: { racer }, expectedVersion: 1 }),
      ),
    );
    const winners = results.flatMap((result, racer) => (result === undefined ? [] : [racer]));
    expect(winners, "exactly one compare-and-set may succeed").toHaveLength(1);
    const winner = results[winners[0]!]!;
    expect(winner).toMatchObject({ version: 2, state: { racer: winners[0] } });
    expect(await adapter().loadSnapshot({ runId, resourceId })).toEqual(winner);
  });

  test(`${RACERS} concurrent plain saves: each bumps the version once`, async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    const store = adapter();
    // The run does not exist yet: the first save creates it, the others replace it.
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, racer) =>
        store.saveSnapshot({ runId, resourceId, state: { racer } }),
      ),
    );
    const versions = results.map((result) => result?.version);
    expect([...versions].sort((a, b) => a! - b!)).toEqual(Array.from({ length: RACERS }, (_, i) => i + 1));
    const last = results.find((result) => result?.version === RACERS)!;
    expect(await adapter().loadSnapshot({ runId, resourceId })).toEqual(last);
  });

  test("a snapshot returned by save is a copy", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    const input = { list: [1], nested: { value: "a" } };
    const saved = await adapter().saveSnapshot({ runId, resourceId, state: input });
    expect(saved!.state).not.toBe(input);
    input.list.push(2);
    (saved!.state as any).nested.value = "mutated";
    expect(saved!.state).toEqual({ list: [1], nested: { value: "mutated" } });
    expect((await adapter().loadSnapshot({ runId, resourceId }))!.state).toEqual({
      list: [1],
      nested: { value: "a" },
    });
  });

  test("an invalid expectedVersion is an INVALID_DEFINITION naming it, and writes nothing", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    await adapter().saveSnapshot({ runId, resourceId, state: { n: 1 } });
    const stored = await adapter().loadSnapshot({ runId, resourceId });
    for (const bad of [0, -1, 1.5, "2", null, Number.NaN, 2 ** 53]) {
      const error = await expectSdkError<InvalidDefinitionError>(
        () =>
          adapter().saveSnapshot({ runId, resourceId, state: { bad: true }, expectedVersion: bad as any }),
        "INVALID_DEFINITION",
      );
      expect(
        error.issues.map((issue) => issue.field),
        `expectedVersion ${String(bad)}`,
      ).toEqual(["expectedVersion"]);
      expect(error.message).toContain("expectedVersion");
    }
    // Rejected before the backend is touched, also for a run that does not exist.
    const missing = uniqueId("run");
    await expectSdkError(
      () => adapter().saveSnapshot({ runId: missing, resourceId, state: {}, expectedVersion: 0 }),
      "INVALID_DEFINITION",
    );
    expect(await adapter().loadSnapshot({ runId, resourceId })).toEqual(stored);
    expect(await adapter().loadSnapshot({ runId: missing, resourceId })).toBeUndefined();
  });
}
