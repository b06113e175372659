/**
 * Durable agent runs on DBOS Transact (Postgres): each model call and each tool call is a
 * checkpointed step; a run whose worker dies is finished by another worker without repeating a
 * finished call. See `STATUS.md` for what is done and what is not.
 * @packageDocumentation
 */
export {
  createDurableRuntime,
  type DurableAgentOptions,
  type DurableRuntime,
  type DurableRuntimeOptions,
} from "./create-durable-runtime.js";
