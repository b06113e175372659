import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { describeStorageAdapterContract } from "../../testing/index.js";
import { createPostgresStorage } from "./index.js";
import { createPgliteDatabase, type PgliteDatabase, POSTGRES_URL, uniqueSchema } from "./test-support.js";

// Known gaps: none skipped. Postgres-specific limits (exact fallback cost, U+0000 in jsonb and
// text columns, approximate unfiltered HNSW ranking) are documented on `createPostgresStorage`
// and tested in postgres-storage.test.ts.

// One PGlite database (starting one costs seconds of CPU) for both PGlite configurations, each in
// its own schema; the suite creates about a dozen adapters per configuration over it, as
// processes sharing a database would (it uses fresh ids everywhere, so sharing is safe). The
// exact configuration forces `vectors: "exact"`; the automatic fallback on a database without
// the extension is covered in postgres-storage.test.ts.
describe("PGlite", () => {
  let database: PgliteDatabase;
  beforeAll(async () => {
    database = await createPgliteDatabase({ pgvector: true });
  }, 60_000);
  afterAll(() => database?.close());

  describeStorageAdapterContract("postgres (PGlite, pgvector)", {
    createAdapter: () => createPostgresStorage({ pool: database.pool, vectors: "pgvector" }),
  });

  describeStorageAdapterContract("postgres (PGlite, exact vectors)", {
    createAdapter: () =>
      createPostgresStorage({ pool: database.pool, schema: "contract_exact", vectors: "exact" }),
  });
});

describe.skipIf(!POSTGRES_URL)("PostgreSQL server (POSTGRES_URL)", () => {
  const schema = uniqueSchema("contract");
  const customSchema = uniqueSchema("contract_byo");
  let admin: pg.Pool;
  let shared: pg.Pool;
  beforeAll(() => {
    admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    shared = new pg.Pool({ connectionString: POSTGRES_URL, max: 6 });
  });
  afterAll(async () => {
    await shared?.end();
    for (const name of [schema, customSchema]) await admin?.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await admin?.end();
  });

  // Default configuration, except the schema: one per run, so parallel CI jobs never meet.
  describeStorageAdapterContract("postgres (server, connection string)", {
    createAdapter: () => createPostgresStorage({ connectionString: POSTGRES_URL as string, schema }),
  });

  // A custom schema and prefix on the host's own pool, which close() must leave open.
  describeStorageAdapterContract("postgres (server, custom schema, own pool)", {
    createAdapter: () => createPostgresStorage({ pool: shared, schema: customSchema, tablePrefix: "agent_" }),
  });
});
