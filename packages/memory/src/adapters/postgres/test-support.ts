import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { vector } from "@electric-sql/pglite-pgvector";
import pg from "pg";

/** A PGlite database and a `pg.Pool` over it, for tests. @internal */
export interface PgliteDatabase {
  readonly pool: pg.Pool;
  readonly close: () => Promise<void>;
}

/**
 * An in-process PGlite database (Postgres 18 in WebAssembly), optionally with pgvector, behind a
 * real `pg.Pool`. PGlite is one session, so the pool has one connection; each client gets its own
 * connection object, because `createPgConfig` shares one between clients and a client the pool
 * discards would take the shared one down with it.
 * @internal
 */
export async function createPgliteDatabase(options: { readonly pgvector: boolean }): Promise<PgliteDatabase> {
  const lite = options.pgvector ? new PGlite({ extensions: { vector } }) : new PGlite();
  await lite.waitReady;
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

/** A schema name unique to this test run, e.g. `fm_test_k3j9x2`. @internal */
export function uniqueSchema(label: string): string {
  return `fm_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The real server's URL in CI (`POSTGRES_URL`), or `undefined` to skip those cases. @internal */
export const POSTGRES_URL: string | undefined = process.env.POSTGRES_URL || undefined;
