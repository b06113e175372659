import { ChangeLog, preview } from "./change-log.js";
import { isSchemaNode, resolveLocalRef, type SchemaNode } from "./json-schema-node.js";
import type { SchemaChange } from "./schema-change.js";

/** @internal What {@link adaptForAnthropic} returns. */
export interface AnthropicAdapterResult {
  readonly jsonSchema: SchemaNode;
  readonly changes: SchemaChange[];
}

/**
 * @internal Anthropic takes JSON Schema broadly; its only hard rule is an `input_schema` whose root
 * has `type: "object"`. So: drop `$schema`, inline a root `$ref` (keeping the definitions), and
 * add the root `type` when it is missing. Everything else is left as it is.
 */
export function adaptForAnthropic(original: SchemaNode): AnthropicAdapterResult {
  const log = new ChangeLog();
  let schema: SchemaNode = { ...original };
  if (schema.$schema !== undefined) {
    log.record("", "$schema", "removed", preview(schema.$schema));
    delete schema.$schema;
  }
  if (typeof schema.$ref === "string") {
    const resolved = resolveLocalRef(original, schema.$ref, "");
    if (resolved && isSchemaNode(resolved.schema) && resolved.path !== "") {
      log.record("", "$ref", "inlined", `${schema.$ref} inlined: the root must be an object schema`);
      const { $ref: _ref, ...siblings } = schema;
      schema = { ...resolved.schema, ...siblings };
    }
  }
  if (schema.type === undefined) {
    schema = { type: "object", ...schema };
    log.record("", "type", "rewritten", 'added "object": the root of an input schema must be an object');
  }
  return { jsonSchema: schema, changes: log.changes };
}
