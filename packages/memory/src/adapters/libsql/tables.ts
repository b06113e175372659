/** Default prefix of every table and index the adapter creates. @internal */
export const DEFAULT_TABLE_PREFIX = "fm_";

/** What a table prefix must look like: it is spliced into SQL, so only safe identifier characters. @internal */
export const TABLE_PREFIX_PATTERN: RegExp = /^[a-z_][a-z0-9_]*$/;

/** Longest table prefix accepted (SQLite has no limit; this keeps names readable). @internal */
export const MAX_TABLE_PREFIX_LENGTH = 64;

/**
 * The names of the adapter's tables for one prefix. Every name is `prefix` + a fixed word, and
 * the prefix is validated against {@link TABLE_PREFIX_PATTERN}, so the names are safe to splice
 * into SQL unquoted.
 *
 * @internal
 */
export interface TableNames {
  readonly prefix: string;
  /** One row per applied migration; the schema version is the highest `version`. */
  readonly migrations: string;
  readonly threads: string;
  readonly messages: string;
  readonly workingMemory: string;
  readonly snapshots: string;
  /** The vector index registry: name → dimension and table (schema version 2). */
  readonly vectorIndexes: string;
}

/** The table names for `prefix`. @internal */
export function tableNames(prefix: string): TableNames {
  return {
    prefix,
    migrations: `${prefix}schema_migrations`,
    threads: `${prefix}threads`,
    messages: `${prefix}messages`,
    workingMemory: `${prefix}working_memory`,
    snapshots: `${prefix}snapshots`,
    vectorIndexes: `${prefix}vector_indexes`,
  };
}
