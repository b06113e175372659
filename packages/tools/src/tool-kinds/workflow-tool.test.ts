import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { describe, expect, it, vi } from "vitest";
import { MissingToolResolverError } from "../errors/missing-tool-resolver-error.js";
import { callTool, sleep } from "./__fixtures__/call-tool.js";
import type { WorkflowExecutor } from "./workflow-executor.js";
import { workflowTool } from "./workflow-tool.js";

const ticketSchema = {
  type: "object",
  properties: { subject: { type: "string" }, priority: { enum: ["low", "high"] } },
  required: ["subject"],
};

describe("workflowTool", () => {
  it("runs the configured workflow with validated input", async () => {
    const workflows = vi.fn<WorkflowExecutor>(async (workflowId, input) => ({
      workflowId,
      ticket: `T-1 ${input.subject}`,
    }));
    const tool = workflowTool(
      {
        name: "open_ticket",
        description: "Opens a ticket",
        workflowId: "wf_tickets",
        inputSchema: ticketSchema,
      },
      { workflows },
    );
    expect(tool.kind).toBe("workflow");
    const result = await callTool(tool, { subject: "Broken login", priority: "high" });
    expect(result).toMatchObject({
      isError: false,
      output: { workflowId: "wf_tickets", ticket: "T-1 Broken login" },
    });
    expect(workflows).toHaveBeenCalledWith(
      "wf_tickets",
      { subject: "Broken login", priority: "high" },
      expect.objectContaining({ toolCallId: "call_1", signal: expect.any(AbortSignal) }),
    );
  });

  it("rejects invalid input before running the workflow", async () => {
    const workflows = vi.fn<WorkflowExecutor>();
    const tool = workflowTool(
      { name: "open_ticket", workflowId: "wf", inputSchema: ticketSchema },
      { workflows },
    );
    const result = await callTool(tool, { subject: "x", priority: "urgent" });
    expect(result.error?.code).toBe("INVALID_TOOL_ARGUMENTS");
    expect(result.error?.message).toContain('`priority` must be one of "low", "high"');
    expect(workflows).not.toHaveBeenCalled();
  });

  it("validates the workflow's result against the output schema", async () => {
    const tool = workflowTool(
      {
        name: "open_ticket",
        workflowId: "wf",
        inputSchema: ticketSchema,
        outputSchema: {
          type: "object",
          properties: { ticketId: { type: "string" } },
          required: ["ticketId"],
        },
      },
      { workflows: async () => ({ ticketId: 17 }) },
    );
    const result = await callTool(tool, { subject: "x" });
    expect(result.error?.code).toBe("INVALID_TOOL_OUTPUT");
    expect(result.error?.message).toContain("`ticketId` must be of type string");
  });

  it("times out a workflow that runs too long and aborts its signal", async () => {
    let signal: AbortSignal | undefined;
    const tool = workflowTool(
      { name: "long_job", workflowId: "wf_long", inputSchema: { type: "object" }, timeoutMs: 15 },
      {
        workflows: async (_id, _input, context) => {
          signal = context.signal;
          await sleep(1_000, context.signal);
        },
      },
    );
    const result = await callTool(tool, {});
    expect(result.error?.code).toBe("TOOL_TIMEOUT");
    expect(signal?.aborted).toBe(true);
  });

  it("reports a failed workflow as a tool error", async () => {
    const tool = workflowTool(
      { name: "open_ticket", workflowId: "wf", inputSchema: { type: "object" } },
      {
        workflows: async () => {
          throw new Error('workflow "wf" is disabled');
        },
      },
    );
    const result = await callTool(tool, {});
    expect(result.error?.code).toBe("TOOL_EXECUTION_FAILED");
    expect(result.error?.message).toBe('Tool "open_ticket" failed: workflow "wf" is disabled');
  });

  it("fails at build time without a workflow executor", () => {
    expect(() =>
      workflowTool({ name: "open_ticket", workflowId: "wf", inputSchema: { type: "object" } }, {}),
    ).toThrow(MissingToolResolverError);
    try {
      workflowTool({ name: "open_ticket", workflowId: "wf", inputSchema: { type: "object" } }, {});
    } catch (error) {
      expect(MissingToolResolverError.isInstance(error)).toBe(true);
      expect((error as MissingToolResolverError).option).toBe("workflows");
      expect((error as MissingToolResolverError).field).toBe("tools.open_ticket.workflowId");
    }
  });

  it("fails at build time for an empty workflow id", () => {
    let error: unknown;
    try {
      workflowTool(
        { name: "open_ticket", workflowId: "", inputSchema: { type: "object" } },
        { workflows: async () => null },
      );
    } catch (caught) {
      error = caught;
    }
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    expect((error as InvalidDefinitionError).field).toBe("tools.open_ticket.workflowId");
  });
});
