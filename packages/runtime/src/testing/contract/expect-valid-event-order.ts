import { expect } from "vitest";
import type { AgentEvent } from "../../events/agent-event.js";
import type { RunResult } from "../../run-result.js";

/**
 * Asserts the contract's ordering rules on a run's events: one `run-start` first and one `run-end`
 * last; steps numbered from 0, never overlapping; deltas and tool calls inside their step; exactly
 * one outcome per tool call, after the call and before its step ends; `error` only after the last
 * step.
 */
export function expectValidEventOrder(events: readonly AgentEvent[]): void {
  expect(events[0]?.type).toBe("run-start");
  expect(events[events.length - 1]?.type).toBe("run-end");
  expect(events.filter((event) => event.type === "run-start")).toHaveLength(1);
  expect(events.filter((event) => event.type === "run-end")).toHaveLength(1);
  let openStep: number | undefined;
  let nextStep = 0;
  let called = new Set<string>();
  const answered = new Set<string>();
  for (const event of events) {
    switch (event.type) {
      case "step-start":
        expect(openStep).toBeUndefined();
        expect(event.step).toBe(nextStep);
        openStep = event.step;
        called = new Set();
        break;
      case "text-delta":
      case "reasoning-delta":
      case "tool-call":
        expect(event.step).toBe(openStep);
        if (event.type === "tool-call") called.add(event.toolCallId);
        break;
      case "tool-result":
      case "tool-error":
        expect(event.step).toBe(openStep);
        expect(called.has(event.toolCallId)).toBe(true);
        expect(answered.has(event.toolCallId)).toBe(false);
        answered.add(event.toolCallId);
        break;
      case "step-end":
        expect(event.step).toBe(openStep);
        // Every call of the step has its one outcome before the step ends.
        expect([...called].filter((id) => !answered.has(id))).toEqual([]);
        openStep = undefined;
        nextStep++;
        break;
      case "error":
      case "run-end":
        expect(openStep).toBeUndefined();
        break;
    }
  }
}

/** A result without run-specific ids, for comparing runs. @internal */
export function comparable(result: RunResult) {
  return {
    status: result.status,
    text: result.text,
    finishReason: result.finishReason,
    usage: result.usage,
    messages: result.messages,
    warnings: result.warnings,
    steps: result.steps.map((step) => ({
      ...step,
      toolResults: step.toolResults.map(({ error, ...rest }) => ({ ...rest, error: error?.code })),
    })),
  };
}
