import { existsSync } from "node:fs";
import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { describe, expect, it } from "vitest";
import { createInMemoryStorage } from "../adapters/in-memory/in-memory-storage.js";
import type { StorageAdapter } from "../storage-adapter.js";
import { createCountingEmbedder } from "./__fixtures__/counting-embedder.js";
import { assistant, openRequest, user } from "./__fixtures__/messages.js";
import { createMemory, isMemory, type MemoryOptions } from "./create-memory.js";

function issuesOf(options: unknown) {
  try {
    createMemory(options as MemoryOptions);
  } catch (error) {
    if (InvalidDefinitionError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error("expected an InvalidDefinitionError");
}

describe("createMemory", () => {
  it("is an AgentMemory with its defaults applied", () => {
    const storage = createInMemoryStorage();
    const memory = createMemory({ storage });
    expect(memory.specificationVersion).toBe("v1");
    expect(memory.name).toBe("flowmaestro");
    expect(memory.storage).toBe(storage);
    expect(memory.embedder).toBeUndefined();
    expect(memory.settings).toEqual({
      lastMessages: 20,
      summary: false,
      semanticRecall: false,
      workingMemory: false,
    });
    expect(isMemory(memory)).toBe(true);
    expect(isMemory({ ...memory })).toBe(true);
    expect(isMemory({ specificationVersion: "v1", open() {} })).toBe(false);
    expect(isMemory(null)).toBe(false);
  });

  it("defaults to the libSQL file storage without touching the disk", () => {
    const memory = createMemory();
    expect(memory.storage.name).toBe("libsql");
    expect(existsSync(".flowmaestro/agent.db")).toBe(false);
  });

  it("names the embedder and the storage when semantic recall cannot work", () => {
    const noVectors: StorageAdapter = { ...createInMemoryStorage(), name: "plain", vectors: undefined };
    expect(issuesOf({ storage: noVectors, semanticRecall: {} })).toEqual([
      {
        field: "memory.embedder",
        expected:
          'an embedding model when `semanticRecall` is on (e.g. openai.embedding("text-embedding-3-small"))',
      },
      {
        field: "memory.storage",
        expected: 'an adapter with vector support when `semanticRecall` is on (the "plain" adapter has none)',
      },
    ]);
    expect(() =>
      createMemory({
        storage: createInMemoryStorage(),
        semanticRecall: {},
        embedder: createCountingEmbedder(),
      }),
    ).not.toThrow();
  });

  it("names bad options under memory.", () => {
    expect(
      issuesOf({
        storage: { name: "not an adapter" },
        embedder: "openai/text-embedding-3-small",
        lastMessages: 2.5,
        workingMemory: { template: "# T", schema: { type: "object" } },
      }),
    ).toEqual([
      { field: "memory.lastMessages", expected: "a non-negative integer or false" },
      {
        field: "memory.storage",
        expected:
          "a storage adapter (createLibsqlStorage(), createPostgresStorage(), createInMemoryStorage())",
      },
      {
        field: "memory.embedder",
        expected: "an AI SDK embedding model object (specificationVersion v4 or v3)",
      },
    ]);
    expect(
      issuesOf({
        storage: createInMemoryStorage(),
        workingMemory: { template: "# T", schema: { type: "object" } },
      }),
    ).toEqual([
      {
        field: "memory.workingMemory.schema",
        expected: "absent when `template` is set (working memory takes a template or a schema, not both)",
      },
    ]);
    expect(
      issuesOf({ storage: createInMemoryStorage(), summary: { triggerMessages: 3, keepMessages: 3 } }),
    ).toEqual([
      {
        field: "memory.summary.keepMessages",
        expected: "less than summary.triggerMessages (3)",
        received: "3",
      },
    ]);
    expect(issuesOf({ storage: createInMemoryStorage(), lastMesages: 3 })).toEqual([
      { field: "memory", expected: 'an object without the keys "lastMesages"' },
    ]);
  });

  it("takes a recall index name or a function of the dimension", () => {
    const storage = createInMemoryStorage();
    const embedder = createCountingEmbedder();
    expect(createMemory({ storage, embedder, semanticRecall: {} }).recallIndexName(8)).toBe("fm_recall_8");
    expect(
      createMemory({ storage, embedder, semanticRecall: {}, recallIndexName: "mine" }).recallIndexName(8),
    ).toBe("mine");
    expect(
      createMemory({
        storage,
        embedder,
        semanticRecall: {},
        recallIndexName: (dimension) => `hash_${dimension}`,
      }).recallIndexName(8),
    ).toBe("hash_8");
    expect(issuesOf({ storage, recallIndexName: "no spaces allowed" })[0]?.field).toBe(
      "memory.recallIndexName",
    );
  });

  it("resolves a run's settings from its overrides", () => {
    const memory = createMemory({ storage: createInMemoryStorage(), summary: { keepMessages: 4 } });
    expect(memory.resolveSettings(undefined)).toBe(memory.settings);
    expect(memory.resolveSettings({ lastMessages: 3, summary: false })).toEqual({
      lastMessages: 3,
      summary: false,
      semanticRecall: false,
      workingMemory: false,
    });
    expect(() => memory.resolveSettings({ summary: { keepMessages: 50 } })).toThrow(
      /options\.memory\.summary\.keepMessages/,
    );
  });
});

describe("host helpers", () => {
  it("lists threads and reads messages", async () => {
    const memory = createMemory({ storage: createInMemoryStorage() });
    const model = createScriptedModel({ turns: [] });
    const session = await memory.open(openRequest(model, [user("hi")]));
    await session.save([user("hi")], { step: undefined });
    await session.save([assistant("hello")], { step: 0 });
    await session.close({ status: "succeeded" });

    expect((await memory.listThreads({ resourceId: "r1" })).map((thread) => thread.id)).toEqual(["t1"]);
    expect(await memory.listThreads({ resourceId: "other" })).toEqual([]);
    expect(await memory.getMessages({ threadId: "t1", resourceId: "r1" })).toEqual([
      user("hi"),
      assistant("hello"),
    ]);
    expect(await memory.getMessages({ threadId: "t1", resourceId: "r1", last: 1 })).toEqual([
      assistant("hello"),
    ]);
    expect(await memory.getMessages({ threadId: "t1", resourceId: "other" })).toEqual([]);
    expect((await memory.getThread({ threadId: "t1", resourceId: "r1" }))?.resourceId).toBe("r1");
    await memory.deleteThread({ threadId: "t1", resourceId: "r1" });
    expect(await memory.getThread({ threadId: "t1", resourceId: "r1" })).toBeUndefined();
  });
});
