import type { NodeBuilder } from "../node-builder.js";

const METADATA_KEYWORDS = [
  "title",
  "description",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
] as const;

/**
 * Annotation keywords carried onto the Zod schema with `.meta()` (so `description` is also what
 * `.description` returns). `default` is metadata only: defaults are never filled in, so a tool
 * receives exactly what the model sent.
 */
export function collectMetadata(builder: NodeBuilder): Record<string, unknown> | undefined {
  let metadata: Record<string, unknown> | undefined;
  for (const keyword of METADATA_KEYWORDS) {
    if (!Object.hasOwn(builder.schema, keyword)) continue;
    metadata ??= {};
    metadata[keyword] = builder.schema[keyword];
  }
  return metadata;
}
