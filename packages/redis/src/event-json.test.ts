import type { AgentEvent } from "@flowmaestro/runtime";
import { AgentSdkError, ToolExecutionError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { decodeEvent, encodeEvent } from "./event-json.js";

const runId = "run_1";

describe("event JSON", () => {
  it("tags bytes, URLs, dates and bigints, and brings them back", () => {
    const event: AgentEvent = {
      type: "tool-result",
      runId,
      step: 0,
      toolCallId: "call_1",
      toolName: "fetch",
      output: {
        bytes: new Uint8Array([0, 1, 255]),
        url: new URL("https://example.com/a?b=1"),
        at: new Date("2026-12-02T10:00:00.000Z"),
        big: 12345678901234567890n,
        list: [1, undefined, "x"],
        skipped: undefined,
      },
    };
    const decoded = decodeEvent(encodeEvent(event));
    expect(decoded).toEqual({
      ...event,
      output: { ...(event.output as object), list: [1, null, "x"], skipped: undefined },
    });
    const output = (decoded as typeof event).output as Record<string, unknown>;
    expect(output.bytes).toBeInstanceOf(Uint8Array);
    expect(output.url).toBeInstanceOf(URL);
    expect(output.at).toBeInstanceOf(Date);
    expect("skipped" in output).toBe(false);
  });

  it("sends SDK errors as their toJSON (no cause) and revives them with their code", () => {
    const error = new ToolExecutionError({
      toolName: "fetch",
      toolCallId: "call_1",
      cause: new Error("token sk-abcdefghijklmnopqrstuvwxyz123456 refused"),
    });
    const event: AgentEvent = {
      type: "tool-error",
      runId,
      step: 0,
      toolCallId: "call_1",
      toolName: "fetch",
      error,
    };
    const text = encodeEvent(event);
    expect(text).not.toContain("sk-abcdefghijklmnopqrstuvwxyz123456");
    expect(JSON.parse(text).error).toEqual({ "$fm.error": error.toJSON() });
    const decoded = decodeEvent(text);
    if (decoded.type !== "tool-error") throw new Error("not a tool-error");
    expect(AgentSdkError.isInstance(decoded.error)).toBe(true);
    expect(ToolExecutionError.isInstance(decoded.error)).toBe(true);
    expect(decoded.error.toJSON()).toEqual(error.toJSON());
  });

  it("never throws: cycles and functions", () => {
    const output: Record<string, unknown> = { name: "loop", run: () => 1 };
    output.self = output;
    const shared = { a: 1 };
    output.twice = [shared, shared];
    const event: AgentEvent = { type: "tool-result", runId, step: 0, toolCallId: "c", toolName: "t", output };
    expect(JSON.parse(encodeEvent(event)).output).toEqual({
      name: "loop",
      self: "[Circular]",
      twice: [{ a: 1 }, { a: 1 }],
    });
  });
});
