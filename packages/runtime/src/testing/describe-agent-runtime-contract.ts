import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createAgent } from "../create-agent.js";
import { defineTool } from "../tools/define-tool.js";
import { describeAgentToolCases } from "./contract/agent-tool-cases.js";
import { describeApprovalCases } from "./contract/approval-cases.js";
import type {
  AgentRuntimeContractCase,
  AgentRuntimeContractOptions,
  ContractContext,
} from "./contract/contract-context.js";
import { describeCoreCases } from "./contract/core-cases.js";
import { describeReliabilityCases } from "./contract/reliability-cases.js";
import { describeTracingCases } from "./contract/tracing-cases.js";
import { createScriptedModel } from "./scripted-model.js";

export type {
  AgentRuntimeContractCase,
  AgentRuntimeContractOptions,
  ToolFactory,
} from "./contract/contract-context.js";
export { expectValidEventOrder } from "./contract/expect-valid-event-order.js";

/** How long one case may take: generous, for a busy 2-core machine; cases take milliseconds. */
const CASE_TIMEOUT_MS = 30_000;
const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

/**
 * The runtime conformance suite. Call it from one test file per runtime; every runtime must pass
 * it unchanged. Besides each case's own assertions, no case may write to the console (runtimes
 * log only through a logger the host passes) or leave an unhandled rejection (vitest fails on one).
 * Needs `vitest`.
 *
 * @example
 * ```ts
 * describeAgentRuntimeContract("legacy", { createRuntime: () => createLegacyRuntime() });
 * ```
 */
export function describeAgentRuntimeContract(name: string, options: AgentRuntimeContractOptions): void {
  const test = (caseName: AgentRuntimeContractCase, body: () => Promise<void>) => {
    const reason = options.skip?.[caseName];
    if (reason) it.skip(`${caseName} — known gap: ${reason}`, body);
    else it(caseName, body, CASE_TIMEOUT_MS);
  };

  const context: ContractContext = {
    options,
    test,
    agentWith: async (turns, extra = {}) => {
      const model = createScriptedModel({ turns });
      const agent = createAgent({
        runtime: await options.createRuntime(),
        name: "contract-agent",
        instructions: "You are a test agent.",
        model,
        ...extra,
      });
      return { agent, model };
    },
    addTool: defineTool({
      name: "add",
      description: "Adds two numbers",
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }) => ({ sum: a + b }),
    }),
  };

  describe(`AgentRuntime contract: ${name}`, () => {
    const spies: Array<ReturnType<typeof vi.spyOn>> = [];
    beforeEach(() => {
      for (const method of CONSOLE_METHODS)
        spies.push(vi.spyOn(console, method).mockImplementation(() => {}));
    });
    afterEach(() => {
      const written = spies.flatMap((spy) =>
        spy.mock.calls.map((args: unknown[]) => args.map(String).join(" ").slice(0, 300)),
      );
      for (const spy of spies.splice(0)) spy.mockRestore();
      expect(written, "the runtime wrote to the console").toEqual([]);
    });
    describeCoreCases(context);
    describeReliabilityCases(context);
    describeApprovalCases(context);
    describeTracingCases(context);
    describeAgentToolCases(context);
  });
}
