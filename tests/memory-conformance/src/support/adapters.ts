import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { vector } from "@electric-sql/pglite-pgvector";
import { createInMemoryStorage, type StorageAdapter } from "@flowmaestro/memory";
import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
import { createPostgresStorage } from "@flowmaestro/memory/postgres";
import pg from "pg";

/** A storage adapter under test, created fresh per test file (ids are unique per test). */
export interface AdapterSetup {
  readonly name: string;
  /** Whether it has a vector index (semantic recall). */
  readonly vectors: boolean;
  /** Real concurrent connections (a file or a server), for the concurrency cases. */
  readonly concurrent: boolean;
  create(): Promise<{ storage: StorageAdapter; dispose: () => Promise<void> }>;
}

export const POSTGRES_URL: string | undefined = process.env.POSTGRES_URL || undefined;

const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `fm-${label}-`));

async function pglitePool(withVector: boolean) {
  const lite = withVector ? new PGlite({ extensions: { vector } }) : new PGlite();
  await lite.waitReady;
  // PGlite is one session: one connection object per client (see the adapter's test support).
  class PgliteClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, ...createPgConfig(lite) } as pg.ClientConfig);
    }
  }
  const pool = new pg.Pool({ max: 1, Client: PgliteClient } as pg.PoolConfig);
  return {
    pool,
    close: async () => {
      await pool.end();
      await lite.close();
    },
  };
}

const all: AdapterSetup[] = [
  {
    name: "in-memory",
    vectors: true,
    concurrent: false,
    create: async () => ({ storage: createInMemoryStorage(), dispose: async () => {} }),
  },
  {
    name: "libsql file",
    vectors: true,
    concurrent: true,
    create: async () => {
      const dir = tempDir("libsql");
      const storage = createLibsqlStorage({ url: `file:${join(dir, "agent.db")}` });
      return {
        storage,
        dispose: async () => {
          await storage.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres (PGlite + pgvector)",
    vectors: true,
    concurrent: false,
    create: async () => {
      const database = await pglitePool(true);
      const storage = createPostgresStorage({ pool: database.pool, vectors: "pgvector" });
      return {
        storage,
        dispose: async () => {
          await storage.close();
          await database.close();
        },
      };
    },
  },
];

if (POSTGRES_URL) {
  all.push({
    name: "postgres server",
    vectors: true,
    concurrent: true,
    create: async () => {
      const schema = `fm_conf_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 8 });
      const storage = createPostgresStorage({ pool, schema });
      return {
        storage,
        dispose: async () => {
          await storage.close();
          await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await pool.end();
        },
      };
    },
  });
}

/** Every adapter this machine can run: Postgres on the real server only when POSTGRES_URL is set. */
export const adapterSetups: readonly AdapterSetup[] = all;
