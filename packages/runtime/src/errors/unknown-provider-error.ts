import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** A `"provider/model"` string names a provider that is not registered. */
export class UnknownProviderError extends AgentSdkError {
  readonly provider: string;
  readonly availableProviders: readonly string[];
  readonly field: string;

  constructor(options: { provider: string; availableProviders: string[]; field?: string }) {
    super({
      code: "UNKNOWN_PROVIDER",
      category: "caller",
      message: `Unknown model provider "${options.provider}" in \`${options.field ?? "model"}\`. Available providers: ${options.availableProviders.join(", ")}. Pass an AI SDK model instance, or register the provider with \`registerProvider\`.`,
    });
    this.name = "UnknownProviderError";
    this.provider = options.provider;
    this.availableProviders = options.availableProviders;
    this.field = options.field ?? "model";
  }

  static override isInstance = hasCode<UnknownProviderError>("UNKNOWN_PROVIDER");
}
