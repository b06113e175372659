import { z } from "zod";
import type { CompileContext } from "./compile-context.js";
import { type CompiledNode, createCompiledNode } from "./compiled-node.js";
import { JsonSchemaConversionError } from "./errors.js";
import { isJsonObject } from "./json-equal.js";
import { compileApplicators } from "./keywords/applicators.js";
import { compileArrayKeywords } from "./keywords/array.js";
import { compileEnumConst } from "./keywords/enum-const.js";
import { collectMetadata } from "./keywords/metadata.js";
import { compileNumberKeywords } from "./keywords/number.js";
import { compileObjectKeywords } from "./keywords/object.js";
import { compileReferences } from "./keywords/references.js";
import { compileStringKeywords } from "./keywords/string.js";
import { compileTypeKeyword } from "./keywords/type.js";
import { compileUnevaluated } from "./keywords/unevaluated.js";
import { describeValue, NodeBuilder } from "./node-builder.js";
import type { SchemaLocation } from "./ref-resolver.js";

/** 2019-09 keywords: recognised, but not part of the drafts this converter implements. */
const UNSUPPORTED_KEYWORDS = ["$recursiveRef", "$recursiveAnchor"];

/**
 * A `$dynamicRef` resolves to the outermost resource in the dynamic scope that defines its anchor,
 * so two scopes binding every anchor name to the same outermost resource compile identically.
 * Keying compilations on that binding (not on the whole scope) keeps the number of
 * specialisations small even for the 2020-12 meta-schema.
 */
function scopeSignature(context: CompileContext, scope: readonly string[]): string {
  if (!context.resolver.usesDynamicReferences) return "";
  const outermost = new Map<string, string>();
  for (const uri of scope) {
    for (const name of context.resolver.dynamicAnchorNames(uri)) {
      if (!outermost.has(name)) outermost.set(name, uri);
    }
  }
  return [...outermost]
    .map(([name, uri]) => `${name}=${uri}`)
    .sort()
    .join("\n");
}

/** Combines a node's parts: one part is used as is, several are intersected left to right. */
function combineParts(parts: readonly z.ZodType[]): z.ZodType {
  if (parts.length === 0) return z.unknown();
  let combined = parts[0] as z.ZodType;
  for (const part of parts.slice(1)) combined = z.intersection(combined, part);
  return combined;
}

function buildNode(builder: NodeBuilder): z.ZodType {
  for (const keyword of UNSUPPORTED_KEYWORDS) {
    if (Object.hasOwn(builder.schema, keyword))
      builder.unsupported(keyword, "2019-09 recursive references are not supported");
  }
  let typePart: z.ZodType | undefined;
  if (builder.dialect === "draft-07" && Object.hasOwn(builder.schema, "$ref")) {
    // Draft-07: "$ref" overrides every sibling keyword.
    compileReferences(builder);
  } else {
    const branches = {
      string: compileStringKeywords(builder),
      number: compileNumberKeywords(builder),
      array: compileArrayKeywords(builder),
      object: compileObjectKeywords(builder),
    };
    typePart = compileTypeKeyword(builder, branches);
    compileEnumConst(builder);
    compileReferences(builder);
    compileApplicators(builder);
    compileUnevaluated(builder);
  }
  const parts: z.ZodType[] = [];
  if (typePart !== undefined) parts.push(typePart);
  parts.push(...builder.parts);
  if (builder.checks.length > 0) {
    parts.push(z.unknown().check(...builder.checks.map(({ check }) => z.superRefine(check))));
  }
  let schema = combineParts(parts);
  const metadata = collectMetadata(builder);
  if (metadata !== undefined) schema = schema.meta(metadata);
  return schema;
}

/** Compiles one schema location to a {@link CompiledNode} (cached per object and scope). */
export function compileLocation(
  context: CompileContext,
  location: SchemaLocation,
  scope: readonly string[],
  depth: number,
): CompiledNode {
  if (depth > context.options.maxDepth) {
    throw new JsonSchemaConversionError({
      message: `The schema nests deeper than maxDepth (${context.options.maxDepth}) subschemas (counting $ref hops) at "${location.path}".`,
      path: location.path,
      keyword: "maxDepth",
    });
  }
  const schema = location.schema;
  if (typeof schema === "boolean") {
    const node = createCompiledNode(location);
    node.schema = schema ? z.unknown() : z.never();
    node.finished = true;
    return node;
  }
  if (!isJsonObject(schema)) {
    throw new JsonSchemaConversionError({
      message: `Invalid JSON Schema at "${location.path || "/"}": a schema must be an object or a boolean, got ${describeValue(schema)}.`,
      path: location.path,
    });
  }
  const enteredScope =
    location.isResourceRoot && scope[scope.length - 1] !== location.baseUri
      ? [...scope, location.baseUri]
      : scope;
  const key = `${location.dialect}\n${location.baseUri}\n${scopeSignature(context, enteredScope)}`;
  const cached = context.cached(schema, key);
  if (cached !== undefined) return cached;
  const node = createCompiledNode(location);
  context.remember(schema, key, node);
  const builder = new NodeBuilder(context, node, enteredScope, depth, (target, targetScope, targetDepth) =>
    compileLocation(context, target, targetScope, targetDepth),
  );
  node.schema = buildNode(builder);
  node.finished = true;
  return node;
}

/**
 * Rejects cycles made only of in-place applicators and references (`{"$ref": "#"}`, `a → b → a`
 * through `allOf`...): validating them would recurse forever without consuming any data.
 */
export function assertNoInPlaceCycles(nodes: readonly CompiledNode[]): void {
  const state = new Map<CompiledNode, "active" | "done">();
  for (const start of nodes) {
    if (state.has(start)) continue;
    const stack: Array<{ node: CompiledNode; next: number }> = [{ node: start, next: 0 }];
    state.set(start, "active");
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { node: CompiledNode; next: number };
      const child = frame.node.inPlaceChildren[frame.next++];
      if (child === undefined) {
        state.set(frame.node, "done");
        stack.pop();
        continue;
      }
      const childState = state.get(child);
      if (childState === "active") {
        throw new JsonSchemaConversionError({
          message: `Reference cycle at "${child.location.path || "/"}": the schema applies itself to the same value without consuming any data, so validation could never finish.`,
          path: child.location.path,
          keyword: "$ref",
        });
      }
      if (childState === undefined) {
        state.set(child, "active");
        stack.push({ node: child, next: 0 });
      }
    }
  }
}
