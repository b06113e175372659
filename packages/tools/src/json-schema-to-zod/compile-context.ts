import type { CompiledNode } from "./compiled-node.js";
import type { ConversionWarning, ResolvedOptions } from "./conversion-options.js";
import { JsonSchemaConversionError } from "./errors.js";
import type { ReferenceResolver } from "./ref-resolver.js";

/** State shared by every node of one conversion. */
export class CompileContext {
  /** Keywords ignored under `onUnsupported: "warn"`. */
  readonly warnings: ConversionWarning[] = [];
  /** True once a reference points back into a schema still being compiled (a recursive schema). */
  recursive = false;
  /** Every object node compiled, for the post-compilation cycle check. */
  readonly nodes: CompiledNode[] = [];
  /** Compiled nodes per schema object and per compilation key (base URI, dialect, dynamic scope). */
  private readonly cache = new Map<object, Map<string, CompiledNode>>();

  constructor(
    readonly options: ResolvedOptions,
    readonly resolver: ReferenceResolver,
  ) {}

  /** Reports a recognised keyword that cannot be enforced: throws, or warns and lets the caller skip it. */
  unsupported(path: string, keyword: string, message: string): void {
    if (this.options.onUnsupported === "error") {
      throw new JsonSchemaConversionError({
        message: `Unsupported JSON Schema keyword "${keyword}" at "${path}": ${message}. Pass onUnsupported: "warn" to ignore it.`,
        path,
        keyword,
      });
    }
    this.warnings.push({ path, keyword, message });
  }

  /** The cached node for a schema object and key, if any. */
  cached(schema: object, key: string): CompiledNode | undefined {
    return this.cache.get(schema)?.get(key);
  }

  /** Remembers a node (before it is finished, so recursive references find it). */
  remember(schema: object, key: string, node: CompiledNode): void {
    let byKey = this.cache.get(schema);
    if (byKey === undefined) {
      byKey = new Map();
      this.cache.set(schema, byKey);
    }
    byKey.set(key, node);
    this.nodes.push(node);
  }
}
