/**
 * Memoizes an async load (an SDK module on first use): every caller shares one attempt, and a
 * failed attempt is forgotten so the next call tries again (a package installed meanwhile, a
 * transient error).
 *
 * @example
 * ```ts
 * const loadTransport = loadOnce(() => importMcpSdk(() => import("@modelcontextprotocol/sdk/server/stdio.js")));
 * ```
 * @internal
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    const attempt = loading;
    attempt.catch(() => {
      if (loading === attempt) loading = undefined;
    });
    return attempt;
  };
}
