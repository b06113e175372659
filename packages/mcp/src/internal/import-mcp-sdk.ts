import { ProviderNotInstalledError } from "@flowmaestro/runtime";

/** The npm package (and range) hosts install to use MCP. @internal */
export const MCP_SDK_PACKAGE = "@modelcontextprotocol/sdk@^1.32";

/**
 * Imports a module of the MCP SDK on first use: the SDK is an optional peer, so a host that never
 * speaks MCP never loads it. A missing package becomes a {@link ProviderNotInstalledError} that
 * prints the install line; any other failure is rethrown as it is.
 *
 * @example
 * ```ts
 * const { Server } = await importMcpSdk(() => import("@modelcontextprotocol/sdk/server/index.js"));
 * ```
 * @internal
 */
export async function importMcpSdk<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new ProviderNotInstalledError({ provider: "MCP", packageName: MCP_SDK_PACKAGE, cause });
    }
    throw cause;
  }
}
