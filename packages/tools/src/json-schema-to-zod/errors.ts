import { AgentSdkError } from "@flowmaestro/runtime";

/** Constructor options of {@link JsonSchemaConversionError}. */
export interface JsonSchemaConversionErrorOptions {
  /** What is wrong, naming the keyword and what was expected. */
  message: string;
  /** JSON pointer of the offending schema location (the keyword's own location when known). */
  path: string;
  /** The JSON Schema keyword at fault, when one is. */
  keyword?: string;
  /** The underlying error, kept for debugging. */
  cause?: unknown;
}

/**
 * Raised when a JSON Schema cannot be converted to Zod: it is malformed, exceeds a configured bound
 * (depth, node count, enum size), contains a reference cycle that never consumes data, or uses a
 * recognised keyword this converter does not support while `onUnsupported` is `"error"`.
 * Code `INVALID_JSON_SCHEMA`, category `caller`.
 */
export class JsonSchemaConversionError extends AgentSdkError {
  /** JSON pointer of the offending schema location. */
  readonly path: string;
  /** The JSON Schema keyword at fault, when one is. */
  readonly keyword: string | undefined;

  constructor(options: JsonSchemaConversionErrorOptions) {
    super({
      message: options.message,
      cause: options.cause,
      code: "INVALID_JSON_SCHEMA",
      category: "caller",
    });
    this.name = "JsonSchemaConversionError";
    this.path = options.path;
    this.keyword = options.keyword;
  }

  /** True for any conversion error, from any installed copy of the SDK. */
  static override isInstance(error: unknown): error is JsonSchemaConversionError {
    return AgentSdkError.isInstance(error) && error.code === "INVALID_JSON_SCHEMA";
  }
}
