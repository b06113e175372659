/**
 * Memory for FlowMaestro agents: the storage contract and its in-memory adapter, memory
 * strategies, embedders and a knowledge base. The libSQL and Postgres adapters are on the
 * `./libsql` and `./postgres` subpaths; the adapter contract suite on `./testing`.
 * @packageDocumentation
 */
export type * from "./storage-adapter.js";
