import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { callTool, sleep } from "../tool-kinds/__fixtures__/call-tool.js";
import { jsonSchemaTool } from "./json-schema-tool.js";

const weatherSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: {
    city: { type: "string", minLength: 2, description: "City name" },
    days: { type: "integer", minimum: 1, maximum: 7 },
  },
  required: ["city"],
  additionalProperties: false,
};

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("jsonSchemaTool", () => {
  it("shows the model the original schema without $schema, and runs with validated input", async () => {
    const tool = jsonSchemaTool({
      name: "get_weather",
      description: "Current weather",
      inputSchema: weatherSchema,
      execute: async (input: { city: string }, context) => ({
        city: input.city,
        celsius: 21,
        call: context.toolCallId,
      }),
    });
    const { $schema, ...withoutDraft } = weatherSchema;
    expect($schema).toBeDefined();
    expect(tool.jsonSchema).toEqual(withoutDraft);
    expect(tool.description).toBe("Current weather");
    expect(tool.kind).toBe("json-schema");
    expect(tool.needsApproval).toBe(false);
    expect(tool.schemaWarnings).toEqual([]);
    expect(tool.timeoutMs).toBeUndefined();
    expect(tool.parseOutput).toBeUndefined();
    expect(tool.parseInput({ city: "Paris" })).toEqual({ success: true, value: { city: "Paris" } });

    const result = await callTool(tool, { city: "Paris", days: 2 });
    expect(result).toMatchObject({ isError: false, output: { city: "Paris", celsius: 21, call: "call_1" } });
  });

  it("keeps its own copy of the schema", () => {
    const schema = structuredClone(weatherSchema);
    const tool = jsonSchemaTool({ name: "copy", inputSchema: schema, execute: () => null });
    schema.properties.city.minLength = 50;
    expect(tool.jsonSchema.properties).toMatchObject({ city: { minLength: 2 } });
    expect(tool.parseInput({ city: "Rome" }).success).toBe(true);
  });

  it("reports invalid arguments naming the field", async () => {
    const tool = jsonSchemaTool({ name: "get_weather", inputSchema: weatherSchema, execute: () => "never" });
    expect(tool.parseInput({ city: "Paris", days: 9 })).toEqual({
      success: false,
      issues: [{ field: "days", expected: "at most 7" }],
    });
    const result = await callTool(tool, { city: 42 });
    expect(result.isError).toBe(true);
    expect(result.error?.code).toBe("INVALID_TOOL_ARGUMENTS");
    expect(result.error?.message).toBe(
      'Invalid arguments for tool "get_weather": `city` must be of type string (received number).',
    );
    const extra = await callTool(tool, { city: "Paris", units: "c" });
    expect(extra.error?.message).toContain("`units` must be absent");
  });

  it("validates the result against the output schema", async () => {
    const tool = jsonSchemaTool({
      name: "get_weather",
      inputSchema: weatherSchema,
      outputSchema: { type: "object", properties: { celsius: { type: "number" } }, required: ["celsius"] },
      execute: () => ({ celsius: "warm" }),
    });
    const result = await callTool(tool, { city: "Paris" });
    expect(result.error?.code).toBe("INVALID_TOOL_OUTPUT");
    expect(result.error?.message).toBe(
      'Tool "get_weather" returned an invalid result: `celsius` must be of type number (received string).',
    );
  });

  it("passes a valid result through the output schema", async () => {
    const tool = jsonSchemaTool({
      name: "count",
      inputSchema: { type: "object" },
      outputSchema: { type: "integer" },
      execute: () => 3,
    });
    expect(await callTool(tool, {})).toMatchObject({ isError: false, output: 3 });
  });

  it("times out after timeoutMs and aborts the call's signal", async () => {
    let aborted = false;
    const tool = jsonSchemaTool({
      name: "slow",
      inputSchema: { type: "object" },
      timeoutMs: 20,
      execute: async (_input, context) => {
        context.signal.addEventListener("abort", () => {
          aborted = true;
        });
        await sleep(1_000, context.signal);
        return "late";
      },
    });
    expect(tool.timeoutMs).toBe(20);
    const result = await callTool(tool, {});
    expect(result.error?.code).toBe("TOOL_TIMEOUT");
    expect(result.error?.message).toBe('Tool "slow" timed out after 20 ms.');
    expect(aborted).toBe(true);
  });

  it("reports a thrown error to the model with its message", async () => {
    const tool = jsonSchemaTool({
      name: "broken",
      inputSchema: { type: "object" },
      execute: () => {
        throw new Error("database unavailable");
      },
    });
    const result = await callTool(tool, {});
    expect(result.error?.code).toBe("TOOL_EXECUTION_FAILED");
    expect(result.error?.message).toBe('Tool "broken" failed: database unavailable');
  });

  it("records needsApproval without acting on it", async () => {
    const tool = jsonSchemaTool({
      name: "pay",
      inputSchema: { type: "object" },
      needsApproval: true,
      execute: () => "paid",
    });
    expect(tool.needsApproval).toBe(true);
    expect(await callTool(tool, {})).toMatchObject({ isError: false, output: "paid" });
  });

  it("names the schema path of a schema the converter rejects", () => {
    const error = catchError(() =>
      jsonSchemaTool({
        name: "lookup",
        inputSchema: { type: "object", properties: { age: { type: "integer", minimum: "ten" } } },
        execute: () => null,
      }),
    );
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    const issue = (error as InvalidDefinitionError).issues[0];
    expect(issue?.field).toBe("tools.lookup.inputSchema.properties.age.minimum");
    expect(issue?.expected).toContain('"minimum" must be a number');
    expect((error as Error).cause).toMatchObject({ code: "INVALID_JSON_SCHEMA" });
  });

  it("names the output schema when it is the bad one", () => {
    const error = catchError(() =>
      jsonSchemaTool({
        name: "lookup",
        inputSchema: { type: "object" },
        outputSchema: { type: "strin" },
        execute: () => null,
      }),
    ) as InvalidDefinitionError;
    expect(error.field).toBe("tools.lookup.outputSchema.type");
  });

  it("requires an object input schema", () => {
    const error = catchError(() =>
      jsonSchemaTool({ name: "lookup", inputSchema: { type: "string" }, execute: () => null }),
    ) as InvalidDefinitionError;
    expect(error.issues).toEqual([
      {
        field: "tools.lookup.inputSchema",
        expected: 'a JSON Schema object with "type": "object"',
        received: '"type": "string"',
      },
    ]);
  });

  it("reports every bad option at once", () => {
    const error = catchError(() =>
      jsonSchemaTool({
        name: "has space",
        inputSchema: [] as never,
        timeoutMs: -5,
        execute: "nope" as never,
      }),
    ) as InvalidDefinitionError;
    expect(error.issues.map((issue) => issue.field)).toEqual([
      "tools.has space.name",
      "tools.has space.execute",
      "tools.has space.timeoutMs",
      "tools.has space.inputSchema",
    ]);
    expect(error.message).toMatch(
      /^Invalid tool: `tools.has space.name` must be a name of 1 to 64 characters/,
    );
  });

  it("records conversion warnings when unsupported keywords are allowed", () => {
    // 2019-09 recursive references are a keyword the converter recognises but cannot enforce.
    const schema = { type: "object", properties: { tree: { $recursiveRef: "#" } } };
    expect(() => jsonSchemaTool({ name: "strict", inputSchema: schema, execute: () => null })).toThrow(
      /tools\.strict\.inputSchema\.properties\.tree\.\$recursiveRef/,
    );
    const tool = jsonSchemaTool({
      name: "lenient",
      inputSchema: schema,
      conversion: { onUnsupported: "warn" },
      execute: () => null,
    });
    expect(tool.schemaWarnings).toEqual([
      expect.objectContaining({
        schema: "input",
        keyword: "$recursiveRef",
        path: "/properties/tree/$recursiveRef",
      }),
    ]);
    expect(tool.jsonSchema).toEqual(schema);
  });
});
