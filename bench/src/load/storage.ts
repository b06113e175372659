import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInMemoryStorage, type StorageAdapter } from "@flowmaestro/memory";
import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
import { createPostgresStorage } from "@flowmaestro/memory/postgres";

/**
 * Where the load and soak benches store: the in-memory adapter, a libSQL file (the default
 * storage of `createMemory()`) in a fresh temp directory, or a fresh Postgres schema. The parent
 * creates the file's directory or the schema, hands the spec to its child processes (which open
 * their own adapter on it), and removes it afterwards.
 */
export type StorageSpec =
  | { kind: "in-memory" }
  | { kind: "libsql"; file: string }
  | { kind: "postgres"; url: string; schema: string };

/** Which adapter: `in-memory`, `libsql` or `postgres`. */
export type StorageKind = StorageSpec["kind"];

/** The Postgres server the load and soak benches use: `POSTGRES_URL`, or none (those cases are n/a). */
export const postgresUrl = (): string | undefined => process.env.POSTGRES_URL || undefined;

/** Why Postgres cases are skipped when `POSTGRES_URL` is unset. */
export const NO_POSTGRES = "n/a: POSTGRES_URL not set";

// Not `../memory/stores.js`: it loads `@mastra/libsql`, which would add Mastra to every worker's RSS.
const tempDirectory = (label: string) => mkdtemp(path.join(os.tmpdir(), `flowmaestro-bench-${label}-`));

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message.split("\n")[0]})` : "";
  return `${error.name}: ${error.message.split("\n")[0]}${cause}`;
}

/** A new adapter on `spec` (a child opens its own). */
export function openStorage(spec: StorageSpec): StorageAdapter {
  switch (spec.kind) {
    case "in-memory":
      return createInMemoryStorage();
    case "libsql":
      return createLibsqlStorage({ url: `file:${spec.file}` });
    case "postgres":
      // Vectors are not used: "exact" keeps the adapter from trying `CREATE EXTENSION vector`.
      return createPostgresStorage({ connectionString: spec.url, schema: spec.schema, vectors: "exact" });
  }
}

/** A store made for one case, and how to remove it. */
export interface CaseStore {
  spec: StorageSpec;
  /** Deletes the temp directory or drops the schema. */
  remove(): Promise<void>;
}

/**
 * Creates a case's store: a temp directory for a libSQL file, or a Postgres schema with its tables
 * (migrated here, once, before any child starts). Rejects with a readable reason when Postgres is
 * unreachable.
 */
export async function createCaseStore(
  kind: StorageKind,
  label: string,
  url = postgresUrl(),
): Promise<CaseStore> {
  if (kind === "in-memory") return { spec: { kind }, remove: async () => {} };
  if (kind === "libsql") {
    const directory = await tempDirectory(label);
    return {
      spec: { kind, file: path.join(directory, "agent.db") },
      remove: () => rm(directory, { recursive: true, force: true }),
    };
  }
  if (!url) throw new Error(NO_POSTGRES);
  const schema = `fm_${label.replaceAll("-", "_")}_${process.pid}_${Date.now().toString(36)}`;
  const storage = createPostgresStorage({ connectionString: url, schema, vectors: "exact" });
  const drop = async () => {
    try {
      const pool = await storage.getPool();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await storage.close();
    }
  };
  try {
    await storage.init();
  } catch (error) {
    await drop().catch(() => {});
    throw new Error(`Postgres at POSTGRES_URL unreachable or failing: ${describeError(error)}`);
  }
  return { spec: { kind, url, schema }, remove: drop };
}
