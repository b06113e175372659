import type { ModelMessage } from "ai";
import type { StorageAdapter, StoredMessage, ThreadKey } from "../storage-adapter.js";
import { estimateTokens } from "./message-text.js";

/** Messages the buffer sends when `lastMessages` is unset. */
export const DEFAULT_LAST_MESSAGES = 20;

/** Settings of the buffer strategy, resolved. @internal */
export interface BufferSettings {
  /** How many of the most recent messages; `false` (or 0) sends none. */
  readonly lastMessages: number | false;
  /** Token budget (characters / 4) applied after `lastMessages`; unset means none. */
  readonly maxHistoryTokens?: number | undefined;
}

/** The ids a content part may carry. */
interface PartIds {
  readonly type: string;
  readonly toolCallId?: string;
  readonly approvalId?: string;
}

/**
 * Loads the buffer of a thread: its last `lastMessages` messages (after `afterPosition`, the end of
 * the summary, when one exists) with one index-backed query, then {@link selectHistory}. `fetch`
 * may ask for more than the window (the summary uses them to count), they are cut here.
 *
 * @internal
 */
export async function loadBuffer(
  storage: StorageAdapter,
  key: ThreadKey,
  settings: BufferSettings,
  options: { readonly afterPosition?: number | undefined; readonly fetch?: number | undefined } = {},
): Promise<{ readonly window: readonly StoredMessage[]; readonly fetched: readonly StoredMessage[] }> {
  const limit = settings.lastMessages || 0;
  const fetch = Math.max(limit, options.fetch ?? 0);
  if (fetch === 0) return { window: [], fetched: [] };
  const fetched = await storage.listMessages({
    ...key,
    last: fetch,
    ...(options.afterPosition === undefined ? {} : { afterPosition: options.afterPosition }),
  });
  return { window: selectHistory(fetched, settings), fetched };
}

/**
 * The buffer window of a thread's messages (oldest first): the last `lastMessages`, then as many of
 * the most recent as fit `maxHistoryTokens`, then made well-formed with {@link wellFormed} so it can
 * always be sent to a model. Pure.
 *
 * @internal
 */
export function selectHistory<T extends { readonly message: ModelMessage }>(
  messages: readonly T[],
  settings: BufferSettings,
): T[] {
  const limit = settings.lastMessages || 0;
  if (limit === 0) return [];
  let window = messages.slice(-limit);
  if (settings.maxHistoryTokens !== undefined) {
    let budget = settings.maxHistoryTokens;
    let start = window.length;
    while (start > 0) {
      const cost = estimateTokens((window[start - 1] as T).message);
      if (cost > budget) break;
      budget -= cost;
      start -= 1;
    }
    window = window.slice(start);
  }
  return wellFormed(window);
}

/**
 * Drops what a model would reject in a window cut out of a longer conversation: leading `tool`
 * messages and `system` messages; tool results whose call is not in the window; tool calls whose
 * result is not in the window (a call the provider executed itself carries its result and stays);
 * approval requests and responses of dropped calls. A message left without content is dropped; the
 * rest are sent unchanged. Pure.
 *
 * @internal
 */
export function wellFormed<T extends { readonly message: ModelMessage }>(window: readonly T[]): T[] {
  const calls = new Set<string>();
  const results = new Set<string>();
  for (const { message } of window) {
    if (typeof message.content === "string") continue;
    for (const part of message.content) {
      if (part.type === "tool-call") calls.add(part.toolCallId);
      else if (part.type === "tool-result") results.add(part.toolCallId);
    }
  }
  // Calls answered inside the window, or by the provider itself (result in the same message).
  const kept = new Set<string>();
  for (const { message } of window) {
    if (message.role !== "assistant" || typeof message.content === "string") continue;
    for (const part of message.content) {
      if (part.type === "tool-call" && (part.providerExecuted === true || results.has(part.toolCallId))) {
        kept.add(part.toolCallId);
      }
    }
  }
  const approvals = new Set<string>();
  for (const { message } of window) {
    if (message.role !== "assistant" || typeof message.content === "string") continue;
    for (const part of message.content) {
      if (part.type === "tool-approval-request" && kept.has(part.toolCallId)) approvals.add(part.approvalId);
    }
  }

  const out: T[] = [];
  for (const entry of window) {
    const { message } = entry;
    if (message.role === "system") continue;
    if (message.role === "tool" && out.length === 0) continue;
    if (typeof message.content === "string") {
      out.push(entry);
      continue;
    }
    const parts = (message.content as readonly PartIds[]).filter((part) => {
      switch (part.type) {
        case "tool-call":
        case "tool-approval-request":
          return kept.has(part.toolCallId ?? "");
        case "tool-result":
          return calls.has(part.toolCallId ?? "") && kept.has(part.toolCallId ?? "");
        case "tool-approval-response":
          return approvals.has(part.approvalId ?? "");
        default:
          return true;
      }
    });
    if (parts.length === message.content.length) out.push(entry);
    else if (parts.length > 0)
      out.push({ ...entry, message: { ...message, content: parts } as ModelMessage });
  }
  // Dropping parts may have left a tool message first again.
  while (out.length > 0 && (out[0] as T).message.role === "tool") out.shift();
  return out;
}
