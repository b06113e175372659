import { createHash } from "node:crypto";
import type { ModelMessage } from "ai";
import { MAX_ID_LENGTH } from "../internal/inputs.js";
import { encodeMessage } from "../internal/message-codec.js";

/**
 * The id a message of a run is stored under: the same for the same (run, step, index, content), so
 * a retried save replaces instead of duplicating. The content hash keeps a host that reuses a run id
 * (to resume a paused run) from overwriting the first input with the second. Step `undefined` is
 * the run's input. Ids longer than the storage limit are hashed whole.
 * @internal
 */
export function runMessageId(
  runId: string,
  step: number | undefined,
  index: number,
  message: ModelMessage,
): string {
  const content = createHash("sha256").update(encodeMessage(message)).digest("hex").slice(0, 12);
  const id = `${runId}:${step === undefined ? "input" : `step${step}`}:${index}:${content}`;
  if (id.length <= MAX_ID_LENGTH) return id;
  return `msg_${createHash("sha256").update(id).digest("hex")}`;
}
