import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** A `"provider/model"` string names a provider that is not registered. */
export class UnknownProviderError extends AgentSdkError {
  readonly provider: string;
  readonly availableProviders: readonly string[];
  /** The definition field that holds the model string, e.g. `model` or `model.1`. */
  readonly field: string;

  constructor(options: { provider: string; availableProviders: string[]; field?: string }) {
    const field = options.field ?? "model";
    super({
      code: "UNKNOWN_PROVIDER",
      category: "caller",
      message: `Unknown model provider "${options.provider}" in \`${field}\`. Available providers: ${options.availableProviders.join(", ")}. Pass an AI SDK model instance instead, or register the provider on a registry and pass it to createAgent: \`const providers = createProviderRegistry(); providers.register("${options.provider}", (modelId) => ...); createAgent({ providers, ... })\`.`,
    });
    this.name = "UnknownProviderError";
    this.provider = options.provider;
    this.availableProviders = options.availableProviders;
    this.field = field;
  }

  static override isInstance = hasCode<UnknownProviderError>("UNKNOWN_PROVIDER");
}
