/** A text block of an MCP tool result. */
export interface McpTextContent {
  readonly type: "text";
  readonly text: string;
}

/** Any other block of an MCP tool result (`image`, `audio`, `resource_link`, `resource`, …). */
export interface McpOtherContent {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** The result of an MCP `tools/call`, as the MCP TypeScript SDK returns it. */
export interface McpCallToolResult {
  /** Content blocks; text blocks carry the answer (or the error message when `isError`). */
  readonly content?: readonly (McpTextContent | McpOtherContent)[];
  /** The tool failed; the text content says why. */
  readonly isError?: boolean;
  /** Machine-readable result, for tools that declare an output schema. */
  readonly structuredContent?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/**
 * The one thing `mcp` tools need from an MCP client: call a tool by name.
 *
 * The MCP TypeScript SDK v2 `Client` fits as it is (`callTool(params, options)`). The v1
 * `@modelcontextprotocol/sdk` `Client` takes a result schema second, so adapt it:
 * `{ callTool: (params, options) => client.callTool(params, undefined, options) }`.
 */
export interface McpClient {
  /** Calls `params.name` on the server; `options.signal` fires on timeout or abort. */
  callTool(
    params: { name: string; arguments?: Record<string, unknown> },
    options?: { signal?: AbortSignal },
  ): Promise<McpCallToolResult>;
}
