import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { describe, expect, it } from "vitest";
import { DEFAULT_WORKING_MEMORY_TEMPLATE } from "../strategies/working-memory.js";
import { applySettings, parseStrategySettings, resolveSettings, settingsIssues } from "./memory-settings.js";

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (InvalidDefinitionError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error("expected an InvalidDefinitionError");
}

describe("parseStrategySettings", () => {
  it("accepts every strategy", () => {
    const model = createScriptedModel({ turns: [] });
    const settings = {
      lastMessages: 5,
      maxHistoryTokens: 1000,
      summary: { model, triggerMessages: 30, keepMessages: 5 },
      semanticRecall: { topK: 4, messageRange: { before: 2, after: 0 }, scope: "thread" as const },
      workingMemory: { scope: "thread" as const, template: "# Me" },
    };
    const parsed = parseStrategySettings(settings, "memory", "memory");
    expect(parsed).toEqual(settings);
    expect((parsed.summary || undefined)?.model).toBe(model);
  });

  it("names every bad field under the prefix", () => {
    expect(
      issuesOf(() =>
        parseStrategySettings(
          {
            lastMessages: -1,
            maxHistoryTokens: 1.5,
            summary: { triggerMessages: 0, model: "openai/gpt-4o" },
            semanticRecall: { topK: 0, messageRange: -1, scope: "world" },
            workingMemory: { template: "" },
            lastMessage: 3,
          },
          "options.memory",
          "memory overrides",
        ),
      ),
    ).toEqual([
      { field: "options.memory.lastMessages", expected: "at least 0" },
      { field: "options.memory.maxHistoryTokens", expected: "an integer", received: "number" },
      {
        field: "options.memory.summary.model",
        expected: 'an AI SDK v4 language model object (e.g. openai("gpt-4o-mini"))',
      },
      { field: "options.memory.summary.triggerMessages", expected: "at least 1" },
      { field: "options.memory.semanticRecall.topK", expected: "at least 1" },
      { field: "options.memory.semanticRecall.messageRange", expected: "at least 0" },
      { field: "options.memory.semanticRecall.scope", expected: 'one of "thread", "resource"' },
      { field: "options.memory.workingMemory.template", expected: "a non-empty markdown template" },
      { field: "options.memory", expected: 'an object without the keys "lastMessage"' },
    ]);
  });

  it("explains a strategy that is neither false nor an object", () => {
    expect(issuesOf(() => parseStrategySettings({ semanticRecall: true }, "memory", "memory"))).toEqual([
      { field: "memory.semanticRecall", expected: "false or an object of semantic recall settings" },
    ]);
    expect(issuesOf(() => parseStrategySettings({ lastMessages: "5" }, "memory", "memory"))).toEqual([
      { field: "memory.lastMessages", expected: "a non-negative integer or false" },
    ]);
  });

  it("rejects template and schema together", () => {
    expect(
      issuesOf(() =>
        parseStrategySettings(
          { workingMemory: { template: "# T", schema: { type: "object" } } },
          "memory",
          "memory",
        ),
      ),
    ).toEqual([
      {
        field: "memory.workingMemory.schema",
        expected: "absent when `template` is set (working memory takes a template or a schema, not both)",
      },
    ]);
  });

  it("rejects a schema that is not an object schema", () => {
    expect(
      issuesOf(() =>
        parseStrategySettings({ workingMemory: { schema: { type: "string" } } }, "memory", "memory"),
      ),
    ).toEqual([
      { field: "memory.workingMemory.schema", expected: 'a JSON Schema of an object (`type: "object"`)' },
    ]);
  });

  it("throws an InvalidDefinitionError whose message names the fields", () => {
    let error: unknown;
    try {
      parseStrategySettings({ semanticRecall: { topK: 1000 } }, "memory", "memory");
    } catch (caught) {
      error = caught;
    }
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      "Invalid memory: `memory.semanticRecall.topK` must be at most 100.",
    );
  });
});

describe("resolveSettings and applySettings", () => {
  it("applies the defaults", () => {
    expect(resolveSettings({})).toEqual({
      lastMessages: 20,
      summary: false,
      semanticRecall: false,
      workingMemory: false,
    });
    expect(resolveSettings({ summary: {}, semanticRecall: { messageRange: 2 }, workingMemory: {} })).toEqual({
      lastMessages: 20,
      // The trigger never exceeds the history window (lastMessages 20).
      summary: { triggerMessages: 20, keepMessages: 10 },
      semanticRecall: { topK: 3, messageRange: { before: 2, after: 2 }, scope: "resource" },
      workingMemory: { scope: "resource", template: DEFAULT_WORKING_MEMORY_TEMPLATE },
    });
  });

  it("keeps the summary trigger within the history window", () => {
    expect(resolveSettings({ lastMessages: 100, summary: {} }).summary).toEqual({
      triggerMessages: 40,
      keepMessages: 10,
    });
    expect(resolveSettings({ lastMessages: 6, summary: {} }).summary).toEqual({
      triggerMessages: 6,
      keepMessages: 3,
    });
    const issues = settingsIssues(
      resolveSettings({ lastMessages: 10, summary: { triggerMessages: 30 } }),
      "memory",
    );
    expect(issues).toEqual([
      expect.objectContaining({ field: "memory.summary.triggerMessages", received: "30" }),
    ]);
  });

  it("overrides field by field, and false turns a strategy off", () => {
    const base = resolveSettings({
      semanticRecall: { topK: 5, scope: "thread" },
      summary: { keepMessages: 4 },
    });
    expect(applySettings(base, { lastMessages: 5, semanticRecall: { topK: 1 } })).toMatchObject({
      lastMessages: 5,
      semanticRecall: { topK: 1, scope: "thread", messageRange: { before: 1, after: 1 } },
      summary: { keepMessages: 4, triggerMessages: 20 },
    });
    expect(applySettings(base, { semanticRecall: false, summary: false, lastMessages: 0 })).toMatchObject({
      lastMessages: false,
      semanticRecall: false,
      summary: false,
    });
  });

  it("switches working memory between template and schema", () => {
    const base = resolveSettings({ workingMemory: { schema: { type: "object" }, scope: "thread" } });
    expect(applySettings(base, { workingMemory: { template: "# T" } }).workingMemory).toEqual({
      scope: "thread",
      template: "# T",
    });
    expect(applySettings(base, { workingMemory: { scope: "resource" } }).workingMemory).toEqual({
      scope: "resource",
      schema: { type: "object" },
    });
  });

  it("reports keepMessages that would never let a summary fold anything", () => {
    expect(
      settingsIssues(resolveSettings({ summary: { triggerMessages: 5, keepMessages: 5 } }), "memory"),
    ).toEqual([
      {
        field: "memory.summary.keepMessages",
        expected: "less than summary.triggerMessages (5)",
        received: "5",
      },
    ]);
  });
});
