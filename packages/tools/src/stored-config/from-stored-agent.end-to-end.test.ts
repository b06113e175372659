import { createAgent, createProviderRegistry } from "@flowmaestro/runtime";
import { createInMemoryRunStore, createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { describe, expect, it } from "vitest";
import { supportAgentContext, supportAgentRow } from "./__fixtures__/support-agent-row.js";
import { fromStoredAgent } from "./from-stored-agent.js";

/** Tool results the model was sent, by tool call id. */
function toolResultsIn(prompt: readonly unknown[]): Record<string, { type: string; value: unknown }> {
  const results: Record<string, { type: string; value: unknown }> = {};
  for (const message of prompt as { role: string; content: unknown }[]) {
    if (message.role !== "tool" || !Array.isArray(message.content)) continue;
    for (const part of message.content as {
      type: string;
      toolCallId: string;
      output: { type: string; value: unknown };
    }[]) {
      if (part.type === "tool-result") results[part.toolCallId] = part.output;
    }
  }
  return results;
}

describe("a stored agent on the legacy runtime", () => {
  it("runs each tool kind once, asks approval where the row says so, and sends invalid arguments back to the model as a tool error", async () => {
    const model = createScriptedModel({
      provider: "openai",
      modelId: "gpt-4o",
      turns: [
        {
          toolCalls: [
            { toolName: "lookup_order", input: { orderId: "ord_1" } },
            { toolName: "open_ticket", input: { subject: "Login broken" } },
            { toolName: "search_policies", input: { query: "refund window" } },
            { toolName: "create_issue", input: { title: "Login bug" } },
          ],
        },
        { toolCalls: [{ toolName: "lookup_order", input: { orderId: "42" }, toolCallId: "call_bad" }] },
        { text: "Your order shipped; ticket T-100 and issue #7 are open." },
      ],
    });
    const providers = createProviderRegistry();
    const requestedModels: string[] = [];
    providers.register("openai", (modelId) => {
      requestedModels.push(modelId);
      return model;
    });

    const { context, spies } = supportAgentContext();
    const { definition, memory } = fromStoredAgent(supportAgentRow(), context);
    const agent = createAgent({
      ...definition,
      providers,
      runtime: createLegacyRuntime(),
      runStore: createInMemoryRunStore(),
    });
    const suspended = await agent.execute("Where is my order ord_1? Also my login is broken.");

    // The row marks create_issue as needing approval: the other calls ran, it waits.
    expect(suspended.status).toBe("suspended");
    expect(suspended.pendingApprovals).toEqual([
      expect.objectContaining({ toolName: "create_issue", input: { title: "Login bug" } }),
    ]);
    expect(spies.callTool).not.toHaveBeenCalled();
    const approvalId = suspended.pendingApprovals[0]?.approvalId ?? "";
    const result = await agent.resume(suspended.runId, [{ approvalId, approved: true }]);

    expect(result.status).toBe("completed");
    expect(result.text).toBe("Your order shipped; ticket T-100 and issue #7 are open.");
    expect(requestedModels).toEqual(["gpt-4o"]);
    expect(memory).toEqual({ type: "buffer", maxMessages: 20 });
    model.assertAllTurnsUsed();

    // What the model was sent: the stored settings, and every tool with its original schema.
    const first = model.calls[0]?.options;
    expect(first?.temperature).toBe(0.7);
    expect(first?.maxOutputTokens).toBe(1024);
    expect(first?.prompt[0]).toEqual({ role: "system", content: "You are a helpful support agent." });
    expect(first?.tools?.map((tool) => tool.name)).toEqual([
      "lookup_order",
      "open_ticket",
      "search_policies",
      "create_issue",
    ]);
    const storedSchema = (supportAgentRow().available_tools as unknown as { schema: unknown }[])[0]?.schema;
    expect(first?.tools?.[0]).toMatchObject({
      type: "function",
      description: "Finds an order by id",
      inputSchema: storedSchema,
    });

    // Step 1: each kind ran once with validated input.
    const [step1, step2] = result.steps;
    expect(step1?.toolResults.map((record) => [record.toolName, record.isError, record.output])).toEqual([
      ["lookup_order", false, { orderId: "ord_1", status: "shipped" }],
      [
        "open_ticket",
        false,
        { ticketId: "T-100", workflowId: "wf_tickets", input: { subject: "Login broken" } },
      ],
      ["search_policies", false, [{ id: "policy#refunds", score: 0.93, text: "Refunds within 30 days." }]],
      ["create_issue", false, { content: [{ type: "text", text: 'Created issue "Login bug" as #7' }] }],
    ]);
    expect(spies.search).toHaveBeenCalledWith(
      { knowledgeBaseId: "kb_policies", query: "refund window", topK: 3 },
      expect.objectContaining({ runId: result.runId }),
    );
    expect(spies.callTool).toHaveBeenCalledWith(
      { name: "issues.create", arguments: { title: "Login bug" } },
      { signal: expect.any(AbortSignal) },
    );
    const sent = toolResultsIn(model.calls[2]?.options.prompt ?? []);
    expect(sent.call_0_0).toEqual({ type: "json", value: { orderId: "ord_1", status: "shipped" } });
    expect(sent.call_0_3).toEqual({ type: "text", value: 'Created issue "Login bug" as #7' });

    // Step 2: the invalid argument never reached the host function; the model got a tool error.
    const bad = step2?.toolResults[0];
    expect(bad?.isError).toBe(true);
    expect(bad?.error?.code).toBe("INVALID_TOOL_ARGUMENTS");
    expect(bad?.error?.message).toBe(
      'Invalid arguments for tool "lookup_order": `orderId` must be text matching pattern ^ord_[0-9]+$.',
    );
    expect(spies.lookupOrder).toHaveBeenCalledTimes(1);
    expect(sent.call_bad).toEqual({ type: "error-text", value: bad?.error?.message });
  });
});
