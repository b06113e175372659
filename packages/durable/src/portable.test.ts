import { AgentSdkError, ToolExecutionError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { fromPortable, fromPortableError, toPortable, toPortableError } from "./portable.js";

describe("portable values (what workflow steps record)", () => {
  it("round-trips bytes, URLs and dates, and keeps errors as code, category and message", () => {
    const value = {
      bytes: new Uint8Array([1, 2, 3]),
      url: new URL("https://example.com/a"),
      at: new Date(0),
      error: new ToolExecutionError({ toolName: "t", toolCallId: "c", cause: new Error("boom") }),
      skipped: undefined,
    };
    const portable = toPortable(value);
    expect(JSON.parse(JSON.stringify(portable))).toEqual(portable);
    expect(fromPortable(portable)).toEqual({
      bytes: new Uint8Array([1, 2, 3]),
      url: new URL("https://example.com/a"),
      at: new Date(0),
      error: {
        name: "ToolExecutionError",
        code: "TOOL_EXECUTION_FAILED",
        category: "tool",
        message: 'Tool "t" failed: boom',
      },
    });
  });

  it("revives a typed error that isInstance recognises by code", () => {
    const revived = fromPortableError(
      toPortableError(new ToolExecutionError({ toolName: "t", toolCallId: "c", cause: "x" })),
    );
    expect(AgentSdkError.isInstance(revived)).toBe(true);
    expect(ToolExecutionError.isInstance(revived)).toBe(true);
    expect(toPortableError(new Error("plain"))).toEqual({
      name: "AgentSdkError",
      code: "INTERNAL",
      category: "runtime",
      message: "plain",
    });
  });

  it("removes secrets from errors that are not the SDK's before they are stored", () => {
    const key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    const portable = toPortableError(new Error(`upstream said: invalid key ${key}`));
    expect(portable.code).toBe("INTERNAL");
    expect(JSON.stringify(portable)).not.toContain(key);
    expect(portable.message).toContain("upstream said: invalid key");
  });
});
