import { MissingToolResolverError } from "../errors/missing-tool-resolver-error.js";
import { UnknownFunctionError } from "../errors/unknown-function-error.js";
import type { FlowMaestroTool } from "../json-schema-tool/flow-maestro-tool.js";
import { createJsonSchemaTool } from "../json-schema-tool/json-schema-tool.js";
import { type ToolFieldNames, toolFieldNames } from "../json-schema-tool/tool-field-names.js";
import type { ToolImportContext } from "./tool-import-context.js";
import type { ToolKindOptions } from "./tool-kind-options.js";

/** Options of {@link functionTool}. */
export interface FunctionToolOptions extends ToolKindOptions {
  /** Name of the host function in `context.functions` (a {@link FunctionRegistry}). */
  functionName: string;
}

/**
 * A `function` tool: runs a host function registered by name in `context.functions`. The
 * function is looked up once, here; stored source code is never evaluated.
 *
 * @throws {MissingToolResolverError} when `context.functions` is not set.
 * @throws {UnknownFunctionError} when no function is registered under `functionName`; the
 * message lists the registered names.
 * @throws {InvalidDefinitionError} for a bad name, schema or timeout.
 *
 * @example
 * ```ts
 * const functions = createFunctionRegistry({ lookupOrder: async ({ id }) => orders.get(id) });
 * const tool = functionTool(
 *   { name: "lookup_order", functionName: "lookupOrder", inputSchema: { type: "object", properties: { id: { type: "string" } } } },
 *   { functions },
 * );
 * ```
 */
export function functionTool(options: FunctionToolOptions, context: ToolImportContext): FlowMaestroTool {
  return buildFunctionTool(options, context, toolFieldNames(options.name));
}

/** @internal {@link functionTool} with the field names to use in errors. */
export function buildFunctionTool(
  options: FunctionToolOptions,
  context: ToolImportContext,
  fields: ToolFieldNames,
): FlowMaestroTool {
  const registry = context.functions;
  if (!registry) {
    throw new MissingToolResolverError({
      toolName: options.name,
      kind: "function",
      option: "functions",
      expected: "a FunctionRegistry from createFunctionRegistry()",
      field: fields("functionName"),
    });
  }
  const fn = typeof options.functionName === "string" ? registry.get(options.functionName) : undefined;
  if (!fn) {
    throw new UnknownFunctionError({
      toolName: options.name,
      functionName: options.functionName,
      registeredNames: registry.names(),
      field: fields("functionName"),
    });
  }
  return createJsonSchemaTool(
    { ...options, conversion: context.conversion, execute: (input, toolContext) => fn(input, toolContext) },
    "function",
    fields,
  );
}
