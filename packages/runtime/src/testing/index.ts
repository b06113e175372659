/**
 * Test doubles that need no test runner: a scripted model (AI SDK language-model spec), record /
 * replay cassettes, request hashing and an in-memory run store (suspended runs, one process). Works under vitest, jest, `node:test` or no runner. The
 * conformance suite, which needs vitest, is `@flowmaestro/runtime/testing/contract`.
 * @packageDocumentation
 */

export {
  type CassetteEntry,
  type CassetteFile,
  type CassetteMethod,
  type CassetteMiss,
  type CassetteMode,
  type CassetteModel,
  type CassetteModelOptions,
  createCassetteModel,
} from "./cassette-model.js";
export { createInMemoryRunStore, type InMemoryRunStore } from "./in-memory-run-store.js";
export {
  type CanonicalJsonValue,
  type CanonicalRequest,
  canonicalizeRequest,
  hashCanonicalRequest,
  hashRequest,
  stringifyCanonical,
  toCanonicalJson,
} from "./request-hash.js";
export {
  createScriptedModel,
  type ScriptedModel,
  type ScriptedModelCall,
  type ScriptedModelOptions,
  type ScriptedToolCall,
  type ScriptedTurn,
  type ScriptedTurnSpec,
} from "./scripted-model.js";
