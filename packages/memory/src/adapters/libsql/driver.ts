import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ProviderNotInstalledError } from "@flowmaestro/runtime";
import type { Client } from "@libsql/client";

/** The `@libsql/client` module. @internal */
export type LibsqlModule = typeof import("@libsql/client");

let loading: Promise<LibsqlModule> | undefined;

/**
 * Loads `@libsql/client` on first use. It is an optional peer: importing
 * `@flowmaestro/memory/libsql` never loads it, and a missing package (or its missing native
 * binding) is a {@link ProviderNotInstalledError} that prints the install line.
 *
 * @internal
 */
export function loadLibsql(): Promise<LibsqlModule> {
  loading ??= import("@libsql/client").catch((cause: unknown) => {
    loading = undefined;
    if (isModuleNotFound(cause)) {
      throw new ProviderNotInstalledError({
        provider: "libSQL storage",
        packageName: "@libsql/client",
        cause,
      });
    }
    throw cause;
  });
  return loading;
}

/** A missing module, here or in the cause chain (bundlers and test runners wrap import errors). */
function isModuleNotFound(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 3) return false;
  const code = (error as { code?: unknown }).code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return true;
  return isModuleNotFound((error as { cause?: unknown }).cause, depth + 1);
}

/** How to open the adapter's own client. @internal */
export interface OpenClientOptions {
  readonly url: string;
  readonly authToken?: string | undefined;
  readonly busyTimeoutMs: number;
  readonly synchronous?: "normal" | "full" | undefined;
}

/**
 * Opens a client for `url`: creates the parent directory of a `file:` database, sets the busy
 * timeout on every pooled connection (libSQL's `timeout` option; a per-connection `PRAGMA` would
 * reach only one of them), and switches a file database to WAL, so readers never block the
 * writer and several processes can share the file. WAL is a property of the file, set once.
 *
 * @internal
 */
export async function openClient(options: OpenClientOptions): Promise<Client> {
  const libsql = await loadLibsql();
  const file = localFilePath(options.url);
  if (file !== undefined) await mkdir(dirname(resolve(file)), { recursive: true });
  const client = libsql.createClient({
    url: options.url,
    ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
    timeout: options.busyTimeoutMs,
    // A local database runs every statement synchronously on this thread, so more connections add
    // no parallelism; one connection keeps the per-connection pragmas below in force.
    ...(file === undefined ? {} : { concurrency: 1 }),
  });
  if (file !== undefined) {
    try {
      await client.execute("PRAGMA journal_mode = WAL");
      // WAL with synchronous=NORMAL (what @mastra/libsql and most SQLite hosts use): a commit
      // survives the process being killed; only an OS crash or power loss can lose the last
      // commits. FULL adds a disk sync to every write (about 1 ms a turn).
      await client.execute(`PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
    } catch (error) {
      client.close();
      throw error;
    }
  }
  return client;
}

/**
 * The local path of a `file:` URL (`file:relative/path.db`, `file:/absolute.db`,
 * `file:///absolute.db`, `file://localhost/absolute.db`), or `undefined` for in-memory and remote
 * databases.
 *
 * @internal
 */
export function localFilePath(url: string): string | undefined {
  if (!url.toLowerCase().startsWith("file:")) return undefined;
  let path = url.slice("file:".length);
  const query = path.search(/[?#]/);
  if (query >= 0) path = path.slice(0, query);
  if (path.startsWith("//")) {
    const rest = path.slice(2);
    const slash = rest.indexOf("/");
    path = slash >= 0 ? rest.slice(slash) : "";
  }
  if (path === "" || path.startsWith(":memory:")) return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
