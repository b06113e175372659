import type { UIMessage } from "ai";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import type { ApprovalDecision } from "../run-result.js";

/** Longest accepted `reason` of a decision (it reaches the model). */
const MAX_REASON_LENGTH = 2000;
/** Longest accepted run or approval id (run ids are at most 200 characters). */
const MAX_ID_LENGTH = 200;

/** What {@link approvalDecisionsFrom} found: the suspended run and the user's decisions. */
export interface UIApprovalDecisions {
  /** The suspended run the decisions are for (from the message metadata the run stream set). */
  readonly runId: string;
  /** Id of the assistant message; pass it as `messageId` so the resumed run continues it. */
  readonly messageId: string;
  /** One decision per answered approval, in the message's order. */
  readonly decisions: ApprovalDecision[];
}

/**
 * Reads the approval decisions a `useChat` client sends back: when the last message is an
 * assistant message whose tool parts are in state `approval-responded` (set by
 * `addToolApprovalResponse`, sent by `sendAutomaticallyWhen:
 * lastAssistantMessageIsCompleteWithApprovalResponses`), returns the run id from its metadata and
 * `{ approvalId, approved, reason }` per part; else `undefined` (a normal turn).
 *
 * Security: a decision carries only ids, a boolean and the user's reason. The calls' arguments
 * are never taken from the client (a client may edit a part's `input` freely): `agent.resume`
 * runs the arguments stored with the suspended run. The run id is client data too: pass the
 * `resourceId` of the signed-in user to `agent.resumeStream`, so another user's run is `NOT_FOUND`.
 *
 * @example
 * ```ts
 * const approvals = approvalDecisionsFrom(messages);
 * const run = approvals
 *   ? await agent.resumeStream(approvals.runId, approvals.decisions, { resourceId: user.id })
 *   : agent.stream((await fromUIMessages(messages)).input, { resourceId: user.id });
 * return toUIMessageStreamResponse(run, { messageId: approvals?.messageId });
 * ```
 * @throws {InvalidInputError} when a responded part or the run id is malformed.
 */
export function approvalDecisionsFrom(messages: unknown): UIApprovalDecisions | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const index = messages.length - 1;
  const message = messages[index] as Partial<UIMessage> | null;
  if (typeof message !== "object" || message === null || message.role !== "assistant") return undefined;
  if (!Array.isArray(message.parts)) return undefined;

  const field = `messages.${index}`;
  const decisions: ApprovalDecision[] = [];
  message.parts.forEach((part: unknown, partIndex) => {
    if (typeof part !== "object" || part === null) return;
    const { type, state, approval } = part as { type?: unknown; state?: unknown; approval?: unknown };
    if (typeof type !== "string" || !(type === "dynamic-tool" || type.startsWith("tool-"))) return;
    if (state !== "approval-responded") return;
    const at = `${field}.parts.${partIndex}.approval`;
    const { id, approved, reason } = (approval ?? {}) as {
      id?: unknown;
      approved?: unknown;
      reason?: unknown;
    };
    if (!isId(id)) throw new InvalidInputError({ field: `${at}.id`, expected: "a non-empty approval id" });
    if (typeof approved !== "boolean")
      throw new InvalidInputError({ field: `${at}.approved`, expected: "a boolean" });
    if (reason !== undefined && (typeof reason !== "string" || reason.length > MAX_REASON_LENGTH)) {
      throw new InvalidInputError({
        field: `${at}.reason`,
        expected: `a string of at most ${MAX_REASON_LENGTH} characters`,
      });
    }
    decisions.push(
      reason === undefined || reason === ""
        ? { approvalId: id, approved }
        : { approvalId: id, approved, reason },
    );
  });
  if (decisions.length === 0) return undefined;

  const runId = (message.metadata as { runId?: unknown } | undefined)?.runId;
  if (!isId(runId)) {
    throw new InvalidInputError({
      field: `${field}.metadata.runId`,
      expected: "the run id the stream put there (stream runs with toUIMessageStream)",
    });
  }
  if (!isId(message.id)) throw new InvalidInputError({ field: `${field}.id`, expected: "a message id" });
  return { runId, messageId: message.id, decisions };
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_ID_LENGTH;
}
