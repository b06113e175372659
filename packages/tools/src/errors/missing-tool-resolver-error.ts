import { InvalidDefinitionError } from "@flowmaestro/runtime";

const MARKER = Symbol.for("flowmaestro.tools.missing-tool-resolver-error");

/**
 * A tool's kind needs something from the host that the {@link ToolImportContext} does not carry:
 * `functions` for `function` tools, `workflows` for `workflow` tools, `knowledgeBases` for
 * `knowledge_base` tools, or an entry of `mcpClients` for an `mcp` tool's server. Raised when the
 * tool is built (at import time).
 *
 * Extends {@link InvalidDefinitionError} (code `INVALID_DEFINITION`, category `caller`).
 */
export class MissingToolResolverError extends InvalidDefinitionError {
  /** @internal */
  readonly [MARKER] = true;
  /** Name of the tool that needs the resolver. */
  readonly toolName: string;
  /** The tool's kind, e.g. `workflow`. */
  readonly kind: string;
  /** The import-context option to pass, e.g. `workflows` or `mcpClients["github"]`. */
  readonly option: string;

  constructor(options: {
    toolName: string;
    kind: string;
    option: string;
    /** What the option must hold, e.g. `a WorkflowExecutor`. */
    expected: string;
    field: string;
    /** For keyed options (MCP servers): the keys that were passed. */
    available?: string[];
  }) {
    const available =
      options.available === undefined
        ? ""
        : ` Servers passed: ${options.available.length === 0 ? "none" : options.available.map((key) => `"${key}"`).join(", ")}.`;
    super({
      subject: "tool",
      message: `Tool "${options.toolName}" is a ${options.kind} tool, but the import context has no \`${options.option}\` (\`${options.field}\`). Pass ${options.expected} as \`${options.option}\`.${available}`,
      issues: [
        { field: options.field, expected: `resolvable: pass \`${options.option}\` (${options.expected})` },
      ],
    });
    this.name = "MissingToolResolverError";
    this.toolName = options.toolName;
    this.kind = options.kind;
    this.option = options.option;
  }

  /** True for this error, from any installed copy of the package. */
  static override isInstance = (error: unknown): error is MissingToolResolverError =>
    typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
}
