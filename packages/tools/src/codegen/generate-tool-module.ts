import { camelCase, commentText, pascalCase } from "./identifiers.js";
import { parseToolDefinitions, type ToolDefinition } from "./parse-tool-definitions.js";
import { schemaToZodCode } from "./schema-to-zod-code.js";

/** Options of {@link generateToolModule}. */
export interface GenerateToolModuleOptions {
  /** Name of the definitions file, mentioned in the header comment. */
  source?: string;
  /**
   * Module `defineTool` is imported from.
   * @default "@flowmaestro/runtime"
   */
  runtimeImport?: string;
}

/** What {@link generateToolModule} returns. */
export interface GeneratedToolModule {
  /** TypeScript source of the module. */
  readonly code: string;
  /** The tools it defines, in file order. */
  readonly tools: readonly ToolDefinition[];
  /** Parts of the schemas the generated Zod code does not enforce exactly, for review. */
  readonly warnings: readonly string[];
}

const JSON_EQUAL_HELPER = `/** Structural equality of JSON values, for \`enum\`/\`const\` objects and \`uniqueItems\`. */
function jsonEqual(left: unknown, right: unknown): boolean {
  if (Object.is(left, right) || left === right) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => jsonEqual(item, right[index]))
    );
  }
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return false;
  const leftKeys = Object.keys(left);
  const rightRecord = right as Record<string, unknown>;
  return (
    leftKeys.length === Object.keys(right).length &&
    leftKeys.every(
      (key) =>
        Object.prototype.hasOwnProperty.call(right, key) &&
        jsonEqual((left as Record<string, unknown>)[key], rightRecord[key]),
    )
  );
}`;

const EXACTLY_ONE_HELPER = `/**
 * JSON Schema \`oneOf\`: a union whose value must match exactly one option. The count is taken on
 * the parsed value, so unknown keys that Zod strips from objects do not count.
 */
function exactlyOne<const T extends readonly [z.ZodType, z.ZodType, ...z.ZodType[]]>(options: T) {
  return z.union(options).superRefine((value, ctx) => {
    const matches = options.filter((option) => option.safeParse(value).success).length;
    if (matches !== 1) {
      ctx.addIssue({ code: "custom", message: \`Must match exactly one of the oneOf schemas (matches \${matches}).\` });
    }
  });
}`;

/**
 * Turns tool definitions (any shape {@link parseToolDefinitions} reads) into a TypeScript module
 * with, per tool: `export const <camelName>InputSchema = z.object(...)`, `export type
 * <PascalName>Input`, the same for the output schema when there is one, and an
 * `export const <camelName>Tool = defineTool({...})` whose `execute` throws a TODO error. A
 * `tools` array lists every tool. Pure: the same definitions always give the same code.
 *
 * Zod code comes from the `json-schema-to-zod` package (Zod 4 mode), with `$ref`/`$defs` turned
 * into one constant per definition (`z.lazy` for recursive ones, typed `z.ZodType<unknown>`),
 * Zod 4 string formats, exclusive unions for `oneOf`, and deep equality for object enums and `uniqueItems`.
 *
 * @throws InvalidDefinitionError when `definitions` is not a list of valid tool definitions; the
 * issues name each offending field (e.g. `tools.2.inputSchema`).
 *
 * @example
 * ```ts
 * const { code, warnings } = generateToolModule(JSON.parse(readFileSync("tools.json", "utf8")), { source: "tools.json" });
 * ```
 */
export function generateToolModule(
  definitions: unknown,
  options: GenerateToolModuleOptions = {},
): GeneratedToolModule {
  const tools = parseToolDefinitions(definitions);
  const warnings: string[] = [];
  let usesJsonEqual = false;
  let usesExactlyOne = false;
  // Every module-level name, so definition constants never shadow or clash with them.
  const taken = new Set(["z", "defineTool", "jsonEqual", "exactlyOne", "tools"]);
  for (const tool of tools) {
    const camel = camelCase(tool.name);
    for (const suffix of ["InputSchema", "OutputSchema", "Tool"]) taken.add(`${camel}${suffix}`);
  }
  const sections = tools.map((tool, index) => {
    const camel = camelCase(tool.name);
    const pascal = pascalCase(tool.name);
    const lines: string[] = [
      `// ${"-".repeat(3)} ${tool.name} ${"-".repeat(Math.max(3, 96 - tool.name.length))}`,
      "",
    ];
    const schemas: { role: "Input" | "Output"; schema: unknown; location: string }[] = [
      { role: "Input", schema: tool.inputSchema, location: `tools.${index}.inputSchema` },
    ];
    if (tool.outputSchema !== undefined) {
      schemas.push({ role: "Output", schema: tool.outputSchema, location: `tools.${index}.outputSchema` });
    }
    for (const { role, schema, location } of schemas) {
      const identifier = `${camel}${role}Schema`;
      const generated = schemaToZodCode(schema, {
        prefix: `${camel}${role}`,
        selfIdentifier: identifier,
        location,
        taken,
      });
      warnings.push(...generated.warnings);
      usesJsonEqual ||= generated.usesJsonEqual;
      usesExactlyOne ||= generated.usesExactlyOne;
      for (const declaration of generated.declarations) lines.push(declaration, "");
      const annotation = generated.recursive ? ": z.ZodType<unknown>" : "";
      const noun = role === "Input" ? "input" : "result";
      lines.push(
        `/** Schema of the \`${commentText(tool.name)}\` tool's ${noun}. */`,
        `export const ${identifier}${annotation} = ${generated.expression};`,
        "",
        `/** ${role === "Input" ? "Input of" : "Result of"} the \`${commentText(tool.name)}\` tool${role === "Input" ? ", as `execute` receives it" : ""}. */`,
        `export type ${pascal}${role} = z.infer<typeof ${identifier}>;`,
        "",
      );
    }
    const summary = tool.description
      ? commentText(tool.description).split("\n").join("\n * ")
      : `The \`${commentText(tool.name)}\` tool.`;
    lines.push(
      `/**\n * ${summary}\n */`,
      `export const ${camel}Tool = defineTool({`,
      `  name: ${JSON.stringify(tool.name)},`,
      ...(tool.description === undefined ? [] : [`  description: ${JSON.stringify(tool.description)},`]),
      `  inputSchema: ${camel}InputSchema,`,
      ...(tool.outputSchema === undefined ? [] : [`  outputSchema: ${camel}OutputSchema,`]),
      "  execute: async (input) => {",
      `    throw new Error(${JSON.stringify(`TODO: implement ${tool.name}`)});`,
      "  },",
      "});",
    );
    return lines.join("\n");
  });
  const header = [
    `// Generated by flowmaestro-tools-codegen${options.source ? ` from ${sanitizeLine(options.source)}` : ""}.`,
    "// Implement the `execute` stubs; regenerate the schemas rather than editing them by hand.",
    "",
    `import { defineTool } from ${JSON.stringify(options.runtimeImport ?? "@flowmaestro/runtime")};`,
    'import { z } from "zod";',
    "",
  ];
  if (usesJsonEqual) header.push(JSON_EQUAL_HELPER, "");
  if (usesExactlyOne) header.push(EXACTLY_ONE_HELPER, "");
  const footer = [
    "",
    "/** Every tool of this module, in definition order. */",
    `export const tools = [${tools.map((tool) => `${camelCase(tool.name)}Tool`).join(", ")}] as const;`,
    "",
  ];
  return { code: [...header, sections.join("\n\n"), ...footer].join("\n"), tools, warnings };
}

function sanitizeLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]/g, " ");
}
