import { z } from "zod";
import { type CompiledNode, schemaOf } from "../compiled-node.js";
import { allows2020Keywords, allowsDraft07Forms } from "../dialect.js";
import { addIssue, checkSubschema } from "../issues.js";
import { isJsonObject } from "../json-equal.js";
import {
  isSchemaValue,
  readNonNegativeInteger,
  readSchema,
  readSchemaMap,
  readStringArray,
} from "../keyword-values.js";
import type { NodeBuilder } from "../node-builder.js";
import { type CompiledPattern, compilePattern } from "../regex.js";

const OBJECT_KEYWORDS = [
  "properties",
  "required",
  "additionalProperties",
  "patternProperties",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
];

/**
 * Names Zod's object parser would misjudge: it tests presence with `key in input`, which is true
 * for inherited members such as `toString`, and it skips `__proto__`. These are validated by a
 * keyword check that uses `Object.hasOwn` instead.
 */
function isInheritedName(name: string): boolean {
  return name in Object.prototype;
}

/**
 * Object keywords. `properties` and `required` map to a `z.looseObject` shape (unknown keys are
 * kept, never stripped). Everything that depends on the full key set — `additionalProperties`,
 * `patternProperties`, `propertyNames`, `min/maxProperties`, `dependentRequired`,
 * `dependentSchemas`, draft-07 `dependencies` — is a keyword check on the raw instance.
 *
 * `additionalProperties: false` is enforced by such a check rather than by `z.strictObject`,
 * because Zod's intersection deliberately forgives keys that only one side rejects, which would
 * break `allOf` / `$ref` semantics. It rejects; it never strips.
 *
 * Returns the native object branch, or undefined when no object keyword is present.
 */
export function compileObjectKeywords(builder: NodeBuilder): z.ZodType | undefined {
  if (!OBJECT_KEYWORDS.some((keyword) => builder.has(keyword))) return undefined;
  const annotations = builder.node.annotations;
  const shape: Record<string, z.ZodType> = Object.create(null);
  const inheritedProperties: Array<[string, CompiledNode]> = [];
  const required = new Set(readStringArray(builder, "required") ?? []);
  const propertyNodes = new Map<string, CompiledNode>();

  for (const [name, value] of readSchemaMap(builder, "properties") ?? []) {
    const node = builder.child(value, false, "properties", name);
    propertyNodes.set(name, node);
    annotations.propertyNames.push(name);
    if (isInheritedName(name)) inheritedProperties.push([name, node]);
    else shape[name] = required.has(name) ? schemaOf(node) : schemaOf(node).optional();
  }
  const inheritedRequired: string[] = [];
  for (const name of required) {
    if (isInheritedName(name)) inheritedRequired.push(name);
    else if (!propertyNodes.has(name)) shape[name] = z.unknown();
  }
  if (inheritedProperties.length > 0) {
    builder.addCheck("properties", (value, context) => {
      if (!isJsonObject(value)) return;
      for (const [name, node] of inheritedProperties) {
        if (Object.hasOwn(value, name)) {
          checkSubschema(node.schema, value[name], context, [name], `Property "${name}"`);
        }
      }
    });
  }
  if (inheritedRequired.length > 0) {
    builder.addCheck("required", (value, context) => {
      if (!isJsonObject(value)) return;
      for (const name of inheritedRequired) {
        if (!Object.hasOwn(value, name))
          addIssue(context, `Missing required property "${name}"`, value, [name]);
      }
    });
  }

  const patterns: Array<[CompiledPattern, CompiledNode]> = [];
  for (const [source, value] of readSchemaMap(builder, "patternProperties") ?? []) {
    const compiled = compilePattern(source);
    if (!compiled.ok) {
      if (compiled.reason === "invalid") {
        builder.fail(
          "patternProperties",
          `keyed by valid ECMA-262 regular expressions (${compiled.message})`,
          source,
        );
      }
      builder.unsupported("patternProperties", `pattern ${source}: ${compiled.message}`);
      continue;
    }
    const node = builder.child(value, false, "patternProperties", source);
    patterns.push([compiled.pattern, node]);
    annotations.propertyPatterns.push(compiled.pattern);
  }
  if (patterns.length > 0) {
    builder.addCheck("patternProperties", (value, context) => {
      if (!isJsonObject(value)) return;
      for (const key of Object.keys(value)) {
        for (const [pattern, node] of patterns) {
          if (pattern.test(key) === true) {
            checkSubschema(
              node.schema,
              value[key],
              context,
              [key],
              `Property "${key}" (pattern ${pattern.source})`,
            );
          }
        }
      }
    });
  }

  if (builder.has("additionalProperties")) {
    const node = builder.child(readSchema(builder, "additionalProperties"), false, "additionalProperties");
    annotations.allProperties = true;
    builder.addCheck("additionalProperties", (value, context) => {
      if (!isJsonObject(value)) return;
      for (const key of Object.keys(value)) {
        if (propertyNodes.has(key) || patterns.some(([pattern]) => pattern.test(key) === true)) continue;
        if (node.location.schema === false) {
          addIssue(context, `Unexpected property "${key}"`, value, [key]);
        } else {
          checkSubschema(node.schema, value[key], context, [key], `Additional property "${key}"`);
        }
      }
    });
  }

  if (builder.has("propertyNames")) {
    const node = builder.child(readSchema(builder, "propertyNames"), false, "propertyNames");
    builder.addCheck("propertyNames", (value, context) => {
      if (!isJsonObject(value)) return;
      for (const key of Object.keys(value)) {
        checkSubschema(node.schema, key, context, [key], `Property name "${key}"`);
      }
    });
  }

  const minProperties = readNonNegativeInteger(builder, "minProperties");
  const maxProperties = readNonNegativeInteger(builder, "maxProperties");
  if (minProperties !== undefined || maxProperties !== undefined) {
    builder.addCheck("minProperties", (value, context) => {
      if (!isJsonObject(value)) return;
      const count = Object.keys(value).length;
      if (minProperties !== undefined && count < minProperties) {
        addIssue(context, `Must have at least ${minProperties} properties`, value);
      }
      if (maxProperties !== undefined && count > maxProperties) {
        addIssue(context, `Must have at most ${maxProperties} properties`, value);
      }
    });
  }

  compileDependencies(builder);
  return z.looseObject(shape);
}

