import { isSchemaNode, jsonEqual, type SchemaNode } from "./json-schema-node.js";

/**
 * @internal Merges two schemas that apply together, or returns `undefined` when a keyword
 * differs in a way this simple merge cannot reconcile.
 */
export function mergeSchemas(left: SchemaNode, right: SchemaNode): SchemaNode | undefined {
  const result: SchemaNode = { ...left };
  for (const [key, value] of Object.entries(right)) {
    const existing = result[key];
    if (existing === undefined) {
      result[key] = value;
    } else if (key === "properties" && isSchemaNode(existing) && isSchemaNode(value)) {
      const properties: SchemaNode = { ...existing };
      for (const [name, propertySchema] of Object.entries(value)) {
        const current = properties[name];
        if (current === undefined || jsonEqual(current, propertySchema)) {
          properties[name] = propertySchema;
        } else if (isSchemaNode(current) && isSchemaNode(propertySchema)) {
          const inner = mergeSchemas(current, propertySchema);
          if (!inner) return undefined;
          properties[name] = inner;
        } else {
          return undefined;
        }
      }
      result.properties = properties;
    } else if (key === "required" && Array.isArray(existing) && Array.isArray(value)) {
      result.required = [...new Set([...existing, ...value])];
    } else if (key === "allOf" && Array.isArray(existing) && Array.isArray(value)) {
      result.allOf = [...existing, ...value];
    } else if (key === "description" || key === "title") {
      // The outer schema's annotation wins.
    } else if (key === "additionalProperties" && (existing === false || value === false)) {
      // JSON Schema would evaluate each member separately; a closed member usually means "closed".
      result.additionalProperties = false;
    } else if (!jsonEqual(existing, value)) {
      return undefined;
    }
  }
  return result;
}
