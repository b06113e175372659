import type { InvalidDefinitionError } from "@flowmaestro/runtime";
import { expect } from "vitest";
import type { StorageAdapter } from "../../storage-adapter.js";
import type { GroupContext } from "./contract-context.js";
import { expectSdkError, textMessage } from "./fixtures.js";

/** The bad ids every id field must reject. */
const BAD_IDS: ReadonlyArray<readonly [string, unknown]> = [
  ["empty", ""],
  ["201 characters", "x".repeat(201)],
  ["a number", 42],
  ["null", null],
];

/**
 * Input validation: every adapter rejects the same inputs with `INVALID_DEFINITION` naming the
 * field (dotted paths for nested fields, e.g. `messages.0.id`), before touching the backend.
 * @internal
 */
export function describeValidationCases(context: GroupContext): void {
  const { test, adapter, newResource, newThread, uniqueId } = context;

  const expectInvalid = async (call: () => Promise<unknown>, field: string) => {
    const error = await expectSdkError<InvalidDefinitionError>(call, "INVALID_DEFINITION");
    expect(
      error.issues.map((issue) => issue.field),
      `INVALID_DEFINITION must name \`${field}\`: ${error.message}`,
    ).toContain(field);
    expect(error.message).toContain(field);
  };

  /** Builds each call with one bad value in one field. */
  const cases: Array<{
    name: string;
    field: string;
    call: (
      store: StorageAdapter,
      bad: any,
      ids: { threadId: string; resourceId: string },
    ) => Promise<unknown>;
  }> = [
    {
      name: "createThread id",
      field: "id",
      call: (s, bad, k) => s.createThread({ id: bad, resourceId: k.resourceId }),
    },
    {
      name: "createThread resourceId",
      field: "resourceId",
      call: (s, bad) => s.createThread({ resourceId: bad }),
    },
    {
      name: "getThread threadId",
      field: "threadId",
      call: (s, bad, k) => s.getThread({ ...k, threadId: bad }),
    },
    {
      name: "getThread resourceId",
      field: "resourceId",
      call: (s, bad, k) => s.getThread({ ...k, resourceId: bad }),
    },
    {
      name: "listThreads resourceId",
      field: "resourceId",
      call: (s, bad) => s.listThreads({ resourceId: bad }),
    },
    {
      name: "updateThread threadId",
      field: "threadId",
      call: (s, bad, k) => s.updateThread({ ...k, threadId: bad, title: "x" }),
    },
    {
      name: "deleteThread resourceId",
      field: "resourceId",
      call: (s, bad, k) => s.deleteThread({ ...k, resourceId: bad }),
    },
    {
      name: "appendMessages threadId",
      field: "threadId",
      call: (s, bad, k) =>
        s.appendMessages({ ...k, threadId: bad, messages: [{ message: textMessage("x") }] }),
    },
    {
      name: "appendMessages message id",
      field: "messages.1.id",
      call: (s, bad, k) =>
        s.appendMessages({
          ...k,
          messages: [{ message: textMessage("ok") }, { id: bad, message: textMessage("x") }],
        }),
    },
    {
      name: "appendMessages runId",
      field: "messages.0.runId",
      call: (s, bad, k) => s.appendMessages({ ...k, messages: [{ message: textMessage("x"), runId: bad }] }),
    },
    {
      name: "listMessages resourceId",
      field: "resourceId",
      call: (s, bad, k) => s.listMessages({ ...k, resourceId: bad }),
    },
    {
      name: "countMessages threadId",
      field: "threadId",
      call: (s, bad, k) => s.countMessages({ ...k, threadId: bad }),
    },
    {
      name: "deleteMessages threadId",
      field: "threadId",
      call: (s, bad, k) => s.deleteMessages({ ...k, threadId: bad, ids: [] }),
    },
    {
      name: "getWorkingMemory resourceId",
      field: "resourceId",
      call: (s, bad) => s.getWorkingMemory({ resourceId: bad }),
    },
    {
      name: "setWorkingMemory threadId",
      field: "threadId",
      call: (s, bad, k) => s.setWorkingMemory({ ...k, threadId: bad, content: "x" }),
    },
    {
      name: "saveSnapshot runId",
      field: "runId",
      call: (s, bad, k) => s.saveSnapshot({ runId: bad, resourceId: k.resourceId, state: {} }),
    },
    {
      name: "loadSnapshot resourceId",
      field: "resourceId",
      call: (s, bad) => s.loadSnapshot({ runId: "run", resourceId: bad }),
    },
    {
      name: "deleteSnapshot runId",
      field: "runId",
      call: (s, bad, k) => s.deleteSnapshot({ runId: bad, resourceId: k.resourceId }),
    },
  ];

  for (const { name, field, call } of cases) {
    test(`bad ids: ${name}`, async () => {
      const thread = await newThread();
      const ids = { threadId: thread.id, resourceId: thread.resourceId };
      for (const [, bad] of BAD_IDS) await expectInvalid(() => call(adapter(), bad, ids), field);
      // A 200-character id is fine.
      expect(
        await adapter().getThread({ threadId: "x".repeat(200), resourceId: thread.resourceId }),
      ).toBeUndefined();
    });
  }

  test("bad ids are rejected before anything is written", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    await expectInvalid(
      () =>
        adapter().appendMessages({
          ...key,
          messages: [
            { id: uniqueId("msg"), message: textMessage("good") },
            { id: "", message: textMessage("bad") },
          ],
        }),
      "messages.1.id",
    );
    expect(await adapter().countMessages(key)).toBe(0);
  });

  test("bad numbers: limit, offset, last", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    await expectInvalid(() => adapter().listThreads({ resourceId: newResource(), limit: -1 }), "limit");
    await expectInvalid(() => adapter().listThreads({ resourceId: newResource(), offset: -1 }), "offset");
    await expectInvalid(() => adapter().listThreads({ resourceId: newResource(), limit: 1.5 }), "limit");
    await expectInvalid(() => adapter().listMessages({ ...key, last: -1 }), "last");
  });

  test(
    "bad vector inputs",
    async () => {
      const vectors = adapter().vectors!;
      for (const [, bad] of BAD_IDS) {
        await expectInvalid(
          () => vectors.createIndex({ indexName: bad as string, dimension: 3 }),
          "indexName",
        );
        await expectInvalid(
          () => vectors.query({ indexName: bad as string, vector: [1], topK: 1 }),
          "indexName",
        );
      }
      await expectInvalid(
        () => vectors.createIndex({ indexName: uniqueId("idx"), dimension: 0 }),
        "dimension",
      );
      await expectInvalid(
        () => vectors.createIndex({ indexName: uniqueId("idx"), dimension: 1.5 }),
        "dimension",
      );
      const indexName = uniqueId("idx");
      context.cleanup(() => vectors.deleteIndex({ indexName }));
      await vectors.createIndex({ indexName, dimension: 2 });
      await expectInvalid(
        () => vectors.upsert({ indexName, vectors: [{ id: "", vector: [1, 0] }] }),
        "vectors.0.id",
      );
      expect((await vectors.describeIndex({ indexName }))?.count).toBe(0);
    },
    "vectors",
  );
}
