import type { StorageAdapter } from "@flowmaestro/memory";
import type { RunResult } from "@flowmaestro/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdapterSetup, adapterSetups } from "./support/adapters.js";
import {
  approvalAgent,
  countInPrompt,
  expectEachCallOnceWithItsResult,
  toolCallIds,
  toolResultIds,
} from "./support/approval-agent.js";
import { type DatabaseSetup, reopenableSetups } from "./support/databases.js";
import { expectCompleted, uniqueIds } from "./support/harness.js";
import { runtimeSetups } from "./support/runtimes.js";

const pairs = runtimeSetups.flatMap((first) => runtimeSetups.map((second) => [first, second] as const));

/** One step: refunds A1 (500) and B2 (700) need approval, C3 (50) and the note do not. */
const MIXED_STEP = "refund A1 500, refund B2 700, refund C3 50 and note: during";

/** The pending approval of the given order. */
function pendingFor(result: RunResult, orderId: string) {
  const pending = result.pendingApprovals.find(
    (entry) => (entry.input as { orderId?: string }).orderId === orderId,
  );
  if (!pending)
    throw new Error(`no pending approval for ${orderId}: ${JSON.stringify(result.pendingApprovals)}`);
  return pending;
}

describe.each(adapterSetups)("approvals on $name", (setup: AdapterSetup) => {
  let storage: StorageAdapter;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await setup.create());
  });
  afterAll(async () => dispose());

  for (const [first, second] of pairs) {
    it(`suspended on ${first.name}, resumed on ${second.name}, with a thread: one decision per call, each message once`, async () => {
      const ids = uniqueIds(`approve-${first.name}-${second.name}`);
      const a = approvalAgent(first.create(), storage, { thread: true });
      expectCompleted(await a.agent.execute("note: before", ids));
      const suspended = await a.agent.execute(MIXED_STEP, ids);
      expect(suspended.status).toBe("suspended");
      expect(
        suspended.pendingApprovals.map((entry) => (entry.input as { orderId: string }).orderId).sort(),
      ).toEqual(["A1", "B2"]);
      // The calls that need no approval ran once, before the run suspended.
      expect(a.log.refunds).toEqual([{ orderId: "C3", amount: 50 }]);
      expect(a.log.notes).toEqual(["before", "during"]);
      // While the run waits, the thread is safe to send to a model: no call without its result.
      expectEachCallOnceWithItsResult(await a.memory!.getMessages(ids));

      const b = approvalAgent(second.create(), storage, { thread: true });
      const resumed = await b.agent.resume(
        suspended.runId,
        [
          { approvalId: pendingFor(suspended, "B2").approvalId, approved: false, reason: "over the limit" },
          { approvalId: pendingFor(suspended, "A1").approvalId, approved: true },
        ],
        { resourceId: ids.resourceId },
      );
      expectCompleted(resumed);
      expect(resumed.runId).toBe(suspended.runId);
      // Only the approved call ran, on the resuming side, with its own arguments; nothing re-ran.
      expect(b.log.refunds).toEqual([{ orderId: "A1", amount: 500 }]);
      expect(b.log.notes).toEqual([]);
      expect(a.log.refunds).toHaveLength(1);
      // The model saw every call of the step once, with its outcome once; the decline with its reason.
      expect(b.model.calls).toHaveLength(1);
      const prompt = b.model.calls[0]!.options.prompt;
      expectEachCallOnceWithItsResult(prompt);
      expect(toolCallIds(prompt)).toHaveLength(5); // note (earlier turn) + the step's four calls
      expect(countInPrompt(prompt, MIXED_STEP)).toBe(1);
      expect(countInPrompt(prompt, "note: before")).toBe(1);
      // The declined call reaches the model as failed or denied, not as a successful result.
      type Part = { type: string; toolCallId?: string; output?: { type: string } };
      const declined = prompt
        .flatMap((message) => (typeof message.content === "string" ? [] : (message.content as Part[])))
        .find(
          (part) => part.type === "tool-result" && part.toolCallId === pendingFor(suspended, "B2").toolCallId,
        );
      expect(["error-text", "error-json", "execution-denied"]).toContain(declined?.output?.type);
      // (Key order may change on the way through storage: Postgres keeps JSON as jsonb.)
      expect(resumed.text).toMatch(/\{("refunded":500,"orderId":"A1"|"orderId":"A1","refunded":500)\}/);
      expect(resumed.text).toMatch(/\{("refunded":50,"orderId":"C3"|"orderId":"C3","refunded":50)\}/);
      expect(resumed.text).toContain("over the limit");
      expect(resumed.text).toContain('"noted":"during"');

      // The thread holds each message once, in order, with no dangling call.
      const thread = await b.memory!.getMessages(ids);
      expect(thread.map((message) => message.role)).toEqual([
        "user",
        "assistant",
        "tool",
        "assistant",
        "user",
        "assistant",
        "tool",
        "assistant",
      ]);
      expectEachCallOnceWithItsResult(thread);
      expect(toolCallIds(thread)).toEqual(toolCallIds(prompt));
      expect(countInPrompt(thread, MIXED_STEP)).toBe(1);

      // A later turn on either runtime sees the same conversation, and nobody asks again.
      const later = approvalAgent(first.create(), storage, { thread: true });
      expect(expectCompleted(await later.agent.execute("thanks", ids)).text).toBe("echo: thanks");
      const laterPrompt = later.model.calls[0]!.options.prompt;
      expectEachCallOnceWithItsResult(laterPrompt);
      expect(toolResultIds(laterPrompt)).toHaveLength(5);
    });

    it(`suspended on ${first.name}, resumed on ${second.name}, without a thread; typed errors on a real store`, async () => {
      const { resourceId } = uniqueIds(`stateless-${first.name}-${second.name}`);
      const a = approvalAgent(first.create(), storage, { thread: false });
      const suspended = await a.agent.execute("refund A1 500", { resourceId });
      expect(suspended.status).toBe("suspended");
      expect(suspended.pendingApprovals).toEqual([
        {
          approvalId: expect.any(String),
          toolCallId: expect.any(String),
          toolName: "refund",
          input: { orderId: "A1", amount: 500 },
        },
      ]);
      expect(a.log.refunds).toEqual([]);
      const decisions = [{ approvalId: suspended.pendingApprovals[0]!.approvalId, approved: true }];

      const b = approvalAgent(second.create(), storage, { thread: false });
      // Another tenant, or none, does not find it.
      await expect(
        b.agent.resume(suspended.runId, decisions, { resourceId: "someone-else" }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(b.agent.resume(suspended.runId, decisions)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        b.agent.resume(`${suspended.runId}-nope`, decisions, { resourceId }),
      ).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(b.agent.resume(suspended.runId, [], { resourceId })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });

      const resumed = expectCompleted(await b.agent.resume(suspended.runId, decisions, { resourceId }));
      expect(b.log.refunds).toEqual([{ orderId: "A1", amount: 500 }]);
      expect(resumed.text).toContain('"refunded":500');
      const prompt = b.model.calls[0]!.options.prompt;
      expect(countInPrompt(prompt, "refund A1 500")).toBe(1);
      expect(toolCallIds(prompt)).toHaveLength(1);
      expectEachCallOnceWithItsResult(prompt);
      expectEachCallOnceWithItsResult(resumed.messages);

      // Resuming again, on either runtime, is a typed error; the tool never runs twice.
      for (const agent of [a.agent, b.agent]) {
        await expect(agent.resume(suspended.runId, decisions, { resourceId })).rejects.toMatchObject({
          code: "RUN_NOT_SUSPENDED",
          status: "resumed",
        });
      }
      expect([...a.log.refunds, ...b.log.refunds]).toHaveLength(1);
    });
  }

  it("a cancelled run cannot be resumed, on either runtime", async () => {
    const ids = uniqueIds("cancel");
    const [legacy, mastra] = runtimeSetups.map((runtime) =>
      approvalAgent(runtime.create(), storage, { thread: true }),
    );
    const suspended = await legacy!.agent.execute("refund A1 500", ids);
    expect(suspended.status).toBe("suspended");
    await mastra!.agent.cancel(suspended.runId, { resourceId: ids.resourceId });
    const decisions = [{ approvalId: suspended.pendingApprovals[0]!.approvalId, approved: true }];
    for (const side of [legacy!, mastra!]) {
      await expect(
        side.agent.resume(suspended.runId, decisions, { resourceId: ids.resourceId }),
      ).rejects.toMatchObject({ code: "RUN_NOT_SUSPENDED", status: "cancelled" });
    }
    expect([...legacy!.log.refunds, ...mastra!.log.refunds]).toEqual([]);
    expectEachCallOnceWithItsResult(await legacy!.memory!.getMessages(ids));
  });
});

