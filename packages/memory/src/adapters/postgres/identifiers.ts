import { createHash } from "node:crypto";

/**
 * Names the adapter accepts for `schema` and `tablePrefix`: plain ASCII identifiers, so the
 * quoted name is exactly what the host wrote and can never break out of its quotes.
 * @internal
 */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Postgres truncates identifiers beyond 63 bytes; schema names must fit. @internal */
export const MAX_SCHEMA_LENGTH = 63;
/** Longest table prefix: leaves room for every table and index name the adapter derives. @internal */
export const MAX_PREFIX_LENGTH = 16;

/** `name` as a quoted identifier (`"a""b"`); always used, so reserved words and case are safe. @internal */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Every name the adapter uses in one schema with one prefix. @internal */
export interface Layout {
  /** The raw schema name. */
  readonly schema: string;
  /** The raw table prefix. */
  readonly prefix: string;
  /** Qualified, quoted table names. */
  readonly versions: string;
  readonly threads: string;
  readonly messages: string;
  readonly workingMemory: string;
  readonly snapshots: string;
  readonly vectorIndexes: string;
  /** `schema.prefix`, the key of the advisory lock that serialises migrations of this store. */
  readonly lockKey: string;
  /** Quoted `schema.name` for a table of this store. */
  readonly table: (name: string) => string;
}

/** The layout of a store. @internal */
export function layoutOf(schema: string, prefix: string): Layout {
  const table = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;
  return {
    schema,
    prefix,
    versions: table(`${prefix}schema_version`),
    threads: table(`${prefix}threads`),
    messages: table(`${prefix}messages`),
    workingMemory: table(`${prefix}working_memory`),
    snapshots: table(`${prefix}snapshots`),
    vectorIndexes: table(`${prefix}vector_indexes`),
    lockKey: `flowmaestro-memory:${schema}.${prefix}`,
    table,
  };
}

/** Longest derived vector table name, so `<table>_hnsw` and `<table>_meta` stay within 63 bytes. */
const MAX_VECTOR_TABLE_LENGTH = 58;

/**
 * The table that holds a vector index: `<prefix>vec_<readable part>_<hash>`. The readable part is
 * the index name lower-cased with every other character turned into `_`; the hash (of the exact
 * name) keeps `a-b`, `a_b` and `A_B` apart and lets any index name, however long or exotic, map to
 * a safe identifier of at most 58 characters.
 * @internal
 */
export function vectorTableName(prefix: string, indexName: string): string {
  const hash = createHash("sha256").update(indexName).digest("hex").slice(0, 10);
  const room = MAX_VECTOR_TABLE_LENGTH - prefix.length - "vec__".length - hash.length;
  const readable = indexName
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, Math.max(0, room));
  return `${prefix}vec_${readable}_${hash}`;
}
