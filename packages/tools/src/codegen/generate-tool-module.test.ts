import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidDefinitionError } from "@flowmaestro/runtime";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateToolModule } from "./generate-tool-module.js";

const FIXTURE = new URL("../__fixtures__/codegen/tools.json", import.meta.url);
const definitions = JSON.parse(readFileSync(FIXTURE, "utf8")) as unknown;
const require = createRequire(import.meta.url);

/** Entry points of an installed package, read from its `exports` (types and ESM code). */
function entryOf(name: string): { types: string; code: string } {
  const manifestPath = require.resolve(`${name}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    exports: Record<string, { types: string; import?: string; default?: string }>;
  };
  const root = manifest.exports["."]!;
  return {
    types: join(dirname(manifestPath), root.types),
    code: join(dirname(manifestPath), (root.import ?? root.default)!),
  };
}

/**
 * Imports generated TypeScript: transpiled with the compiler API, its two bare imports pointed at
 * the installed packages (the temporary directory has no node_modules), then loaded with a
 * dynamic import of the file.
 */
async function importGenerated(code: string, directory: string, name: string): Promise<Record<string, any>> {
  const javascript = ts
    .transpileModule(code, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    })
    .outputText.replace('from "zod"', `from ${JSON.stringify(pathToFileURL(entryOf("zod").code).href)}`)
    .replace(
      'from "@flowmaestro/runtime"',
      `from ${JSON.stringify(pathToFileURL(entryOf("@flowmaestro/runtime").code).href)}`,
    );
  const file = join(directory, name);
  writeFileSync(file, javascript);
  return import(/* @vite-ignore */ pathToFileURL(file).href);
}

/** A consumer of the generated module: its types must be precise, not `any`. */
const CONSUMER = `import {
  type CreateOrderInput,
  type GetWeatherInput,
  type GetWeatherOutput,
  createOrderTool,
  getWeatherInputSchema,
  getWeatherTool,
  tools,
} from "./tools.mjs";

const ok: GetWeatherInput = { city: "Paris", units: "metric", location: { lat: 1, lng: 2 } };
// @ts-expect-error city is required
const missingCity: GetWeatherInput = { units: "metric" };
// @ts-expect-error units is an enum
const badUnits: GetWeatherInput = { city: "Paris", units: "kelvin" };
const parsedDefault: "metric" | "imperial" = getWeatherInputSchema.parse({ city: "Oslo" }).units;
const output: GetWeatherOutput = { celsius: 21, conditions: "sunny" };
const order: CreateOrderInput = {
  customer: { email: "a@b.co" },
  lines: [{ sku: "ABC-1234", quantity: 1, gift: false }],
  shipping: { method: "pickup", store: "Lyon" },
  coupon: null,
};
// @ts-expect-error quantity is a number
const badOrder: CreateOrderInput = { customer: { email: "a@b.co" }, lines: [{ sku: "ABC-1234", quantity: "1", gift: false }] };
const names: string[] = tools.map((tool) => tool.name);
const schemaName: string = getWeatherTool.name + createOrderTool.name;
export { ok, missingCity, badUnits, parsedDefault, output, order, badOrder, names, schemaName };
`;

describe("generateToolModule", () => {
  const generated = generateToolModule(definitions, { source: "tools.json" });
  // Keywords the fixture does not use, with their own helpers.
  const pick = generateToolModule([
    {
      name: "pick",
      inputSchema: {
        type: "object",
        properties: {
          code: {
            oneOf: [
              { type: "string", minLength: 1 },
              { type: "string", maxLength: 3 },
            ],
          },
          point: { enum: [{ x: 1, y: 2 }, [1, 2], "origin"] },
          when: {
            type: "string",
            format: "time",
            if: { type: "string", pattern: "Z$" },
            // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword under test.
            then: { type: "string", maxLength: 9 },
          },
          refs: { type: "array", items: { $ref: "#/properties/code" }, uniqueItems: true },
        },
      },
    },
  ]);
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "flowmaestro-codegen-"));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("matches the golden module", async () => {
    expect(generated.tools.map((tool) => tool.name)).toEqual(["get_weather", "create-order", "outline"]);
    expect(generated.warnings).toEqual([]);
    await expect(generated.code).toMatchFileSnapshot("../__fixtures__/codegen/tools.generated.ts.snap");
  });

  it("is deterministic", () => {
    expect(generateToolModule(definitions, { source: "tools.json" }).code).toBe(generated.code);
  });

  it("typechecks under strict settings, with precise types", () => {
    const modulePath = join(directory, "tools.mts");
    const consumerPath = join(directory, "consumer.mts");
    const pickPath = join(directory, "pick.mts");
    writeFileSync(modulePath, generated.code);
    writeFileSync(consumerPath, CONSUMER);
    writeFileSync(pickPath, pick.code);
    const program = ts.createProgram([modulePath, consumerPath, pickPath], {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
      skipLibCheck: true,
      noEmit: true,
      paths: {
        zod: [entryOf("zod").types],
        "@flowmaestro/runtime": [entryOf("@flowmaestro/runtime").types],
      },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file
        ? `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
        : "";
      return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
    expect(diagnostics).toEqual([]);
  }, 60_000);

  it("produces schemas that accept and reject the right inputs", async () => {
    const module = await importGenerated(generated.code, directory, "tools.mjs");

    const weather = module.getWeatherInputSchema;
    expect(weather.parse({ city: "Paris" })).toEqual({ city: "Paris", units: "metric" });
    expect(weather.safeParse({ city: "Oslo", days: 7, location: { lat: 59.9, lng: 10.7 } }).success).toBe(
      true,
    );
    for (const bad of [
      {},
      { city: "" },
      { city: "Paris", days: 8 },
      { city: "Paris", extra: 1 },
      { city: "Rome", units: "kelvin" },
    ]) {
      expect(weather.safeParse(bad).success).toBe(false);
    }
    expect(module.getWeatherOutputSchema.safeParse({ celsius: 3, conditions: "snow" }).success).toBe(true);
    expect(module.getWeatherOutputSchema.safeParse({ celsius: 3, conditions: "hail" }).success).toBe(false);

    const order = module.createOrderInputSchema;
    const valid = {
      customer: {
        email: "ada@example.com",
        id: "123e4567-e89b-12d3-a456-426614174000",
        since: "2024-02-29T12:00:00+01:00",
      },
      lines: [{ sku: "ABC-1234", quantity: 2 }],
      priority: 2,
      coupon: null,
      shipping: { method: "delivery", address: "1 Main St" },
      tags: ["a", "b"],
    };
    expect(order.parse(valid).lines[0]).toEqual({ sku: "ABC-1234", quantity: 2, gift: false });
    const invalid = [
      { ...valid, customer: { email: "not-an-email" } },
      { ...valid, customer: { email: "a@b.co", since: "yesterday" } },
      { ...valid, lines: [] },
      { ...valid, lines: [{ sku: "abc", quantity: 1 }] },
      { ...valid, priority: 4 },
      { ...valid, shipping: { method: "drone" } },
      { ...valid, tags: ["a", "a"] },
    ];
    for (const bad of invalid) expect(order.safeParse(bad).success).toBe(false);

    const outline = module.outlineInputSchema;
    const tree = {
      title: "Doc",
      root: { heading: "1", children: [{ heading: "1.1", children: [{ heading: "1.1.1" }] }] },
    };
    expect(outline.safeParse(tree).success).toBe(true);
    expect(outline.safeParse({ title: "Doc", root: { heading: "1", children: [{}] } }).success).toBe(false);
    expect(outline.safeParse({ title: "Doc", root: { heading: "1" }, mode: "draft" }).success).toBe(false);
    expect(outline.safeParse({ title: "Doc", root: { heading: "1" }, mode: "final" }).success).toBe(true);

    expect(module.tools.map((tool: { name: string }) => tool.name)).toEqual([
      "get_weather",
      "create-order",
      "outline",
    ]);
    expect(module.createOrderTool.jsonSchema).toMatchObject({
      type: "object",
      required: ["customer", "lines"],
    });
    await expect(module.outlineTool.execute({}, {})).rejects.toThrow("TODO: implement outline");
  });

  it("enforces oneOf exclusivity and object enums", async () => {
    const module = await importGenerated(pick.code, directory, "pick.mjs");
    const schema = module.pickInputSchema;
    expect(schema.safeParse({ code: "abcd" }).success).toBe(true);
    expect(schema.safeParse({ code: "" }).success).toBe(true);
    expect(schema.safeParse({ code: "ab" }).success).toBe(false);
    expect(schema.safeParse({ point: { y: 2, x: 1 } }).success).toBe(true);
    expect(schema.safeParse({ point: [1, 2] }).success).toBe(true);
    expect(schema.safeParse({ point: "origin" }).success).toBe(true);
    expect(schema.safeParse({ point: { x: 1 } }).success).toBe(false);
    expect(schema.safeParse({ when: "12:30:00Z" }).success).toBe(true);
    expect(schema.safeParse({ when: "12:30:00.123Z" }).success).toBe(false);
    expect(schema.safeParse({ when: "12:30:00+01:00" }).success).toBe(true);
    expect(schema.safeParse({ when: "12:30" }).success).toBe(false);
    expect(schema.safeParse({ refs: ["abcd", ""] }).success).toBe(true);
    expect(schema.safeParse({ refs: ["abcd", "abcd"] }).success).toBe(false);
  });
});

