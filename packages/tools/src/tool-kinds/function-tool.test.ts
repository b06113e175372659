import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { describe, expect, it, vi } from "vitest";
import { MissingToolResolverError } from "../errors/missing-tool-resolver-error.js";
import { UnknownFunctionError } from "../errors/unknown-function-error.js";
import { callTool, sleep } from "./__fixtures__/call-tool.js";
import { createFunctionRegistry } from "./function-registry.js";
import { functionTool } from "./function-tool.js";

const orderSchema = {
  type: "object",
  properties: { orderId: { type: "string", pattern: "^ord_[0-9]+$" } },
  required: ["orderId"],
};

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("functionTool", () => {
  it("runs the registered host function with validated input and the call context", async () => {
    const lookupOrder = vi.fn(async (input: { orderId: string }) => ({
      id: input.orderId,
      status: "shipped",
    }));
    const functions = createFunctionRegistry({ lookupOrder });
    const tool = functionTool(
      {
        name: "lookup_order",
        description: "Find an order",
        functionName: "lookupOrder",
        inputSchema: orderSchema,
      },
      { functions },
    );
    expect(tool.kind).toBe("function");
    expect(tool.jsonSchema).toEqual(orderSchema);
    const result = await callTool(tool, { orderId: "ord_42" }, { toolCallId: "call_7" });
    expect(result).toMatchObject({ isError: false, output: { id: "ord_42", status: "shipped" } });
    expect(lookupOrder).toHaveBeenCalledWith(
      { orderId: "ord_42" },
      expect.objectContaining({ toolCallId: "call_7", runId: "run_1", agentId: "agent_1" }),
    );
  });

  it("binds the function at build time", async () => {
    const functions = createFunctionRegistry({ first: () => "first" });
    const tool = functionTool(
      { name: "pick", functionName: "first", inputSchema: { type: "object" } },
      { functions },
    );
    functions.register("second", () => "second");
    expect(await callTool(tool, {})).toMatchObject({ output: "first" });
  });

  it("rejects invalid input before calling the function", async () => {
    const lookupOrder = vi.fn();
    const tool = functionTool(
      { name: "lookup_order", functionName: "lookupOrder", inputSchema: orderSchema },
      { functions: createFunctionRegistry({ lookupOrder }) },
    );
    expect(tool.parseInput({ orderId: "42" })).toMatchObject({
      success: false,
      issues: [{ field: "orderId" }],
    });
    const result = await callTool(tool, {});
    expect(result.error?.code).toBe("INVALID_TOOL_ARGUMENTS");
    expect(result.error?.message).toContain("`orderId` must be");
    expect(lookupOrder).not.toHaveBeenCalled();
  });

  it("validates the result when the config gives an output schema", async () => {
    const tool = functionTool(
      {
        name: "lookup_order",
        functionName: "lookupOrder",
        inputSchema: orderSchema,
        outputSchema: { type: "object", required: ["status"] },
      },
      { functions: createFunctionRegistry({ lookupOrder: () => ({ id: "ord_1" }) }) },
    );
    const result = await callTool(tool, { orderId: "ord_1" });
    expect(result.error?.code).toBe("INVALID_TOOL_OUTPUT");
    expect(result.error?.message).toContain("`status` must be present");
  });

  it("times out after the configured timeoutMs", async () => {
    const tool = functionTool(
      { name: "slow", functionName: "slow", inputSchema: { type: "object" }, timeoutMs: 15 },
      { functions: createFunctionRegistry({ slow: (_input, context) => sleep(1_000, context.signal) }) },
    );
    const result = await callTool(tool, {});
    expect(result.error?.code).toBe("TOOL_TIMEOUT");
    expect(result.error?.message).toBe('Tool "slow" timed out after 15 ms.');
  });

  it("reports what the function throws as a tool error", async () => {
    const tool = functionTool(
      { name: "refund", functionName: "refund", inputSchema: { type: "object" } },
      {
        functions: createFunctionRegistry({
          refund: () => {
            throw new Error("refund window closed");
          },
        }),
      },
    );
    const result = await callTool(tool, {});
    expect(result.error?.code).toBe("TOOL_EXECUTION_FAILED");
    expect(result.error?.message).toBe('Tool "refund" failed: refund window closed');
  });

  it("fails at build time for an unknown function name, listing the registered names", () => {
    const functions = createFunctionRegistry({ lookupOrder: () => null, refund: () => null });
    const error = catchError(() =>
      functionTool(
        { name: "cancel_order", functionName: "cancelOrder", inputSchema: { type: "object" } },
        { functions },
      ),
    );
    expect(UnknownFunctionError.isInstance(error)).toBe(true);
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    const unknown = error as UnknownFunctionError;
    expect(unknown.toolName).toBe("cancel_order");
    expect(unknown.functionName).toBe("cancelOrder");
    expect(unknown.registeredNames).toEqual(["lookupOrder", "refund"]);
    expect(unknown.field).toBe("tools.cancel_order.functionName");
    expect(unknown.message).toContain(
      'Tool "cancel_order" uses the host function "cancelOrder", which is not registered',
    );
    expect(unknown.message).toContain('Registered functions: "lookupOrder", "refund".');
  });

  it("fails at build time when no registry is passed", () => {
    const error = catchError(() =>
      functionTool(
        { name: "lookup_order", functionName: "lookupOrder", inputSchema: { type: "object" } },
        {},
      ),
    );
    expect(MissingToolResolverError.isInstance(error)).toBe(true);
    expect(UnknownFunctionError.isInstance(error)).toBe(false);
    expect((error as MissingToolResolverError).option).toBe("functions");
    expect((error as Error).message).toContain('Tool "lookup_order" is a function tool');
    expect((error as Error).message).toContain(
      "Pass a FunctionRegistry from createFunctionRegistry() as `functions`",
    );
  });
});
