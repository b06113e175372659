import type { AgentTool, ProviderToolVariant } from "@flowmaestro/runtime";
import { type AdaptSchemaOptions, adaptSchemaForProvider } from "./adapt-schema-for-provider.js";
import { type ProviderFamily, providerFamily } from "./provider-family.js";

/**
 * Returns a copy of `tool` whose `forProvider` serves a schema adapted to each provider family
 * (see {@link adaptSchemaForProvider}), so runtimes send OpenAI a strict-mode schema, Gemini its
 * OpenAPI subset and Anthropic an object root, and map the model's arguments back before
 * validation. The adaptation runs on first use per family and is cached. `tool.jsonSchema` and
 * the tool's validator are untouched; a `forProvider` the tool already has takes precedence.
 * Providers of the `other` family get `undefined` (use `jsonSchema` as it is).
 *
 * The copy is made with object spread: own enumerable properties are kept, prototype methods
 * are not, which fits tools built with `defineTool` or as object literals.
 *
 * `forProvider` throws `InvalidDefinitionError` when the tool's schema cannot be adapted at all
 * (it is not an object schema, or has a `$ref` that points at nothing).
 *
 * @example
 * ```ts
 * const agent = createAgent({ model, tools: [withProviderCompatibility(searchTool)] });
 * ```
 */
export function withProviderCompatibility<INPUT, OUTPUT>(
  tool: AgentTool<INPUT, OUTPUT>,
  options: AdaptSchemaOptions = {},
): AgentTool<INPUT, OUTPUT> {
  const cache = new Map<ProviderFamily, ProviderToolVariant>();
  const own = tool.forProvider;
  return {
    ...tool,
    forProvider(provider: string): ProviderToolVariant | undefined {
      const explicit = own?.call(tool, provider);
      if (explicit !== undefined) return explicit;
      const family = providerFamily(provider);
      if (family === "other") return undefined;
      let variant = cache.get(family);
      if (!variant) {
        const adapted = adaptSchemaForProvider(tool.jsonSchema, family, options);
        variant = {
          jsonSchema: adapted.jsonSchema,
          strict: adapted.strict,
          mapArguments: adapted.mapArguments,
        };
        cache.set(family, variant);
      }
      return variant;
    },
  };
}
