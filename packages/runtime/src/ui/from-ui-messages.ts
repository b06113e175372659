import { convertToModelMessages, type ModelMessage, type UIMessage, validateUIMessages } from "ai";
import { InvalidInputError } from "../errors/invalid-input-error.js";

/** Options of {@link fromUIMessages} and {@link lastUserMessage}. */
export interface FromUIMessagesOptions {
  /**
   * Accept `system` messages from the client. Off by default: the agent's instructions are set
   * on the server, and a system message in a request body is a prompt injection vector.
   * @default false
   */
  allowSystemMessages?: boolean;
}

/** Run input converted from UI messages; pass `input` to `agent.stream` / `agent.run`. */
export interface UIMessagesInput {
  readonly input: ModelMessage[];
}

/** Tool part states that carry an outcome, so the call and its result go to the model together. */
const SETTLED = new Set(["output-available", "output-error", "output-denied"]);

/**
 * Converts the message list `useChat` posts (`body.messages`) into run input, with the AI SDK's
 * `validateUIMessages` and `convertToModelMessages`.
 *
 * - Tool calls without an outcome (input still streaming, waiting for approval, approved but not
 *   run yet) are left out: a suspended run keeps them on the server, and
 *   {@link approvalDecisionsFrom} + `agent.resumeStream` continue it.
 * - Approval bookkeeping parts are dropped; a declined call reaches the model as a declined
 *   tool result.
 * - `system` messages are refused unless `allowSystemMessages` is set.
 *
 * Everything in the list comes from the client, including earlier assistant turns and tool
 * results: for agents with memory, send only {@link lastUserMessage} and let the thread supply
 * the history.
 *
 * @throws {InvalidInputError} naming the offending field (`messages.1.parts.0.text`) when the body
 *   is not a valid, non-empty list of UI messages.
 */
export async function fromUIMessages(
  messages: unknown,
  options: FromUIMessagesOptions = {},
): Promise<UIMessagesInput> {
  const valid = await validate(messages, options);
  const input = await convert(valid);
  if (input.length === 0) {
    throw new InvalidInputError({
      field: "messages",
      expected: "a list with at least one message with content",
    });
  }
  return { input };
}

/**
 * Only the last user message of the list `useChat` posts, as run input: for agents with memory,
 * whose thread (`threadId` + `resourceId` from the host's session) holds the history, so the
 * client cannot rewrite it. Validated like {@link fromUIMessages}.
 *
 * @throws {InvalidInputError} when the body is invalid or has no user message.
 */
export async function lastUserMessage(
  messages: unknown,
  options: FromUIMessagesOptions = {},
): Promise<UIMessagesInput> {
  const valid = await validate(messages, options);
  const index = valid.findLastIndex((message) => message.role === "user");
  const last = valid[index];
  if (last === undefined) {
    throw new InvalidInputError({ field: "messages", expected: "a list with a user message" });
  }
  const input = await convert([last]);
  if (input.length === 0 || isEmpty(input[0] as ModelMessage)) {
    throw new InvalidInputError({
      field: `messages.${index}.parts`,
      expected: "a list with at least one text or file part",
    });
  }
  return { input };
}

/** @internal Validates a posted message list, throwing our typed error. */
export async function validate(messages: unknown, options: FromUIMessagesOptions): Promise<UIMessage[]> {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new InvalidInputError({ field: "messages", expected: "a non-empty list of UI messages" });
  }
  let valid: UIMessage[];
  try {
    valid = await validateUIMessages({ messages });
  } catch (error) {
    const issue = firstIssue(error);
    // The issue's message only: the error's own message repeats the whole (client) body.
    throw new InvalidInputError({
      field: ["messages", ...(issue?.path ?? [])].join("."),
      expected: `a valid UI message field (${issue?.message ?? "see the AI SDK UIMessage type"})`,
    });
  }
  if (!options.allowSystemMessages) {
    const index = valid.findIndex((message) => message.role === "system");
    if (index !== -1) {
      throw new InvalidInputError({
        field: `messages.${index}.role`,
        expected:
          '"user" or "assistant" (system messages are refused; set `allowSystemMessages` to accept them)',
      });
    }
  }
  return valid;
}

async function convert(messages: UIMessage[]): Promise<ModelMessage[]> {
  const settled = messages.map((message) => ({
    ...message,
    parts: message.parts.filter((part) => !isToolPart(part) || SETTLED.has(part.state)),
  }));
  const converted = await convertToModelMessages(settled);
  const result: ModelMessage[] = [];
  for (const message of converted) {
    const cleaned = withoutApprovalParts(message);
    if (!isEmpty(cleaned)) result.push(cleaned);
  }
  return result;
}

/** Drops `tool-approval-request` / `tool-approval-response` parts: the calls are settled. */
function withoutApprovalParts(message: ModelMessage): ModelMessage {
  if (typeof message.content === "string") return message;
  const content = (message.content as Array<{ type: string }>).filter(
    (part) => part.type !== "tool-approval-request" && part.type !== "tool-approval-response",
  );
  return { ...message, content } as ModelMessage;
}

function isEmpty(message: ModelMessage): boolean {
  return Array.isArray(message.content) ? message.content.length === 0 : message.content.length === 0;
}

function isToolPart(
  part: UIMessage["parts"][number],
): part is Extract<typeof part, { state: string; toolCallId: string }> {
  return part.type === "dynamic-tool" || part.type.startsWith("tool-");
}

function firstIssue(error: unknown): { path: string[]; message: string } | undefined {
  const issues = (error as { cause?: { issues?: unknown } } | undefined)?.cause?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  const issue = issues[0] as { path?: unknown; message?: unknown };
  return {
    path: Array.isArray(issue.path) ? issue.path.map((key) => String(key)) : [],
    message: typeof issue.message === "string" ? issue.message : "invalid",
  };
}