describe.each(reopenableSetups)(
  "decisions survive a reload on $name (Mastra #17218)",
  (setup: DatabaseSetup) => {
    for (const [first, second] of pairs.filter(([a, b]) => a !== b)) {
      it(`suspended on ${first.name}, storage closed and reopened, resumed on ${second.name}`, async () => {
        const database = await setup.create();
        try {
          const ids = uniqueIds(`reload-${first.name}`);
          const before = database.open();
          const a = approvalAgent(first.create(), before.storage, { thread: true });
          const suspended = await a.agent.execute("refund A1 500 and refund B2 700", ids);
          expect(suspended.status).toBe("suspended");
          await before.close();

          // A new adapter instance, as after a restart.
          const after = database.open();
          const b = approvalAgent(second.create(), after.storage, { thread: true });
          const resumed = expectCompleted(
            await b.agent.resume(
              suspended.runId,
              [
                { approvalId: pendingFor(suspended, "A1").approvalId, approved: true },
                { approvalId: pendingFor(suspended, "B2").approvalId, approved: false, reason: "duplicate" },
              ],
              { resourceId: ids.resourceId },
            ),
          );
          expect(b.log.refunds).toEqual([{ orderId: "A1", amount: 500 }]);
          expect(resumed.text).toContain("duplicate");
          await after.close();

          // Reopened again: the decision holds (the run is resumed, not pending), and so does the thread.
          const again = database.open();
          const c = approvalAgent(first.create(), again.storage, { thread: true });
          await expect(
            c.agent.resume(
              suspended.runId,
              [
                { approvalId: pendingFor(suspended, "A1").approvalId, approved: true },
                { approvalId: pendingFor(suspended, "B2").approvalId, approved: true },
              ],
              { resourceId: ids.resourceId },
            ),
          ).rejects.toMatchObject({ code: "RUN_NOT_SUSPENDED", status: "resumed" });
          const thread = await c.memory!.getMessages(ids);
          expect(thread.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
          expectEachCallOnceWithItsResult(thread);
          expect(c.log.refunds).toEqual([]);
          await again.close();
        } finally {
          await database.dispose();
        }
      });
    }
  },
);
