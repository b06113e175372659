import { useChat } from "@ai-sdk/react";
import type { RunMessageMetadata, RunUIData, RunUIMessage } from "@flowmaestro/runtime/ui";
import {
  DefaultChatTransport,
  type DynamicToolUIPart,
  getToolName,
  isToolUIPart,
  lastAssistantMessageIsCompleteWithApprovalResponses,
  type ToolUIPart,
} from "ai";
import { type FormEvent, useState } from "react";

/**
 * The messages a FlowMaestro run streams: run id and status in the metadata, a `data-run` part
 * with the final status, usage and cost.
 */
type ChatMessage = RunUIMessage;
type ToolPart = ToolUIPart | DynamicToolUIPart;

/** What the header shows about the latest run. */
type RunSummary = Partial<RunUIData> & Partial<RunMessageMetadata>;

/**
 * The latest run of the conversation: the last assistant message's metadata (its `status` is
 * current while a run streams) over its last `data-run` part (usage and cost, once it ends).
 */
function latestRun(messages: readonly ChatMessage[]): RunSummary | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role !== "assistant") continue;
    const parts = message.parts.filter((part) => part.type === "data-run");
    const fromPart = parts.at(-1)?.data;
    if (fromPart || message.metadata) return { ...fromPart, ...message.metadata };
  }
  return undefined;
}

function formatJson(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

const STATE_LABELS: Record<ToolPart["state"], string> = {
  "input-streaming": "preparing",
  "input-available": "running",
  "approval-requested": "needs your approval",
  "approval-responded": "answered",
  "output-available": "done",
  "output-error": "failed",
  "output-denied": "declined",
};

function ToolCall({
  part,
  onDecide,
}: {
  part: ToolPart;
  onDecide: (approvalId: string, approved: boolean, reason?: string) => void;
}) {
  const [reason, setReason] = useState("");
  const name = getToolName(part);
  return (
    <div
      className={`tool tool-${part.state}`}
      data-testid="tool-part"
      data-tool-name={name}
      data-state={part.state}
    >
      <div className="tool-header">
        <span className="tool-name">{name}</span>
        <span className="tool-state">{STATE_LABELS[part.state]}</span>
      </div>
      {part.input !== undefined && (
        <pre className="tool-input" data-testid="tool-input">
          {formatJson(part.input)}
        </pre>
      )}
      {part.state === "approval-requested" && (
        <div className="approval" data-testid="approval">
          <input
            aria-label="Reason (optional)"
            placeholder="Reason (optional)"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            data-testid="approval-reason"
          />
          <button
            type="button"
            className="approve"
            data-testid="approve"
            onClick={() => onDecide(part.approval.id, true, reason || undefined)}
          >
            Approve
          </button>
          <button
            type="button"
            className="decline"
            data-testid="decline"
            onClick={() => onDecide(part.approval.id, false, reason || undefined)}
          >
            Decline
          </button>
        </div>
      )}
      {part.state === "approval-responded" && (
        <p className="tool-note" data-testid="tool-decided">
          {part.approval.approved ? "Approved, running…" : "Declined, telling the agent…"}
        </p>
      )}
      {part.state === "output-available" && (
        <pre className="tool-output" data-testid="tool-output">
          {formatJson(part.output)}
        </pre>
      )}
      {part.state === "output-error" && (
        <p className="tool-error" data-testid="tool-error">
          {part.errorText}
        </p>
      )}
      {part.state === "output-denied" && (
        <p className="tool-error" data-testid="tool-declined">
          Declined{part.approval.reason ? `: ${part.approval.reason}` : ""}
        </p>
      )}
    </div>
  );
}

function Message({
  message,
  onDecide,
}: {
  message: ChatMessage;
  onDecide: (approvalId: string, approved: boolean, reason?: string) => void;
}) {
  return (
    <li className={`message message-${message.role}`} data-testid={`message-${message.role}`}>
      {message.parts.map((part, index) => {
        const key = `${message.id}-${index}`;
        if (part.type === "text") {
          return (
            <p key={key} className="text" data-testid={`${message.role}-text`}>
              {part.text}
            </p>
          );
        }
        if (part.type === "reasoning") {
          return (
            <p key={key} className="reasoning">
              {part.text}
            </p>
          );
        }
        if (isToolUIPart(part)) return <ToolCall key={part.toolCallId} part={part} onDecide={onDecide} />;
        return null;
      })}
    </li>
  );
}

/** The chat: `useChat` posting to `/api/chat`, approvals answered in place and sent back automatically. */
export function App() {
  const [input, setInput] = useState("");
  const { messages, sendMessage, addToolApprovalResponse, status, error } = useChat<ChatMessage>({
    transport: new DefaultChatTransport({ api: "/api/chat" }),
    // Once every approval of the last step is answered, post them; the server resumes the run.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  });
  const run = latestRun(messages);
  const busy = status === "submitted" || status === "streaming";

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    setInput("");
    void sendMessage({ text });
  };
  const onDecide = (approvalId: string, approved: boolean, reason?: string) => {
    void addToolApprovalResponse({ id: approvalId, approved, ...(reason ? { reason } : {}) });
  };

  return (
    <main className="chat">
      <header className="chat-header">
        <h1>FlowMaestro chat</h1>
        <div className="run" data-testid="run">
          <span className="run-label">run</span>
          <span
            className={`run-status status-${run?.status ?? "idle"}`}
            data-testid="run-status"
            data-status={run?.status ?? "idle"}
          >
            {run?.status ?? "idle"}
          </span>
          {run?.runId && (
            <code className="run-id" data-testid="run-id" title={run.runId}>
              {run.runId.replace(/^run_/, "").slice(0, 8)}
            </code>
          )}
          {run?.usage?.totalTokens !== undefined && (
            <span
              className="run-usage"
              data-testid="run-usage"
              title="Tokens of the latest run (a resumed run counts its own)"
            >
              {run.usage.totalTokens} tokens
            </span>
          )}
        </div>
      </header>
      <ol className="messages" data-testid="messages">
        {messages.length === 0 && (
          <li className="empty">Ask about the weather, and to email it to someone.</li>
        )}
        {messages.map((message) => (
          <Message key={message.id} message={message} onDecide={onDecide} />
        ))}
      </ol>
      {error && (
        <p className="chat-error" role="alert" data-testid="chat-error">
          {error.message}
        </p>
      )}
      <form className="composer" onSubmit={onSubmit}>
        <input
          aria-label="Message"
          placeholder="What's the weather in Paris? Email it to ada@example.com."
          value={input}
          onChange={(event) => setInput(event.target.value)}
          data-testid="chat-input"
        />
        <button type="submit" disabled={busy || input.trim() === ""} data-testid="send">
          Send
        </button>
        <span className="chat-status" data-testid="chat-status" data-status={status}>
          {status}
        </span>
      </form>
    </main>
  );
}
