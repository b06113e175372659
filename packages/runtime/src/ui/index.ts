/**
 * Streaming runs to a UI: runs as the AI SDK 7 UI message stream (`useChat`, `readUIMessageStream`)
 * as a web `Response` or piped to a Node `ServerResponse`, and `useChat` request bodies as run input
 * and approval decisions.
 * @packageDocumentation
 */
export { approvalDecisionsFrom, type UIApprovalDecisions } from "./approval-decisions-from.js";
export {
  type FromUIMessagesOptions,
  fromUIMessages,
  lastUserMessage,
  type UIMessagesInput,
} from "./from-ui-messages.js";
export { pipeUIMessageStreamToResponse } from "./pipe-ui-message-stream-to-response.js";
export type {
  RunMessageMetadata,
  RunUIData,
  RunUIDataTypes,
  RunUIMessage,
  RunUIMessageChunk,
} from "./run-ui-message.js";
export { type ToUIMessageStreamOptions, toUIMessageStream } from "./to-ui-message-stream.js";
export {
  type ToUIMessageStreamResponseOptions,
  toUIMessageStreamResponse,
} from "./to-ui-message-stream-response.js";