/** `dependentRequired`, `dependentSchemas` and draft-07 `dependencies`. */
function compileDependencies(builder: NodeBuilder): void {
  const requiredBy: Array<[string, string[]]> = [];
  const schemasBy: Array<[string, CompiledNode]> = [];
  if (allows2020Keywords(builder.dialect) && builder.has("dependentRequired")) {
    const value = builder.get("dependentRequired");
    if (!isJsonObject(value))
      builder.fail("dependentRequired", "an object whose values are arrays of strings");
    for (const name of Object.keys(value)) {
      const names = value[name];
      if (!Array.isArray(names) || !names.every((item) => typeof item === "string")) {
        builder.fail("dependentRequired", "an object whose values are arrays of strings", names, [name]);
      }
      requiredBy.push([name, names as string[]]);
    }
  }
  for (const [name, value] of readSchemaMap(builder, "dependentSchemas") ?? []) {
    schemasBy.push([name, builder.child(value, true, "dependentSchemas", name)]);
  }
  if (allowsDraft07Forms(builder.dialect) && builder.has("dependencies")) {
    const value = builder.get("dependencies");
    if (!isJsonObject(value)) builder.fail("dependencies", "an object of string arrays or schemas");
    for (const name of Object.keys(value)) {
      const dependency = value[name];
      if (Array.isArray(dependency) && dependency.every((item) => typeof item === "string")) {
        requiredBy.push([name, dependency as string[]]);
      } else if (isSchemaValue(dependency)) {
        schemasBy.push([name, builder.child(dependency, true, "dependencies", name)]);
      } else {
        builder.fail("dependencies", "an object of string arrays or schemas", dependency, [name]);
      }
    }
  }
  builder.node.annotations.dependentSchemas.push(...schemasBy);
  if (requiredBy.length > 0) {
    builder.addCheck("dependentRequired", (value, context) => {
      if (!isJsonObject(value)) return;
      for (const [name, names] of requiredBy) {
        if (!Object.hasOwn(value, name)) continue;
        for (const dependent of names) {
          if (!Object.hasOwn(value, dependent)) {
            addIssue(context, `Property "${dependent}" is required when "${name}" is present`, value, [
              dependent,
            ]);
          }
        }
      }
    });
  }
  if (schemasBy.length > 0) {
    builder.addCheck("dependentSchemas", (value, context) => {
      if (!isJsonObject(value)) return;
      for (const [name, node] of schemasBy) {
        if (Object.hasOwn(value, name))
          checkSubschema(node.schema, value, context, [], `Because "${name}" is present`);
      }
    });
  }
}
