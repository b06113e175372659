import { createAgent, defineTool, type RunStore, type StoredRun } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import {
  approvalDecisionsFrom,
  fromUIMessages,
  type RunUIMessage,
  toUIMessageStreamResponse,
} from "@flowmaestro/runtime/ui";
import {
  lastAssistantMessageIsCompleteWithApprovalResponses,
  parseJsonEventStream,
  readUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createLegacyRuntime } from "./create-legacy-runtime.js";

/** A run store in a Map, with the compare-and-set the contract asks for. */
function mapRunStore(): RunStore {
  const runs = new Map<string, StoredRun>();
  const key = (runId: string, resourceId: string) => `${resourceId}\u0000${runId}`;
  return {
    specificationVersion: "v1",
    name: "map",
    async save(input) {
      const id = key(input.runId, input.resourceId);
      const current = runs.get(id);
      if (input.expectedVersion !== undefined && current?.version !== input.expectedVersion) return undefined;
      const stored: StoredRun = {
        runId: input.runId,
        resourceId: input.resourceId,
        threadId: input.threadId,
        state: structuredClone(input.state),
        version: (current?.version ?? 0) + 1,
        updatedAt: new Date(),
      };
      runs.set(id, stored);
      return stored;
    },
    async load(input) {
      return runs.get(key(input.runId, input.resourceId));
    },
  };
}

/** Reads a route handler's SSE response the way `useChat` does, continuing `message` if given. */
async function clientMessage(response: Response, message?: RunUIMessage): Promise<RunUIMessage> {
  const chunks = parseJsonEventStream({
    stream: response.body as ReadableStream<Uint8Array>,
    schema: uiMessageChunkSchema,
  }).pipeThrough(
    new TransformStream<{ success: boolean; value?: UIMessageChunk; error?: unknown }, UIMessageChunk>({
      transform(result, controller) {
        if (!result.success) throw result.error;
        controller.enqueue(result.value as UIMessageChunk);
      },
    }),
  );
  let last: RunUIMessage | undefined;
  const errors: unknown[] = [];
  for await (const next of readUIMessageStream<RunUIMessage>({
    stream: chunks,
    ...(message ? { message: structuredClone(message) } : {}),
    onError: (error) => errors.push(error),
  })) {
    last = next;
  }
  expect(errors).toEqual([]);
  return structuredClone(last as RunUIMessage);
}

describe("UI message stream of a real legacy run", () => {
  it("streams text and an approval request, then resumes from the client's decision", async () => {
    const deleted: string[] = [];
    const deleteFile = defineTool({
      name: "deleteFile",
      description: "Deletes a file.",
      inputSchema: z.object({ path: z.string() }),
      needsApproval: true,
      execute: ({ path }) => {
        deleted.push(path);
        return { deleted: path };
      },
    });
    const model = createScriptedModel({
      turns: [
        {
          text: ["I will delete ", "a.txt."],
          toolCalls: [{ toolName: "deleteFile", input: { path: "a.txt" }, toolCallId: "call_1" }],
          toolInputDeltas: 2,
        },
        { text: ["Deleted ", "a.txt."] },
      ],
    });
    const agent = createAgent({
      runtime: createLegacyRuntime(),
      name: "files",
      model,
      tools: [deleteFile],
      runStore: mapRunStore(),
    });
    const resourceId = "user-1";

    // The route handler, as the README shows it.
    async function route(messages: UIMessage[]): Promise<Response> {
      const approvals = approvalDecisionsFrom(messages);
      const run = approvals
        ? await agent.resumeStream(approvals.runId, approvals.decisions, { resourceId })
        : agent.stream((await fromUIMessages(messages)).input, { resourceId });
      return toUIMessageStreamResponse(run, approvals ? { messageId: approvals.messageId } : {});
    }

    const user: UIMessage = { id: "u1", role: "user", parts: [{ type: "text", text: "Delete a.txt" }] };
    const first = await route([user]);
    expect(first.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    const suspended = await clientMessage(first);

    expect(deleted).toEqual([]);
    expect(suspended.metadata).toMatchObject({ agentId: "files", status: "suspended" });
    const runId = suspended.metadata?.runId as string;
    expect(runId).toEqual(expect.any(String));
    expect(suspended.parts).toMatchObject([
      { type: "step-start" },
      { type: "text", text: "I will delete a.txt.", state: "done" },
      {
        type: "tool-deleteFile",
        toolCallId: "call_1",
        state: "approval-requested",
        input: { path: "a.txt" },
        approval: { id: expect.any(String) },
      },
      { type: "data-run", data: { runId, status: "suspended", resumed: false } },
    ]);

    // What `addToolApprovalResponse({ id, approved: true })` does; useChat then sends automatically.
    const answered: RunUIMessage = {
      ...suspended,
      parts: suspended.parts.map((part) =>
        part.type === "tool-deleteFile" && part.state === "approval-requested"
          ? ({
              ...part,
              state: "approval-responded",
              approval: { ...part.approval, approved: true },
            } as never)
          : part,
      ),
    };
    const conversation = [user, answered];
    expect(lastAssistantMessageIsCompleteWithApprovalResponses({ messages: conversation })).toBe(true);

    const second = await route(JSON.parse(JSON.stringify(conversation)));
    const finished = await clientMessage(second, answered);

    expect(deleted).toEqual(["a.txt"]);
    expect(finished.id).toBe(suspended.id);
    expect(finished.metadata).toMatchObject({ runId, status: "completed" });
    // The resumed run continues the same message (its data-run part aside).
    expect(finished.parts.filter((part) => part.type !== "data-run")).toMatchObject([
      { type: "step-start" },
      { type: "text", text: "I will delete a.txt." },
      {
        type: "tool-deleteFile",
        toolCallId: "call_1",
        state: "output-available",
        input: { path: "a.txt" },
        output: { deleted: "a.txt" },
        approval: { approved: true },
      },
      { type: "step-start" },
      { type: "text", text: "Deleted a.txt.", state: "done" },
    ]);
    expect(finished.parts.filter((part) => part.type === "data-run").at(-1)).toMatchObject({
      data: { runId, status: "completed", resumed: true },
    });
    // The model saw the approved call's result, not a second request.
    expect(model.calls).toHaveLength(2);
    expect(model.calls[1]?.options.prompt.at(-1)).toMatchObject({
      role: "tool",
      content: [{ type: "tool-result", toolCallId: "call_1" }],
    });
    model.assertAllTurnsUsed();

    // The next turn's body converts to plain history.
    const next: UIMessage = { id: "u2", role: "user", parts: [{ type: "text", text: "Thanks" }] };
    const { input } = await fromUIMessages(JSON.parse(JSON.stringify([user, finished, next])));
    expect(input.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant", "user"]);
  });
});
