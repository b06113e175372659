import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import type { StorageAdapter } from "@flowmaestro/memory";
import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
import { createPostgresStorage } from "@flowmaestro/memory/postgres";
import pg from "pg";
import { POSTGRES_URL } from "./adapters.js";

/** One adapter instance on a database, and how to close it (as a host does on shutdown). */
export interface OpenedStorage {
  readonly storage: StorageAdapter;
  close(): Promise<void>;
}

/** A database that outlives its adapter instances: open one, close it, open a new one on the same data. */
export interface Database {
  open(): OpenedStorage;
  dispose(): Promise<void>;
  /**
   * How a child process reaches the same database (see `fixtures/approval-child.mjs`), when it
   * can: not for PGlite in memory, which lives in this process.
   */
  readonly forChild?: ChildDatabase;
}

/** A database spec a child process understands. */
export type ChildDatabase =
  | { kind: "libsql"; url: string }
  | { kind: "postgres"; connectionString: string; schema: string }
  | { kind: "pglite"; dataDir: string };

/** A kind of database to reopen, for the reload and multi-process cases. */
export interface DatabaseSetup {
  readonly name: string;
  /** Whether two processes may use it at once. */
  readonly concurrent: boolean;
  create(): Promise<Database>;
}

const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `fm-${label}-`));

/** A pg pool on one PGlite instance (one session: one connection). */
function pglitePool(lite: PGlite): pg.Pool {
  class PgliteClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, ...createPgConfig(lite) } as pg.ClientConfig);
    }
  }
  return new pg.Pool({ max: 1, Client: PgliteClient } as pg.PoolConfig);
}

const libsql: DatabaseSetup = {
  name: "libsql file",
  concurrent: true,
  create: async () => {
    const dir = tempDir("approval-libsql");
    const url = `file:${join(dir, "agent.db")}`;
    return {
      forChild: { kind: "libsql", url },
      open: () => {
        const storage = createLibsqlStorage({ url });
        return { storage, close: () => storage.close() };
      },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const pgliteInMemory: DatabaseSetup = {
  name: "postgres (PGlite)",
  concurrent: false,
  create: async () => {
    const lite = new PGlite();
    await lite.waitReady;
    return {
      open: () => {
        const pool = pglitePool(lite);
        const storage = createPostgresStorage({ pool, vectors: "exact" });
        return {
          storage,
          close: async () => {
            await storage.close();
            await pool.end();
          },
        };
      },
      dispose: () => lite.close(),
    };
  },
};

/** PGlite on disk: one process at a time, so a child can open it after the parent closed it. */
const pgliteOnDisk: DatabaseSetup = {
  name: "postgres (PGlite on disk)",
  concurrent: false,
  create: async () => {
    const dataDir = tempDir("approval-pglite");
    return {
      forChild: { kind: "pglite", dataDir },
      open: () => {
        const lite = new PGlite(dataDir);
        const pool = pglitePool(lite);
        const storage = createPostgresStorage({ pool, vectors: "exact" });
        return {
          storage,
          close: async () => {
            await storage.close();
            await pool.end();
            await lite.close();
          },
        };
      },
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  },
};

const postgresServer = (url: string): DatabaseSetup => ({
  name: "postgres server",
  concurrent: true,
  create: async () => {
    const schema = `fm_approval_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    return {
      forChild: { kind: "postgres", connectionString: url, schema },
      open: () => {
        const storage = createPostgresStorage({ connectionString: url, schema, vectors: "exact" });
        return { storage, close: () => storage.close() };
      },
      dispose: async () => {
        const pool = new pg.Pool({ connectionString: url, max: 1 });
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      },
    };
  },
});

/** Databases an adapter can be reopened on, in this process. */
export const reopenableSetups: readonly DatabaseSetup[] = [
  libsql,
  pgliteInMemory,
  ...(POSTGRES_URL ? [postgresServer(POSTGRES_URL)] : []),
];

/** Databases a child process can reach: libSQL files, PGlite on disk (one process at a time), a Postgres server. */
export const processSetups: readonly DatabaseSetup[] = [
  libsql,
  pgliteOnDisk,
  ...(POSTGRES_URL ? [postgresServer(POSTGRES_URL)] : []),
];
