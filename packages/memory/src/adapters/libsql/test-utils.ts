import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentSdkError, type AgentSdkErrorCode } from "@flowmaestro/runtime";
import { expect } from "vitest";

// Helpers for this folder's tests only (not exported from the package).

/** A new temporary directory (under the OS temp dir, never the repo) and its removal. @internal */
export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "fm-libsql-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A `file:` URL for a database in `dir`. @internal */
export function fileUrl(dir: string, name = "store.db"): string {
  return `file:${join(dir, name)}`;
}

/** Awaits a call that must fail with an SDK error of `code`, and returns the error. @internal */
export async function expectCode<T extends AgentSdkError = AgentSdkError>(
  call: Promise<unknown>,
  code: AgentSdkErrorCode,
): Promise<T> {
  const error = await call.then(
    (value) => {
      throw new Error(
        `expected ${code}, but the call succeeded with ${JSON.stringify(value)?.slice(0, 200)}`,
      );
    },
    (caught: unknown) => caught,
  );
  expect(AgentSdkError.isInstance(error), String(error)).toBe(true);
  expect((error as AgentSdkError).code, (error as Error).message).toBe(code);
  return error as T;
}

/** A seeded PRNG (mulberry32): the same numbers on every run and machine. @internal */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cosine similarity in float64, the reference the adapter's scores are checked against. @internal */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
