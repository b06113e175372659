import { createHash } from "node:crypto";

export { RECALL_INDEXES_METADATA_KEY } from "@flowmaestro/memory";

/**
 * The id `@flowmaestro/memory` gives a message's recall vector: a hash of (resource, thread,
 * message). The Mastra bridge writes the same ids, so recall and thread deletion treat vectors
 * alike whichever runtime wrote them. Mirrors `recallVectorId` in
 * packages/memory/src/strategies/semantic-recall.ts (not exported); the runtime tests check that
 * vectors the legacy runtime wrote have these ids.
 *
 * @internal
 */
export function recallVectorId(
  key: { readonly resourceId: string; readonly threadId: string },
  messageId: string,
): string {
  return `r_${createHash("sha256").update(`${key.resourceId}\u0000${key.threadId}\u0000${messageId}`).digest("hex").slice(0, 40)}`;
}
