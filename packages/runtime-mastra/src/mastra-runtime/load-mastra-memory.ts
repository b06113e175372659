import { ProviderNotInstalledError } from "@flowmaestro/runtime";

/** The exact `@mastra/memory` version this runtime is built and tested against. */
export const MASTRA_MEMORY_PACKAGE = "@mastra/memory@1.31.0";

/** The runtime's memory module (`@mastra/memory` on FlowMaestro storage). */
export type MastraMemoryModule = typeof import("../mastra-memory/index.js");

/**
 * A loader of the memory module that imports it once (a failed import is retried on the next call)
 * and turns a missing `@mastra/memory` into an actionable error.
 *
 * @internal
 */
export function createMastraMemoryLoader<T>(importer: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= importer().catch((cause: unknown) => {
      loading = undefined;
      const code = (cause as { code?: unknown } | null)?.code;
      const message = cause instanceof Error ? cause.message : String(cause);
      if (
        (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
        message.includes("@mastra/memory")
      ) {
        throw new ProviderNotInstalledError({
          provider: "mastra memory",
          packageName: MASTRA_MEMORY_PACKAGE,
          cause,
        });
      }
      throw cause;
    });
    return loading;
  };
}

/**
 * Imports the memory bridge, and with it `@mastra/memory` (an optional peer), on the first run that
 * continues a thread: hosts that never use memory on this runtime need not install it.
 *
 * @internal
 */
export const loadMastraMemory: () => Promise<MastraMemoryModule> = createMastraMemoryLoader(
  () => import("../mastra-memory/index.js"),
);
