import type {
  LanguageModelV4,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import { expect } from "vitest";
import { z } from "zod";
import type { ResumeOptions } from "../../agent-runtime.js";
import { type Agent, createAgent } from "../../create-agent.js";
import type { AgentEvent } from "../../events/agent-event.js";
import type { AgentOutputSchema } from "../../output/output-schema.js";
import type { ApprovalDecision, RunResult } from "../../run-result.js";
import type { ToolApprovalContext, ToolApprovalRequirement } from "../../tools/agent-tool.js";
import { defineTool } from "../../tools/define-tool.js";
import { createInMemoryRunStore, type InMemoryRunStore } from "../in-memory-run-store.js";
import { createScriptedModel, type ScriptedModel, type ScriptedTurn } from "../scripted-model.js";
import type { ContractContext } from "./contract-context.js";
import { expectValidEventOrder } from "./expect-valid-event-order.js";
import { MODES, type Mode, runIn } from "./run-in.js";

/** Names of the approval, budget, cost and structured-output cases, for `skip`. */
export type ApprovalContractCase =
  | "approval suspends the run"
  | "approval decided by a function of input and context"
  | "approval function that throws needs approval"
  | "requireToolApproval covers every tool"
  | "per-run requireToolApproval false keeps needsApproval"
  | "resume an approved call"
  | "resume a declined call"
  | "several approvals in one step"
  | "resumed prompt holds the approved call once"
  | "resume twice"
  | "concurrent resumes"
  | "resume an unknown run"
  | "resume another resource's run"
  | "invalid decisions"
  | "cancel a suspended run"
  | "abort during a tool call"
  | "abort a resumed run"
  | "tool input streams as events"
  | "token budget"
  | "cost from a custom price table"
  | "cost budget"
  | "structured output"
  | "structured output from JSON Schema, per run"
  | "invalid structured output";

/** Resumes a run in a mode (`resume` or `resumeStream`) and returns its result and events. */
async function resumeIn(
  mode: Mode,
  agent: Agent,
  runId: string,
  decisions: readonly ApprovalDecision[],
  options: ResumeOptions = {},
): Promise<{ result: RunResult; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  if (mode === "execute") {
    const result = await agent.resume(runId, decisions, {
      ...options,
      onEvent: (event) => void events.push(event),
    });
    return { result, events };
  }
  const stream = await agent.resumeStream(runId, decisions, options);
  for await (const event of stream) events.push(event);
  return { result: await stream.result, events };
}

/** A part of a prompt message, loosely typed for assertions. */
interface PromptPart {
  type: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  output?: unknown;
  text?: string;
}

/** Every part of the given type in a prompt's assistant and tool messages. */
function partsOf(prompt: LanguageModelV4Prompt, type: string): PromptPart[] {
  return prompt.flatMap((message) =>
    typeof message.content === "string"
      ? []
      : (message.content as PromptPart[]).filter((part) => part.type === type),
  );
}

/** Every part of the given type in a conversation's messages. */
function messagePartsOf(messages: readonly ModelMessage[], type: string): PromptPart[] {
  return messages.flatMap((message) =>
    typeof message.content === "string"
      ? []
      : (message.content as PromptPart[]).filter((part) => part.type === type),
  );
}

/** Every tool call in the conversation has exactly one result in it, after it. */
function expectNoDanglingToolCalls(messages: readonly ModelMessage[]): void {
  const calls = messagePartsOf(messages, "tool-call").map((part) => part.toolCallId);
  const results = messagePartsOf(messages, "tool-result").map((part) => part.toolCallId);
  expect([...results].sort(), "each tool call has one result").toEqual([...calls].sort());
}

/** How many times `needle` occurs in `text`. */
function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

const REFUND_INPUT = z.object({
  orderId: z.string(),
  amount: z.number(),
  currency: z.string().default("EUR"),
});
type RefundInput = z.output<typeof REFUND_INPUT>;

/** A `refund` tool that records every execution (its input and run context). */
function refundTool(needsApproval: ToolApprovalRequirement<RefundInput>, name = "refund") {
  const executed: Array<{ input: RefundInput; context: unknown; runId: string }> = [];
  const tool = defineTool({
    name,
    description: "Refunds an order",
    inputSchema: REFUND_INPUT,
    needsApproval,
    execute: (input, context) => {
      executed.push({ input, context: context.context, runId: context.runId });
      return { refunded: input.amount, orderId: input.orderId };
    },
  });
  return { tool, executed };
}

/** An `add` tool (no approval) that counts its executions. */
function countingAddTool() {
  const executed: Array<{ a: number; b: number }> = [];
  const tool = defineTool({
    name: "add",
    description: "Adds two numbers",
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    execute: (input) => {
      executed.push(input);
      return { sum: input.a + input.b };
    },
  });
  return { tool, executed };
}

/** A model around a scripted one that reports the given usage for every call. */
function withUsage(inner: ScriptedModel, usage: LanguageModelV4Usage): LanguageModelV4 {
  return {
    specificationVersion: "v4",
    provider: inner.provider,
    modelId: inner.modelId,
    supportedUrls: {},
    doGenerate: async (options) => ({ ...(await inner.doGenerate(options)), usage }),
    doStream: async (options) => {
      const response = await inner.doStream(options);
      return {
        ...response,
        stream: response.stream.pipeThrough(
          new TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart>({
            transform(part, controller) {
              controller.enqueue(part.type === "finish" ? { ...part, usage } : part);
            },
          }),
        ),
      };
    },
  };
}

/** 1000 input tokens (400 from the cache), 200 output tokens (50 of them reasoning). */
const CACHED_USAGE: LanguageModelV4Usage = {
  inputTokens: { total: 1000, noCache: 600, cacheRead: 400, cacheWrite: undefined },
  outputTokens: { total: 200, text: 150, reasoning: 50 },
};

/**
 * The contract's approval, suspension, budget, cost and structured-output cases: a tool that
 * needs approval suspends the run, which `agent.resume` continues (also on another runtime
 * instance), each call with its own decision, the approved call in the model's context exactly
 * once; typed errors for every wrong resume; abort; budgets; cost; structured output.
 * @internal
 */
export function describeApprovalCases(context: ContractContext): void {
  const { agentWith } = context;
  // Case names outside `AgentRuntimeContractCase` until the union lists them.
  const test = context.test as unknown as (caseName: ApprovalContractCase, body: () => Promise<void>) => void;

  /** An agent with a fresh in-memory run store. */
  const approvalAgent = async (
    turns: readonly ScriptedTurn[],
    extra: Parameters<typeof agentWith>[1] = {},
  ): Promise<{ agent: Agent; model: ScriptedModel; store: InMemoryRunStore }> => {
    const store = createInMemoryRunStore();
    const { agent, model } = await agentWith(turns, { runStore: store, ...extra });
    return { agent, model, store };
  };

  const refundCall = (orderId: string, amount: number, toolCallId?: string) => ({
    toolName: "refund",
    input: { orderId, amount },
    ...(toolCallId === undefined ? {} : { toolCallId }),
  });

  test("approval suspends the run", async () => {
    for (const mode of MODES) {
      const { tool, executed } = refundTool(true);
      const { agent, model, store } = await approvalAgent(
        [{ toolCalls: [refundCall("A1", 500, "call_refund")] }, { text: "Refunded." }],
        { tools: [tool] },
      );
      const runId = `run-suspend-${mode}`;
      const { result, events } = await runIn(mode, agent, "Refund order A1", { runId });
      expect(result.status, mode).toBe("suspended");
      expect(result.runId).toBe(runId);
      expect(result.error).toBeUndefined();
      expect(result.pendingApprovals).toEqual([
        {
          approvalId: expect.any(String),
          toolCallId: "call_refund",
          toolName: "refund",
          input: { orderId: "A1", amount: 500, currency: "EUR" },
        },
      ]);
      // The tool did not run, and the model was not called again.
      expect(executed).toEqual([]);
      expect(model.calls).toHaveLength(1);
      expect(model.remainingTurns).toBe(1);
      const request = events.find((event) => event.type === "tool-approval-request");
      expect(request).toEqual({
        type: "tool-approval-request",
        runId,
        step: 0,
        approvalId: result.pendingApprovals[0]!.approvalId,
        toolCallId: "call_refund",
        toolName: "refund",
        input: { orderId: "A1", amount: 500, currency: "EUR" },
      });
      expect(events.filter((event) => event.type === "step-end")).toEqual([]);
      expect(events.some((event) => event.type === "tool-result" || event.type === "tool-error")).toBe(false);
      expect(events.some((event) => event.type === "error")).toBe(false);
      expectValidEventOrder(events);
      // The suspended step is not in `messages` (the resumed run's messages open with it).
      expect(result.messages).toEqual([]);
      // The run's state is in the store, under the run's id.
      expect(store.records().map((record) => record.runId)).toEqual([runId]);
    }
  });

  test("approval decided by a function of input and context", async () => {
    const asked: Array<{ input: RefundInput; context: ToolApprovalContext }> = [];
    const { tool, executed } = refundTool((input, approvalContext) => {
      asked.push({ input, context: approvalContext });
      return input.amount > (approvalContext.context.limit as number);
    });
    const { agent, model } = await approvalAgent(
      [
        { toolCalls: [refundCall("small", 50, "call_small"), refundCall("large", 500, "call_large")] },
        { text: "Done." },
      ],
      { tools: [tool] },
    );
    const events: AgentEvent[] = [];
    const result = await agent.execute("Refund both orders", {
      runId: "run-fn",
      context: { limit: 100 },
      onEvent: (event) => void events.push(event),
    });
    expect(result.status).toBe("suspended");
    // Only the call above the limit waits; the other one ran, once, before the run suspended.
    expect(result.pendingApprovals.map((pending) => pending.toolCallId)).toEqual(["call_large"]);
    expect(executed.map((run) => run.input.orderId)).toEqual(["small"]);
    expect(events.filter((event) => event.type === "tool-result").map((event) => event.toolCallId)).toEqual([
      "call_small",
    ]);
    expectValidEventOrder(events);
    // The function saw the validated input and the run.
    expect(asked.map((entry) => entry.input)).toEqual(
      expect.arrayContaining([
        { orderId: "small", amount: 50, currency: "EUR" },
        { orderId: "large", amount: 500, currency: "EUR" },
      ]),
    );
    const large = asked.find((entry) => entry.input.orderId === "large")!.context;
    expect(large).toMatchObject({
      toolCallId: "call_large",
      runId: "run-fn",
      agentId: "contract-agent",
      context: { limit: 100 },
    });
    expect(Array.isArray(large.messages)).toBe(true);

    const resumed = await agent.resume("run-fn", [
      { approvalId: result.pendingApprovals[0]!.approvalId, approved: true },
    ]);
    expect(resumed.status).toBe("completed");
    expect(executed.map((run) => run.input.orderId)).toEqual(["small", "large"]);
    expect(model.calls).toHaveLength(2);
  });

  test("approval function that throws needs approval", async () => {
    const { tool, executed } = refundTool((input) => {
      if (input.amount > 100) return Promise.reject(new Error("policy service unreachable"));
      throw new Error("policy service crashed");
    });
    const { agent } = await approvalAgent(
      [{ toolCalls: [refundCall("A", 5, "call_a"), refundCall("B", 500, "call_b")] }, { text: "Done." }],
      { tools: [tool] },
    );
    const result = await agent.execute("Refund");
    // Approval fails closed: both calls wait, neither ran.
    expect(result.status).toBe("suspended");
    expect(result.pendingApprovals.map((pending) => pending.toolCallId).sort()).toEqual(["call_a", "call_b"]);
    expect(executed).toEqual([]);
  });

  test("requireToolApproval covers every tool", async () => {
    // On the definition.
    const first = countingAddTool();
    const byDefinition = await approvalAgent(
      [{ toolCalls: [{ toolName: "add", input: { a: 1, b: 2 }, toolCallId: "call_add" }] }, { text: "3" }],
      { tools: [first.tool], requireToolApproval: true },
    );
    const suspended = await byDefinition.agent.execute("1 + 2?");
    expect(suspended.status).toBe("suspended");
    expect(suspended.pendingApprovals).toEqual([
      { approvalId: expect.any(String), toolCallId: "call_add", toolName: "add", input: { a: 1, b: 2 } },
    ]);
    expect(first.executed).toEqual([]);
    const resumed = await byDefinition.agent.resume(suspended.runId, [
      { approvalId: suspended.pendingApprovals[0]!.approvalId, approved: true },
    ]);
    expect(resumed.status).toBe("completed");
    expect(resumed.text).toBe("3");
    expect(first.executed).toEqual([{ a: 1, b: 2 }]);

    // Per run, on an agent that does not require it.
    const second = countingAddTool();
    const perRun = await approvalAgent(
      [
        { toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }] },
        { toolCalls: [{ toolName: "add", input: { a: 3, b: 4 } }] },
        { text: "7" },
      ],
      { tools: [second.tool] },
    );
    const perRunResult = await perRun.agent.execute("1 + 2?", { overrides: { requireToolApproval: true } });
    expect(perRunResult.status).toBe("suspended");
    expect(second.executed).toEqual([]);
    // Without the override the same agent runs its tools.
    const unguarded = await perRun.agent.execute("3 + 4?");
    expect(unguarded.status).toBe("completed");
    expect(second.executed).toEqual([{ a: 3, b: 4 }]);
  });

  test("per-run requireToolApproval false keeps needsApproval", async () => {
    // Mastra #14996 / #15776: a per-call flag must not bypass a tool's own requirement.
    const { tool, executed } = refundTool(true);
    const guarded = refundTool(() => true, "refund_fn");
    const add = countingAddTool();
    const { agent } = await approvalAgent(
      [
        {
          toolCalls: [
            refundCall("A1", 500, "call_refund"),
            { toolName: "refund_fn", input: { orderId: "A2", amount: 5 }, toolCallId: "call_fn" },
            { toolName: "add", input: { a: 1, b: 1 }, toolCallId: "call_add" },
          ],
        },
        { text: "Done." },
      ],
      { tools: [tool, guarded.tool, add.tool] },
    );
    const result = await agent.execute("Refund", { overrides: { requireToolApproval: false } });
    expect(result.status).toBe("suspended");
    expect(result.pendingApprovals.map((pending) => pending.toolCallId).sort()).toEqual([
      "call_fn",
      "call_refund",
    ]);
    expect(executed).toEqual([]);
    expect(guarded.executed).toEqual([]);
    // Nothing asked for approval of `add`: it ran.
    expect(add.executed).toEqual([{ a: 1, b: 1 }]);

    // Not lifted either when the definition requires approval for every tool.
    const strict = refundTool(true);
    const strictAgent = await approvalAgent([{ toolCalls: [refundCall("A3", 500)] }, { text: "Done." }], {
      tools: [strict.tool],
      requireToolApproval: true,
    });
    const strictResult = await strictAgent.agent.execute("Refund", {
      overrides: { requireToolApproval: false },
    });
    expect(strictResult.status).toBe("suspended");
    expect(strict.executed).toEqual([]);

    // And it is no run option: passing it beside `overrides` is rejected before the model is called.
    const loose = refundTool(true);
    const looseAgent = await approvalAgent([{ toolCalls: [refundCall("A4", 500)] }], { tools: [loose.tool] });
    await expect(
      looseAgent.agent.execute("Refund", { requireToolApproval: false } as never),
    ).rejects.toMatchObject({ code: "INVALID_DEFINITION" });
    expect(looseAgent.model.calls).toHaveLength(0);
    expect(loose.executed).toEqual([]);
  });

  test("resume an approved call", async () => {
    for (const mode of MODES) {
      const { tool, executed } = refundTool(true);
      const { agent, model } = await approvalAgent(
        [{ toolCalls: [refundCall("A1", 500, "call_refund")] }, { text: "Refunded 500 EUR." }],
        { tools: [tool] },
      );
      const suspended = await agent.execute("Refund order A1", { context: { tenant: "acme" } });
      expect(suspended.status).toBe("suspended");
      const pending = suspended.pendingApprovals;
      // A new runtime instance resumes it (nothing is kept in the first one's memory).
      const elsewhere = agent.withRuntime(await context.options.createRuntime());
      const { result, events } = await resumeIn(
        mode,
        elsewhere,
        suspended.runId,
        [{ approvalId: pending[0]!.approvalId, approved: true }],
        { context: { tenant: "acme" } },
      );
      expect(result.status, mode).toBe("completed");
      expect(result.runId).toBe(suspended.runId);
      expect(result.text).toBe("Refunded 500 EUR.");
      expect(result.pendingApprovals).toEqual([]);
      // The tool ran once, with the arguments stored when approval was requested.
      expect(executed).toEqual([
        {
          input: { orderId: "A1", amount: 500, currency: "EUR" },
          context: { tenant: "acme" },
          runId: suspended.runId,
        },
      ]);
      // The model got the result, after the original conversation.
      expect(model.calls).toHaveLength(2);
      const prompt = model.calls[1]!.options.prompt;
      expect(JSON.stringify(prompt)).toContain("You are a test agent.");
      expect(JSON.stringify(prompt)).toContain("Refund order A1");
      const results = partsOf(prompt, "tool-result").filter((part) => part.toolCallId === "call_refund");
      expect(results).toHaveLength(1);
      expect(JSON.stringify(results[0]!.output)).toContain('"refunded":500');
      model.assertAllTurnsUsed();
      // Events: resumed, the call's result and the suspended step's end, then the next step.
      expect(events[0]).toMatchObject({ type: "run-start", resumed: true, runId: suspended.runId });
      expect(events[1]).toMatchObject({
        type: "tool-result",
        step: 0,
        toolCallId: "call_refund",
        output: { refunded: 500, orderId: "A1" },
      });
      expect(events[2]).toMatchObject({ type: "step-end", step: 0 });
      expect(events.filter((event) => event.type === "step-start").map((event) => event.step)).toEqual([1]);
      expectValidEventOrder(events, { resumedFrom: pending });
      // The resumed run's messages open with the suspended step: call, result, then the answer.
      expect(result.messages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
      expectNoDanglingToolCalls(result.messages);
      expect(result.steps.map((step) => step.index)).toEqual([0, 1]);
      expect(result.steps[0]!.toolResults).toEqual([
        expect.objectContaining({
          toolCallId: "call_refund",
          isError: false,
          output: { refunded: 500, orderId: "A1" },
        }),
      ]);
    }
  });

  test("resume a declined call", async () => {
    const { tool, executed } = refundTool(true);
    const { agent, model } = await approvalAgent(
      [{ toolCalls: [refundCall("A1", 5000, "call_refund")] }, { text: "The refund was declined." }],
      { tools: [tool] },
    );
    const suspended = await agent.execute("Refund order A1");
    const pending = suspended.pendingApprovals;
    const { result, events } = await resumeIn("stream", agent, suspended.runId, [
      { approvalId: pending[0]!.approvalId, approved: false, reason: "Amount above the refund limit" },
    ]);
    expect(result.status).toBe("completed");
    expect(executed).toEqual([]);
    const toolError = events.find((event) => event.type === "tool-error");
    expect(toolError).toMatchObject({
      type: "tool-error",
      step: 0,
      toolCallId: "call_refund",
      toolName: "refund",
      error: { code: "TOOL_DECLINED", toolName: "refund", reason: "Amount above the refund limit" },
    });
    expectValidEventOrder(events, { resumedFrom: pending });
    // The model sees the declined call's result, with the reason.
    const prompt = model.calls[1]!.options.prompt;
    const results = partsOf(prompt, "tool-result").filter((part) => part.toolCallId === "call_refund");
    expect(results).toHaveLength(1);
    expect(JSON.stringify(results[0]!.output)).toContain("Amount above the refund limit");
    // As a failed or denied call, not as a successful result that happens to hold text.
    expect(["error-text", "error-json", "execution-denied"]).toContain(
      (results[0]!.output as { type: string }).type,
    );
    const record = result.steps
      .flatMap((step) => step.toolResults)
      .find((r) => r.toolCallId === "call_refund");
    expect(record).toMatchObject({ isError: true, error: { code: "TOOL_DECLINED" } });
    expectNoDanglingToolCalls(result.messages);
    expect(JSON.stringify(result.messages)).toContain("Amount above the refund limit");
  });

  test("several approvals in one step", async () => {
    // Mastra #16468, #19083, #20322: each call gets its own decision, nothing is cross-wired.
    const { tool, executed } = refundTool(true);
    const add = countingAddTool();
    const { agent, model } = await approvalAgent(
      [
        {
          toolCalls: [
            refundCall("A", 100, "call_a"),
            refundCall("B", 200, "call_b"),
            { toolName: "add", input: { a: 1, b: 2 }, toolCallId: "call_add" },
          ],
        },
        { text: "A refunded, B declined." },
      ],
      { tools: [tool, add.tool] },
    );
    const { result: suspended, events: suspendEvents } = await runIn("stream", agent, "Refund A and B");
    expect(suspended.status).toBe("suspended");
    expect(suspended.pendingApprovals.map((pending) => pending.toolCallId).sort()).toEqual([
      "call_a",
      "call_b",
    ]);
    const ids = suspended.pendingApprovals.map((pending) => pending.approvalId);
    expect(new Set(ids).size).toBe(2);
    // The call that needs no approval ran once, before the run suspended.
    expect(add.executed).toEqual([{ a: 1, b: 2 }]);
    expect(
      suspendEvents.filter((event) => event.type === "tool-result").map((event) => event.toolCallId),
    ).toEqual(["call_add"]);
    expectValidEventOrder(suspendEvents);

    const byCall = (toolCallId: string) =>
      suspended.pendingApprovals.find((pending) => pending.toolCallId === toolCallId)!;
    // Decisions in the other order than the requests.
    const { result, events } = await resumeIn("execute", agent, suspended.runId, [
      { approvalId: byCall("call_b").approvalId, approved: false, reason: "B is not eligible" },
      { approvalId: byCall("call_a").approvalId, approved: true },
    ]);
    expect(result.status).toBe("completed");
    expect(executed.map((run) => run.input)).toEqual([{ orderId: "A", amount: 100, currency: "EUR" }]);
    expect(add.executed).toHaveLength(1);
    expectValidEventOrder(events, { resumedFrom: suspended.pendingApprovals });
    const outcome = (toolCallId: string) =>
      events.find(
        (event) =>
          (event.type === "tool-result" || event.type === "tool-error") && event.toolCallId === toolCallId,
      );
    expect(outcome("call_a")).toMatchObject({ type: "tool-result", output: { refunded: 100, orderId: "A" } });
    expect(outcome("call_b")).toMatchObject({ type: "tool-error", error: { code: "TOOL_DECLINED" } });
    expect(outcome("call_add")).toBeUndefined();

    // The model sees each of the three calls and its outcome exactly once.
    const prompt = model.calls[1]!.options.prompt;
    const calls = partsOf(prompt, "tool-call").map((part) => part.toolCallId);
    const results = partsOf(prompt, "tool-result");
    expect(calls.sort()).toEqual(["call_a", "call_add", "call_b"]);
    expect(results.map((part) => part.toolCallId).sort()).toEqual(["call_a", "call_add", "call_b"]);
    const output = (toolCallId: string) =>
      JSON.stringify(results.find((part) => part.toolCallId === toolCallId)!.output);
    expect(output("call_a")).toContain('"refunded":100');
    expect(output("call_b")).toContain("B is not eligible");
    expect(["error-text", "error-json", "execution-denied"]).toContain(
      (results.find((part) => part.toolCallId === "call_b")!.output as { type: string }).type,
    );
    expect(output("call_add")).toContain('"sum":3');
    // The suspended step, complete: one outcome per call, in call order.
    const step = result.steps.find((entry) => entry.index === 0)!;
    expect(step.toolResults.map((record) => [record.toolCallId, record.isError])).toEqual([
      ["call_a", false],
      ["call_b", true],
      ["call_add", false],
    ]);
    expectNoDanglingToolCalls(result.messages);
    model.assertAllTurnsUsed();
  });

  test("resumed prompt holds the approved call once", async () => {
    // Mastra #24382: the resumed run's context keeps the approved call, so the model does not ask again.
    const { tool, executed } = refundTool(true);
    const askAgainOrAnswer: ScriptedTurn = (call) => {
      const answered = partsOf(call.prompt, "tool-result").some((part) => part.toolName === "refund");
      return answered ? { text: "Refunded." } : { toolCalls: [refundCall("A1", 500)] };
    };
    const { agent, model } = await approvalAgent(
      [{ toolCalls: [refundCall("A1", 500, "call_refund")] }, askAgainOrAnswer, { text: "You're welcome." }],
      { tools: [tool] },
    );
    const input: ModelMessage[] = [{ role: "user", content: "Refund order A1" }];
    const suspended = await agent.execute(input);
    const resumed = await agent.resume(suspended.runId, [
      { approvalId: suspended.pendingApprovals[0]!.approvalId, approved: true },
    ]);
    expect(resumed.status).toBe("completed");
    expect(resumed.text).toBe("Refunded.");
    expect(executed).toHaveLength(1);
    const prompt = model.calls[1]!.options.prompt;
    expect(partsOf(prompt, "tool-call").map((part) => part.toolCallId)).toEqual(["call_refund"]);
    expect(partsOf(prompt, "tool-result").map((part) => part.toolCallId)).toEqual(["call_refund"]);
    expect(occurrences(JSON.stringify(prompt), "Refund order A1")).toBe(1);
    expect(occurrences(JSON.stringify(prompt), "You are a test agent.")).toBe(1);
    // The call comes before its result.
    const roles = prompt.map((message) => message.role);
    expect(roles).toEqual(["system", "user", "assistant", "tool"]);

    // The host's conversation (input + both runs' messages) holds the call and its result once.
    const conversation = [...input, ...suspended.messages, ...resumed.messages];
    expect(messagePartsOf(conversation, "tool-call").map((part) => part.toolCallId)).toEqual(["call_refund"]);
    expectNoDanglingToolCalls(conversation);
    const next = await agent.execute([...conversation, { role: "user", content: "Thanks" }]);
    expect(next.status).toBe("completed");
    const thirdPrompt = model.calls[2]!.options.prompt;
    expect(partsOf(thirdPrompt, "tool-call").map((part) => part.toolCallId)).toEqual(["call_refund"]);
    expect(partsOf(thirdPrompt, "tool-result").map((part) => part.toolCallId)).toEqual(["call_refund"]);
    expect(executed).toHaveLength(1);
    model.assertAllTurnsUsed();
  });

  test("resume twice", async () => {
    const { tool, executed } = refundTool(true);
    const { agent, model } = await approvalAgent(
      [{ toolCalls: [refundCall("A1", 500)] }, { text: "Refunded." }],
      { tools: [tool] },
    );
    const suspended = await agent.execute("Refund");
    const decisions = [{ approvalId: suspended.pendingApprovals[0]!.approvalId, approved: true }];
    expect((await agent.resume(suspended.runId, decisions)).status).toBe("completed");
    const again = agent.resume(suspended.runId, decisions);
    await expect(again).rejects.toMatchObject({
      code: "RUN_NOT_SUSPENDED",
      name: "RunNotSuspendedError",
      runId: suspended.runId,
      status: "resumed",
    });
    await expect(agent.resumeStream(suspended.runId, decisions)).rejects.toMatchObject({
      code: "RUN_NOT_SUSPENDED",
      status: "resumed",
    });
    await expect(agent.cancel(suspended.runId)).rejects.toMatchObject({
      code: "RUN_NOT_SUSPENDED",
      status: "resumed",
    });
    expect(executed).toHaveLength(1);
    expect(model.calls).toHaveLength(2);
  });

  test("concurrent resumes", async () => {
    const { tool, executed } = refundTool(true);
    const { agent, model } = await approvalAgent(
      [{ toolCalls: [refundCall("A1", 500)] }, { text: "Refunded." }],
      { tools: [tool] },
    );
    const suspended = await agent.execute("Refund");
    const decisions = [{ approvalId: suspended.pendingApprovals[0]!.approvalId, approved: true }];
    const other = agent.withRuntime(await context.options.createRuntime());
    const settled = await Promise.allSettled([
      agent.resume(suspended.runId, decisions),
      other.resume(suspended.runId, decisions),
    ]);
    const fulfilled = settled.filter((entry) => entry.status === "fulfilled");
    const rejected = settled.filter((entry) => entry.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((fulfilled[0] as PromiseFulfilledResult<RunResult>).value.status).toBe("completed");
    const error = (rejected[0] as PromiseRejectedResult).reason;
    expect(error).toMatchObject({ code: "RUN_NOT_SUSPENDED" });
    expect(["resuming", "resumed"]).toContain(error.status);
    expect(executed).toHaveLength(1);
    expect(model.calls).toHaveLength(2);
  });

  test("resume an unknown run", async () => {
    const { tool } = refundTool(true);
    const { agent, model } = await approvalAgent([], { tools: [tool] });
    const decisions = [{ approvalId: "approval-1", approved: true }];
    await expect(agent.resume("no-such-run", decisions)).rejects.toMatchObject({
      code: "NOT_FOUND",
      kind: "run",
      id: "no-such-run",
    });
    await expect(agent.resumeStream("no-such-run", decisions)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(agent.cancel("no-such-run")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(model.calls).toHaveLength(0);
  });

  test("resume another resource's run", async () => {
    const { tool, executed } = refundTool(true);
    const { agent } = await approvalAgent([{ toolCalls: [refundCall("A1", 500)] }, { text: "Refunded." }], {
      tools: [tool],
    });
    const suspended = await agent.execute("Refund", { resourceId: "tenant-a" });
    expect(suspended.status).toBe("suspended");
    const decisions = [{ approvalId: suspended.pendingApprovals[0]!.approvalId, approved: true }];
    const notFound = { code: "NOT_FOUND", kind: "run" };
    await expect(agent.resume(suspended.runId, decisions, { resourceId: "tenant-b" })).rejects.toMatchObject(
      notFound,
    );
    await expect(agent.resume(suspended.runId, decisions)).rejects.toMatchObject(notFound);
    await expect(agent.cancel(suspended.runId, { resourceId: "tenant-b" })).rejects.toMatchObject(notFound);
    // The error does not reveal the owner.
    await agent.resume(suspended.runId, decisions, { resourceId: "tenant-b" }).catch((error: Error) => {
      expect(error.message).not.toContain("tenant-a");
    });
    expect(executed).toEqual([]);
    // The owner still can.
    const resumed = await agent.resume(suspended.runId, decisions, { resourceId: "tenant-a" });
    expect(resumed.status).toBe("completed");
    expect(executed).toHaveLength(1);
  });

  test("invalid decisions", async () => {
    const { tool, executed } = refundTool(true);
    const { agent, model } = await approvalAgent(
      [{ toolCalls: [refundCall("A", 100, "call_a"), refundCall("B", 200, "call_b")] }, { text: "Done." }],
      { tools: [tool] },
    );
    const suspended = await agent.execute("Refund A and B");
    const [first, second] = suspended.pendingApprovals.map((pending) => pending.approvalId) as [
      string,
      string,
    ];
    const invalid = { code: "INVALID_INPUT", name: "InvalidInputError" };
    await expect(agent.resume(suspended.runId, [])).rejects.toMatchObject(invalid);
    await expect(
      agent.resume(suspended.runId, [{ approvalId: first, approved: true }]),
    ).rejects.toMatchObject(invalid);
    await expect(
      agent.resume(suspended.runId, [
        { approvalId: first, approved: true },
        { approvalId: second, approved: true },
        { approvalId: "approval-that-does-not-exist", approved: true },
      ]),
    ).rejects.toMatchObject(invalid);
    await expect(
      agent.resume(suspended.runId, [
        { approvalId: first, approved: "yes" as never },
        { approvalId: second, approved: true },
      ]),
    ).rejects.toMatchObject(invalid);
    // Nothing ran, the model was not called, and the run can still be resumed.
    expect(executed).toEqual([]);
    expect(model.calls).toHaveLength(1);
    const resumed = await agent.resume(suspended.runId, [
      { approvalId: second, approved: true },
      { approvalId: first, approved: true },
    ]);
    expect(resumed.status).toBe("completed");
    expect(executed.map((run) => run.input.orderId).sort()).toEqual(["A", "B"]);
  });

  test("cancel a suspended run", async () => {
    const { tool, executed } = refundTool(true);
    const { agent, model } = await approvalAgent(
      [{ toolCalls: [refundCall("A1", 500)] }, { text: "never" }],
      {
        tools: [tool],
      },
    );
    const suspended = await agent.execute("Refund");
    await expect(agent.cancel(suspended.runId)).resolves.toBeUndefined();
    const decisions = [{ approvalId: suspended.pendingApprovals[0]!.approvalId, approved: true }];
    await expect(agent.resume(suspended.runId, decisions)).rejects.toMatchObject({
      code: "RUN_NOT_SUSPENDED",
      status: "cancelled",
    });
    await expect(agent.cancel(suspended.runId)).rejects.toMatchObject({
      code: "RUN_NOT_SUSPENDED",
      status: "cancelled",
    });
    expect(executed).toEqual([]);
    expect(model.calls).toHaveLength(1);
  });

  test("abort during a tool call", async () => {
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    let started = 0;
    const slow = defineTool({
      name: "slow",
      inputSchema: z.object({ honoursSignal: z.boolean() }),
      execute: ({ honoursSignal }, toolContext) => {
        signals.push(toolContext.signal);
        if (++started === 2) controller.abort();
        // One call stops on the signal, the other never returns.
        return new Promise((_resolve, reject) => {
          if (honoursSignal) toolContext.signal.addEventListener("abort", () => reject(new Error("stopped")));
        });
      },
    });
    const { agent, model } = await agentWith(
      [
        { toolCalls: [{ toolName: "add", input: { a: 1, b: 2 }, toolCallId: "call_add" }] },
        {
          toolCalls: [
            { toolName: "slow", input: { honoursSignal: true }, toolCallId: "call_slow_1" },
            { toolName: "slow", input: { honoursSignal: false }, toolCallId: "call_slow_2" },
          ],
        },
        { text: "never" },
      ],
      { tools: [context.addTool, slow] },
    );
    const { result, events } = await runIn("stream", agent, "Go", { signal: controller.signal });
    expect(result.status).toBe("aborted");
    expect(result.error?.code).toBe("ABORTED");
    expect(model.calls).toHaveLength(2);
    expect(signals).toHaveLength(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    // Each pending call gets an ABORTED outcome.
    for (const toolCallId of ["call_slow_1", "call_slow_2"]) {
      expect(
        events.find((event) => event.type === "tool-error" && event.toolCallId === toolCallId),
      ).toMatchObject({
        error: { code: "ABORTED" },
      });
    }
    expectValidEventOrder(events);
    // What finished is kept: step 0 is in `messages`, the interrupted step is not.
    expect(result.messages.map((message) => message.role)).toEqual(["assistant", "tool"]);
    expect(messagePartsOf(result.messages, "tool-call").map((part) => part.toolCallId)).toEqual(["call_add"]);
    expectNoDanglingToolCalls(result.messages);
    expect(result.steps[1]?.finishReason).toBe("interrupted");
  });

  test("abort a resumed run", async () => {
    const controller = new AbortController();
    let ran = 0;
    const hanging = defineTool({
      name: "refund",
      inputSchema: REFUND_INPUT,
      needsApproval: true,
      execute: () => {
        ran++;
        controller.abort();
        return new Promise(() => {});
      },
    });
    const { agent } = await approvalAgent(
      [{ toolCalls: [refundCall("A1", 500, "call_refund")] }, { text: "never" }],
      {
        tools: [hanging],
      },
    );
    const suspended = await agent.execute("Refund");
    const { result, events } = await resumeIn(
      "stream",
      agent,
      suspended.runId,
      [{ approvalId: suspended.pendingApprovals[0]!.approvalId, approved: true }],
      { signal: controller.signal },
    );
    expect(result.status).toBe("aborted");
    expect(result.error?.code).toBe("ABORTED");
    expect(ran).toBe(1);
    expect(events.find((event) => event.type === "tool-error")).toMatchObject({
      toolCallId: "call_refund",
      error: { code: "ABORTED" },
    });
    expectValidEventOrder(events, { resumedFrom: suspended.pendingApprovals });
    expectNoDanglingToolCalls(result.messages);
  });

  test("tool input streams as events", async () => {
    const { agent } = await agentWith(
      [
        {
          toolCalls: [{ toolName: "add", input: { a: 20, b: 22 }, toolCallId: "call_add" }],
          toolInputDeltas: 3,
        },
        { text: "42" },
      ],
      { tools: [context.addTool] },
    );
    const { result, events } = await runIn("stream", agent, "20 + 22?");
    expect(result.status).toBe("completed");
    expectValidEventOrder(events);
    const start = events.findIndex((event) => event.type === "tool-input-start");
    const call = events.findIndex((event) => event.type === "tool-call");
    expect(events[start]).toMatchObject({
      type: "tool-input-start",
      step: 0,
      toolCallId: "call_add",
      toolName: "add",
    });
    const deltas = events.filter(
      (event): event is Extract<AgentEvent, { type: "tool-input-delta" }> =>
        event.type === "tool-input-delta",
    );
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(deltas.every((event) => event.toolCallId === "call_add" && event.step === 0)).toBe(true);
    expect(JSON.parse(deltas.map((event) => event.delta).join(""))).toEqual({ a: 20, b: 22 });
    expect(start).toBeLessThan(call);
  });

  test("token budget", async () => {
    // Every scripted call uses 10 input + 5 output tokens.
    const add = countingAddTool();
    const turns: ScriptedTurn[] = [
      { toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }] },
      { toolCalls: [{ toolName: "add", input: { a: 3, b: 4 } }] },
      { text: "never" },
    ];
    const { agent, model } = await agentWith(turns, { tools: [add.tool], budget: { maxTokens: 20 } });
    const { result, events } = await runIn("stream", agent, "Add");
    expect(result.status).toBe("budget_exceeded");
    expect(result.error).toMatchObject({
      code: "BUDGET_EXCEEDED",
      name: "BudgetExceededError",
      limit: "maxTokens",
      budget: 20,
      used: 30,
    });
    expect(model.calls).toHaveLength(2);
    expect(result.usage.totalTokens).toBe(30);
    expectValidEventOrder(events);
    expectNoDanglingToolCalls(result.messages);

    // Per run: a smaller budget stops after the first call; a large one lets the run complete.
    const perRun = await agentWith(turns, { tools: [countingAddTool().tool] });
    const stopped = await perRun.agent.execute("Add", { overrides: { budget: { maxTokens: 10 } } });
    expect(stopped.status).toBe("budget_exceeded");
    expect(stopped.error).toMatchObject({
      code: "BUDGET_EXCEEDED",
      limit: "maxTokens",
      budget: 10,
      used: 15,
    });
    expect(perRun.model.calls).toHaveLength(1);
    expectNoDanglingToolCalls(stopped.messages);
    const roomy = await agentWith(turns, { tools: [countingAddTool().tool], budget: { maxTokens: 1000 } });
    expect((await roomy.agent.execute("Add")).status).toBe("completed");
  });

  /** An agent on a model `acme.chat/acme-large` (unless named otherwise) that reports {@link CACHED_USAGE}. */
  const pricedAgent = async (
    extra: Parameters<typeof agentWith>[1],
    model: { provider?: string; modelId?: string } = {},
  ) => {
    const scripted = createScriptedModel({
      provider: model.provider ?? "acme.chat",
      modelId: model.modelId ?? "acme-large",
      turns: [
        { toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }] },
        { toolCalls: [{ toolName: "add", input: { a: 3, b: 4 } }] },
        { text: "7" },
      ],
    });
    const agent = createAgent({
      runtime: await context.options.createRuntime(),
      name: "priced-agent",
      model: withUsage(scripted, CACHED_USAGE),
      tools: [context.addTool],
      ...extra,
    });
    return { agent, scripted };
  };

  test("cost from a custom price table", async () => {
    // Per step: 600 uncached input × $2 + 400 cached × $0.5 + 150 output × $8 + 50 reasoning × $10,
    // per million tokens = $0.0031.
    const { agent } = await pricedAgent({
      pricing: { "acme/acme-large": { input: 2, output: 8, cachedInput: 0.5, reasoning: 10 } },
    });
    const result = await agent.execute("Add");
    expect(result.status).toBe("completed");
    expect(result.steps).toHaveLength(3);
    for (const step of result.steps) expect(step.costUsd).toBeCloseTo(0.0031, 12);
    expect(result.costUsd).toBeCloseTo(0.0093, 12);
    expect(result.usage).toEqual({
      inputTokens: 3000,
      outputTokens: 600,
      totalTokens: 3600,
      cachedInputTokens: 1200,
      reasoningTokens: 150,
    });
    expect(result.steps[0]!.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 200,
      totalTokens: 1200,
      cachedInputTokens: 400,
      reasoningTokens: 50,
    });

    // A bare model id works too; cached input at the input price, reasoning at the output price:
    // (1000 × $1 + 200 × $3) per million = $0.0016 per step.
    const bare = await pricedAgent({ pricing: { "acme-large": { input: 1, output: 3 } } });
    const { result: bareResult, events } = await runIn("stream", bare.agent, "Add");
    expect(bareResult.status).toBe("completed");
    expect(bareResult.costUsd).toBeCloseTo(0.0048, 12);
    const runEnd = events.at(-1);
    expect(runEnd?.type === "run-end" && runEnd.result.costUsd).toBeCloseTo(0.0048, 12);

    // A model without a price has no cost.
    const unpriced = await pricedAgent({}, { provider: "nobody", modelId: "unpriced-model-x" });
    const unpricedResult = await unpriced.agent.execute("Add");
    expect(unpricedResult.status).toBe("completed");
    expect(unpricedResult.costUsd).toBeUndefined();
    expect(unpricedResult.steps.map((step) => step.costUsd)).toEqual([undefined, undefined, undefined]);
  });

  test("cost budget", async () => {
    // $0.0031 per call: over $0.005 after the second call.
    const { agent, scripted } = await pricedAgent({
      pricing: { "acme/acme-large": { input: 2, output: 8, cachedInput: 0.5, reasoning: 10 } },
      budget: { maxCostUsd: 0.005 },
    });
    const result = await agent.execute("Add");
    expect(result.status).toBe("budget_exceeded");
    expect(result.error).toMatchObject({ code: "BUDGET_EXCEEDED", limit: "maxCostUsd", budget: 0.005 });
    expect((result.error as unknown as { used: number }).used).toBeCloseTo(0.0062, 12);
    expect(result.costUsd).toBeCloseTo(0.0062, 12);
    expect(scripted.calls).toHaveLength(2);
    expectNoDanglingToolCalls(result.messages);
  });

  const weather = z.object({ city: z.string(), celsius: z.number() });

  test("structured output", async () => {
    for (const mode of MODES) {
      const { agent, model } = await agentWith([{ text: ['{"city":', '"Paris",', '"celsius":', "21}"] }], {
        outputSchema: weather,
      });
      const { result, events } = await runIn(mode, agent, "Weather in Paris as JSON");
      expect(result.status, mode).toBe("completed");
      expect(result.output).toEqual({ city: "Paris", celsius: 21 });
      expect(result.text).toBe('{"city":"Paris","celsius":21}');
      expectValidEventOrder(events);
      // The model was asked for JSON matching the schema.
      expect(model.calls[0]!.options.responseFormat).toMatchObject({
        type: "json",
        schema: {
          type: "object",
          properties: { city: { type: "string" }, celsius: { type: "number" } },
          required: ["city", "celsius"],
        },
      });
      if (mode === "stream") {
        const partials = events
          .filter((event) => event.type === "object-delta")
          .map((event) => JSON.stringify((event as { partial: unknown }).partial));
        expect(partials).toContain('{"city":"Paris"}');
        expect(partials.at(-1)).toBe('{"city":"Paris","celsius":21}');
        // Emitted when it changes, growing.
        for (let index = 1; index < partials.length; index++) {
          expect(partials[index]).not.toBe(partials[index - 1]);
          expect(Object.keys(JSON.parse(partials[index]!)).length).toBeGreaterThanOrEqual(
            Object.keys(JSON.parse(partials[index - 1]!)).length,
          );
        }
      }
    }
  });

  test("structured output from JSON Schema, per run", async () => {
    const total: AgentOutputSchema<{ total: number }> = {
      name: "total",
      description: "The sum",
      jsonSchema: {
        type: "object",
        properties: { total: { type: "number" } },
        required: ["total"],
        additionalProperties: false,
      },
      parse: (value) =>
        typeof value === "object" &&
        value !== null &&
        typeof (value as { total?: unknown }).total === "number"
          ? { success: true, value: value as { total: number } }
          : { success: false, issues: [{ field: "total", expected: "a number" }] },
    };
    const { agent, model } = await agentWith(
      [{ toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }] }, { text: ['{"total"', ": 3}"] }],
      { tools: [context.addTool] },
    );
    const { result, events } = await runIn("stream", agent, "1 + 2 as JSON", {
      overrides: { outputSchema: total },
    });
    expect(result.status).toBe("completed");
    expect(result.output).toEqual({ total: 3 });
    expectValidEventOrder(events);
    expect(model.calls.at(-1)!.options.responseFormat).toEqual({
      type: "json",
      schema: total.jsonSchema,
      name: "total",
      description: "The sum",
    });
    // Partial objects only come from the answer step, not the tool step.
    const objectSteps = events
      .filter((event) => event.type === "object-delta")
      .map((event) => (event as { step: number }).step);
    expect(objectSteps.length).toBeGreaterThan(0);
    expect(new Set(objectSteps)).toEqual(new Set([1]));
  });

  test("invalid structured output", async () => {
    for (const [label, text, field] of [
      ["not JSON", "It is 21 degrees in Paris.", undefined],
      ["JSON that fails the schema", '{"city":"Paris","celsius":"warm"}', "celsius"],
    ] as const) {
      const { agent } = await agentWith([{ text }], { outputSchema: weather });
      const { result, events } = await runIn("stream", agent, "Weather as JSON");
      expect(result.status, label).toBe("failed");
      expect(result.output).toBeUndefined();
      expect(result.error).toMatchObject({ code: "INVALID_OUTPUT", name: "InvalidOutputError", text });
      const issues = (result.error as unknown as { issues: Array<{ field: string }> }).issues;
      expect(issues.length).toBeGreaterThan(0);
      if (field) expect(issues.map((issue) => issue.field).join(" ")).toContain(field);
      expect(events.find((event) => event.type === "error")).toMatchObject({
        error: { code: "INVALID_OUTPUT" },
      });
      expectValidEventOrder(events);
    }
  });
}
