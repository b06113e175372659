import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** A model string names a provider whose optional peer package is not installed. */
export class ProviderNotInstalledError extends AgentSdkError {
  readonly provider: string;
  /** The npm package to install, e.g. `@ai-sdk/anthropic`. */
  readonly packageName: string;

  constructor(options: { provider: string; packageName: string; cause?: unknown }) {
    super({
      code: "PROVIDER_NOT_INSTALLED",
      category: "caller",
      message: `The "${options.provider}" provider needs the package ${options.packageName}, which is not installed. Run: npm install ${options.packageName}`,
      cause: options.cause,
    });
    this.name = "ProviderNotInstalledError";
    this.provider = options.provider;
    this.packageName = options.packageName;
  }

  static override isInstance = hasCode<ProviderNotInstalledError>("PROVIDER_NOT_INSTALLED");
}
