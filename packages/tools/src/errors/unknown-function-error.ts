import { InvalidDefinitionError } from "@flowmaestro/runtime";

const MARKER = Symbol.for("flowmaestro.tools.unknown-function-error");

/**
 * A `function` tool names a host function that is not in the {@link FunctionRegistry}. Raised
 * when the tool is built (at import time), never when the model calls it.
 *
 * Extends {@link InvalidDefinitionError} (code `INVALID_DEFINITION`, category `caller`), so code
 * that handles bad definitions handles this too; `issues` holds one entry for the offending field.
 */
export class UnknownFunctionError extends InvalidDefinitionError {
  /** @internal */
  readonly [MARKER] = true;
  /** Name of the tool whose config names the function. */
  readonly toolName: string;
  /** The function name that was not found. */
  readonly functionName: string;
  /** Every name the registry holds, sorted. */
  readonly registeredNames: readonly string[];

  constructor(options: { toolName: string; functionName: string; registeredNames: string[]; field: string }) {
    const registered = [...options.registeredNames].sort();
    const known = registered.length === 0 ? "none" : registered.map((name) => `"${name}"`).join(", ");
    super({
      subject: "tool",
      message: `Tool "${options.toolName}" uses the host function "${options.functionName}", which is not registered (\`${options.field}\`). Registered functions: ${known}. Register it with \`functions.register("${options.functionName}", fn)\` before importing.`,
      issues: [
        {
          field: options.field,
          expected:
            registered.length === 0 ? "a registered function name (none are registered)" : `one of ${known}`,
          received: JSON.stringify(options.functionName),
        },
      ],
    });
    this.name = "UnknownFunctionError";
    this.toolName = options.toolName;
    this.functionName = options.functionName;
    this.registeredNames = registered;
  }

  /** True for this error, from any installed copy of the package. */
  static override isInstance = (error: unknown): error is UnknownFunctionError =>
    typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
}
