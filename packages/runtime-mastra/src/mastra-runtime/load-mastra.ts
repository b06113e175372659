import { ProviderNotInstalledError } from "@flowmaestro/runtime";

/** The parts of `@mastra/core` the runtime uses. */
export interface MastraModules {
  Agent: typeof import("@mastra/core/agent").Agent;
  createTool: typeof import("@mastra/core/tools").createTool;
  RequestContext: typeof import("@mastra/core/request-context").RequestContext;
  noopLogger: typeof import("@mastra/core/logger").noopLogger;
}

/** The exact version this runtime is built and tested against. */
export const MASTRA_PACKAGE = "@mastra/core@1.71.0";

let loading: Promise<MastraModules> | undefined;

/**
 * Imports `@mastra/core` on first use: it takes ~0.7 s to load, which hosts that never run a Mastra
 * agent should not pay at start-up. A missing package becomes an actionable error.
 *
 * @internal
 */
export function loadMastra(): Promise<MastraModules> {
  loading ??= Promise.all([
    import("@mastra/core/agent"),
    import("@mastra/core/tools"),
    import("@mastra/core/request-context"),
    import("@mastra/core/logger"),
  ]).then(
    ([agent, tools, requestContext, logger]) => ({
      Agent: agent.Agent,
      createTool: tools.createTool,
      RequestContext: requestContext.RequestContext,
      noopLogger: logger.noopLogger,
    }),
    (cause: unknown) => {
      loading = undefined;
      const code = (cause as { code?: unknown } | null)?.code;
      if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
        throw new ProviderNotInstalledError({ provider: "mastra", packageName: MASTRA_PACKAGE, cause });
      }
      throw cause;
    },
  );
  return loading;
}
