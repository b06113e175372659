import { z } from "zod";
import type { CompiledNode } from "../compiled-node.js";
import { readString } from "../keyword-values.js";
import type { NodeBuilder } from "../node-builder.js";

/**
 * `$ref` and `$dynamicRef`. The target is compiled (once per dynamic scope) and referenced through
 * `z.lazy`, which is what makes recursive schemas work. `$dynamicRef` is resolved at conversion
 * time against the dynamic scope that led here, which covers the usual extension patterns.
 */
export function compileReferences(builder: NodeBuilder): void {
  const references: CompiledNode[] = [];
  const reference = readString(builder, "$ref");
  if (reference !== undefined) {
    references.push(builder.reference(builder.context.resolver.resolve(reference, builder.location)));
  }
  const dynamicReference = readString(builder, "$dynamicRef");
  if (dynamicReference !== undefined) {
    const target = builder.context.resolver.resolveDynamic(dynamicReference, builder.location, builder.scope);
    references.push(builder.reference(target));
  }
  for (const node of references) {
    if (!node.finished) builder.context.recursive = true;
    builder.node.annotations.references.push(node);
    builder.addPart(z.lazy(() => node.schema));
  }
}
