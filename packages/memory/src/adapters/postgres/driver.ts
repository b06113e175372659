import { ProviderNotInstalledError } from "@flowmaestro/runtime";
import { isConnectionError, isRetryable, toStorageError } from "./errors.js";

/** The part of a `pg` query result the adapter reads. */
export interface PostgresQueryResult<Row = any> {
  readonly rows: Row[];
  readonly rowCount: number | null;
}

/** A connection checked out of a {@link PostgresPool}, as `pg.PoolClient` is. */
export interface PostgresPoolClient {
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
  /** Returns the connection to the pool; with an error (or `true`) the pool destroys it instead. */
  release(error?: Error | boolean): void;
}

/**
 * What the adapter needs from a pool: `pg.Pool`'s `query` and `connect()`. A `pg.Pool` fits, and
 * so does any pool-like object with the same two methods (a wrapped, instrumented or PGlite-backed
 * pool).
 */
export interface PostgresPool {
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
  connect(): Promise<PostgresPoolClient>;
}

/** A pool the adapter created itself, which it also ends. @internal */
export interface OwnedPool extends PostgresPool {
  end(): Promise<void>;
  on(event: "error", listener: (error: Error) => void): unknown;
}

interface PgModule {
  Pool: new (config: { connectionString: string; max?: number }) => OwnedPool;
}

let loading: Promise<PgModule> | undefined;

/**
 * Imports `pg` on first use: it is an optional peer, needed only by hosts that give the adapter a
 * connection string (a host that passes its own pool already has it). A missing package becomes
 * an actionable {@link ProviderNotInstalledError}; a failed attempt is retried on the next call.
 * @internal
 */
export function loadPg(): Promise<PgModule> {
  loading ??= importPg(() => import("pg")).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** `load()`, with a missing module turned into a {@link ProviderNotInstalledError}. @internal */
export async function importPg(load: () => Promise<unknown>): Promise<PgModule> {
  let module: unknown;
  try {
    module = await load();
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new ProviderNotInstalledError({ provider: "Postgres storage", packageName: "pg", cause });
    }
    throw cause;
  }
  // `pg` is CommonJS: its classes hang off the default export (the ESM wrapper also names them).
  return ((module as { default?: unknown }).default ?? module) as PgModule;
}

/** Runs statements on one connection; returns rows. @internal */
export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<Row[]>;
}

/**
 * Runs every statement of the adapter: checks a connection out, runs, returns it, and turns
 * whatever failed into a `StorageError` at the boundary. A SQL error (a constraint, a missing
 * extension) returns the connection to the pool intact; only a broken connection is destroyed,
 * so a single-connection pool (PGlite) survives failed statements.
 * @internal
 */
export class Driver {
  constructor(
    private readonly pool: () => Promise<PostgresPool>,
    /** Texts that must never appear in an error (the connection string, its password). */
    readonly secrets: readonly string[],
  ) {}

  /** One statement, outside any transaction. */
  async query<Row = Record<string, unknown>>(
    operation: string,
    text: string,
    values?: readonly unknown[],
  ): Promise<Row[]> {
    return this.session(operation, (session) => session.query<Row>(text, values));
  }

  /** Several statements on one connection, outside a transaction (each autocommits). */
  async session<T>(operation: string, body: (session: Queryable) => Promise<T>): Promise<T> {
    const client = await this.connect(operation);
    let broken: unknown;
    try {
      return await body(wrap(client));
    } catch (error) {
      if (isConnectionError(error)) broken = error;
      throw toStorageError(operation, error, this.secrets);
    } finally {
      release(client, broken);
    }
  }

  /**
   * `body` in one transaction (`BEGIN` … `COMMIT`, rolled back on any error). Serialization
   * failures and deadlocks are retried up to `retries` times with the whole body; SDK errors the
   * body throws (`NotFoundError`, …) pass through unchanged.
   */
  async transaction<T>(
    operation: string,
    body: (tx: Queryable) => Promise<T>,
    options: { readonly retries?: number } = {},
  ): Promise<T> {
    const retries = options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect(operation);
      let broken: unknown;
      try {
        await client.query("BEGIN");
        const result = await body(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError;
        }
        if (isConnectionError(error)) broken ??= error;
        if (attempt < retries && isRetryable(error)) continue;
        throw toStorageError(operation, error, this.secrets);
      } finally {
        release(client, broken);
      }
    }
  }

  private async connect(operation: string): Promise<PostgresPoolClient> {
    try {
      return await (await this.pool()).connect();
    } catch (error) {
      throw toStorageError(operation, error, this.secrets);
    }
  }
}

function wrap(client: PostgresPoolClient): Queryable {
  return {
    async query<Row>(text: string, values?: readonly unknown[]): Promise<Row[]> {
      const result = await client.query(text, values as unknown[] | undefined);
      return result.rows as Row[];
    },
  };
}

function release(client: PostgresPoolClient, broken: unknown): void {
  if (broken === undefined) client.release();
  else client.release(broken instanceof Error ? broken : true);
}