describe("generateToolModule input checks", () => {
  function issuesOf(value: unknown): string[] {
    try {
      generateToolModule(value);
    } catch (error) {
      expect(InvalidDefinitionError.isInstance(error)).toBe(true);
      return (error as InvalidDefinitionError).issues.map((issue) => issue.field);
    }
    throw new Error("expected an InvalidDefinitionError");
  }

  it("names the tool index and field of each problem", () => {
    expect(issuesOf({ nope: true })).toEqual(["(root)"]);
    expect(
      issuesOf([
        { name: "ok", inputSchema: { type: "object" } },
        { name: "bad name!", inputSchema: { type: "object" } },
        { name: "no_schema" },
        { name: "string_schema", inputSchema: { type: "string" } },
        { type: "function", function: { name: "x", parameters: [] } },
        { name: "described", description: 42, inputSchema: { type: "object" }, outputSchema: "text" },
        "not a tool",
      ]),
    ).toEqual([
      "tools.1.name",
      "tools.2.inputSchema",
      "tools.3.inputSchema",
      "tools.4.function.parameters",
      "tools.5.description",
      "tools.5.outputSchema",
      "tools.6",
    ]);
  });

  it("rejects duplicate names and names that map to the same identifier", () => {
    const schema = { type: "object", properties: {} };
    expect(
      issuesOf([
        { name: "a", inputSchema: schema },
        { name: "a", inputSchema: schema },
      ]),
    ).toEqual(["tools.1.name"]);
    expect(
      issuesOf([
        { name: "get_weather", inputSchema: schema },
        { name: "get-weather", inputSchema: schema },
      ]),
    ).toEqual(["tools.1.name"]);
  });

  it("accepts OpenAI functions without parameters and Anthropic input_schema", () => {
    const { code, tools } = generateToolModule([
      { type: "function", function: { name: "ping", description: "Ping." } },
      { name: "echo", input_schema: { type: "object", properties: { text: { type: "string" } } } },
    ]);
    expect(tools.map((tool) => tool.name)).toEqual(["ping", "echo"]);
    expect(code).toContain("export const pingInputSchema = z.object({});");
    expect(code).toContain("export const echoTool = defineTool({");
  });

  it("keeps names, descriptions and patterns out of the code's syntax", () => {
    // Built by concatenation: the text must reach the generator as a literal `${...}`.
    const placeholder = "$" + "{danger}";
    const { code } = generateToolModule([
      {
        name: "inject",
        description: `Ends a comment */ and a string ", then \`template ${placeholder}\``,
        inputSchema: {
          type: "object",
          properties: {
            'we"ird */ key': { type: "string", pattern: '^"\\)+$', description: `*/ ${placeholder}` },
          },
        },
      },
    ]);
    const parsed = ts.createSourceFile("inject.ts", code, ts.ScriptTarget.ES2022, true);
    const syntaxErrors = (parsed as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    expect(syntaxErrors).toEqual([]);
    expect(code).toContain('"we\\"ird */ key": z.string()');
  });

  it("warns about what it cannot express", () => {
    const { warnings } = generateToolModule([
      {
        name: "w",
        inputSchema: {
          type: "object",
          properties: {
            a: { $ref: "https://example.com/a.json" },
            b: { type: "object", default: { x: 1 } },
            c: { minLength: 2, description: "untyped" },
          },
        },
      },
    ]);
    expect(warnings).toEqual([
      'tools.0.inputSchema/properties/b: default {"x":1} is not emitted (only primitive defaults are).',
      "tools.0.inputSchema/properties/c: minLength not enforced: the schema has no `type`.",
      'tools.0.inputSchema: $ref "https://example.com/a.json" points outside the document; typed as unknown.',
    ]);
  });
});
