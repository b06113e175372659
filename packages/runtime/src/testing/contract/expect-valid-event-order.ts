import { expect } from "vitest";
import type { AgentEvent, SubagentEvent } from "../../events/agent-event.js";
import type { PendingApproval, RunResult } from "../../run-result.js";

/** Options of {@link expectValidEventOrder}. */
export interface EventOrderOptions {
  /**
   * The run resumes a suspended one: these are its pending approvals (the suspended run's
   * `result.pendingApprovals`). The resumed run must start with exactly their outcomes, then the
   * suspended step's `step-end`.
   */
  readonly resumedFrom?: readonly Pick<PendingApproval, "toolCallId">[];
}

/**
 * Asserts the contract's ordering rules on a run's events (see `AgentEvent`): one `run-start`
 * first and one `run-end` last; steps numbered from 0 (a resumed run: from the suspended step),
 * never overlapping; deltas, tool input and tool calls inside their step; `tool-input-delta`s
 * between their call's `tool-input-start` and its `tool-call`; `object-delta`s after text of
 * their step; exactly one outcome (`tool-result`, `tool-error` or `tool-approval-request`) per
 * tool call, after the call and before its step ends; a step with approval requests never ends:
 * the run ends `suspended` with those approvals pending; a resumed run starts with the decided
 * calls' outcomes and the suspended step's `step-end`; `error` only after the last step;
 * `subagent-event`s of a call between its `tool-call` and its outcome, each nested run's events in
 * this same order (checked recursively; a nested run cut off by its call's outcome only has to
 * start with `run-start`).
 */
export function expectValidEventOrder(events: readonly AgentEvent[], options: EventOrderOptions = {}): void {
  const first = events[0];
  const last = events[events.length - 1];
  expect(first?.type).toBe("run-start");
  expect(last?.type).toBe("run-end");
  expect(events.filter((event) => event.type === "run-start")).toHaveLength(1);
  expect(events.filter((event) => event.type === "run-end")).toHaveLength(1);
  const resumed = options.resumedFrom !== undefined;
  if (first?.type === "run-start") expect(first.resumed, "run-start.resumed").toBe(resumed);
  const runIds = [...new Set(events.map((event) => event.runId))];
  expect(runIds, "every event carries the run's id").toHaveLength(1);

  let openStep: number | undefined;
  let nextStep = 0;
  let called = new Set<string>();
  let textSeen = false;
  const inputStarted = new Map<string, string>();
  const answered = new Set<string>();
  const awaiting = new Map<string, string>(); // toolCallId → approvalId
  const approvalIds = new Set<string>();
  /** Nested runs' events, by tool call and nested run id. */
  const nested = new Map<string, AgentEvent[]>();
  const addNested = (event: SubagentEvent) => {
    const key = `${event.toolCallId}\u0000${event.event.runId}`;
    const group = nested.get(key);
    if (group) group.push(event.event);
    else nested.set(key, [event.event]);
  };

  // A resumed run: the decided calls' outcomes and the suspended step's end come first.
  let position = 1;
  if (resumed) {
    const expected = (options.resumedFrom ?? []).map((pending) => pending.toolCallId);
    const outcomes: string[] = [];
    let step: number | undefined;
    for (; position < events.length; position++) {
      const event = events[position]!;
      if (event.type === "subagent-event") {
        // A decided call that runs an agent: its events come before its outcome.
        expect(expected, "a resumed run's subagent-events belong to a decided call").toContain(
          event.toolCallId,
        );
        expect(outcomes, "no subagent-event after its call's outcome").not.toContain(event.toolCallId);
        addNested(event);
        continue;
      }
      if (event.type !== "tool-result" && event.type !== "tool-error") break;
      step ??= event.step;
      expect(event.step, "a resumed run's outcomes are under the suspended step").toBe(step);
      outcomes.push(event.toolCallId);
    }
    expect([...outcomes].sort(), "a resumed run starts with one outcome per decided call").toEqual(
      [...expected].sort(),
    );
    const stepEnd = events[position];
    expect(stepEnd?.type, "then the suspended step ends").toBe("step-end");
    if (stepEnd?.type === "step-end") {
      if (step !== undefined) expect(stepEnd.step).toBe(step);
      nextStep = stepEnd.step + 1;
    }
    position++;
  }

  for (const event of events.slice(position)) {
    // Once a call waits for approval, only the step's other outcomes and the run's end may follow.
    if (awaiting.size > 0) {
      expect(
        ["tool-result", "tool-error", "tool-approval-request", "subagent-event", "run-end"],
        `no "${event.type}" after an approval request: the run suspends`,
      ).toContain(event.type);
    }
    switch (event.type) {
      case "run-start":
        break;
      case "step-start":
        expect(openStep).toBeUndefined();
        expect(event.step).toBe(nextStep);
        openStep = event.step;
        called = new Set();
        inputStarted.clear();
        textSeen = false;
        break;
      case "text-delta":
        expect(event.step).toBe(openStep);
        textSeen = true;
        break;
      case "reasoning-delta":
        expect(event.step).toBe(openStep);
        break;
      case "object-delta":
        expect(event.step).toBe(openStep);
        expect(textSeen, "an object-delta follows the text it was parsed from").toBe(true);
        break;
      case "tool-input-start":
        expect(event.step).toBe(openStep);
        expect(inputStarted.has(event.toolCallId), "one tool-input-start per call").toBe(false);
        expect(called.has(event.toolCallId), "tool-input-start comes before its tool-call").toBe(false);
        inputStarted.set(event.toolCallId, event.toolName);
        break;
      case "tool-input-delta":
        expect(event.step).toBe(openStep);
        expect(inputStarted.has(event.toolCallId), "tool-input-delta after its tool-input-start").toBe(true);
        expect(called.has(event.toolCallId), "no tool-input-delta after its tool-call").toBe(false);
        break;
      case "tool-call":
        expect(event.step).toBe(openStep);
        expect(called.has(event.toolCallId), "one tool-call per id").toBe(false);
        if (inputStarted.has(event.toolCallId))
          expect(event.toolName).toBe(inputStarted.get(event.toolCallId));
        called.add(event.toolCallId);
        break;
      case "tool-approval-request":
        expect(event.step).toBe(openStep);
        expect(called.has(event.toolCallId), "an approval request follows its tool-call").toBe(true);
        expect(answered.has(event.toolCallId), "a call waiting for approval has no other outcome").toBe(
          false,
        );
        expect(awaiting.has(event.toolCallId), "one approval request per call").toBe(false);
        expect(approvalIds.has(event.approvalId), "approval ids are unique").toBe(false);
        awaiting.set(event.toolCallId, event.approvalId);
        approvalIds.add(event.approvalId);
        break;
      case "tool-result":
      case "tool-error":
        expect(event.step).toBe(openStep);
        expect(called.has(event.toolCallId)).toBe(true);
        expect(answered.has(event.toolCallId)).toBe(false);
        expect(awaiting.has(event.toolCallId), "a call waiting for approval has no outcome yet").toBe(false);
        answered.add(event.toolCallId);
        break;
      case "subagent-event": {
        expect(event.step, "a subagent-event is inside its step").toBe(openStep);
        expect(called.has(event.toolCallId), "a subagent-event follows its tool-call").toBe(true);
        expect(answered.has(event.toolCallId), "no subagent-event after its call's outcome").toBe(false);
        expect(awaiting.has(event.toolCallId), "no subagent-event for a call waiting for approval").toBe(
          false,
        );
        addNested(event);
        break;
      }
      case "step-end":
        expect(event.step).toBe(openStep);
        // Every call of the step has its one outcome before the step ends.
        expect([...called].filter((id) => !answered.has(id))).toEqual([]);
        openStep = undefined;
        nextStep++;
        break;
      case "error":
        expect(openStep).toBeUndefined();
        break;
      case "run-end": {
        if (awaiting.size > 0) {
          // The suspended step stays open; every other call of it has its outcome.
          expect(openStep).toBeDefined();
          expect([...called].filter((id) => !answered.has(id) && !awaiting.has(id))).toEqual([]);
          expect(event.result.status).toBe("suspended");
          const pending = event.result.pendingApprovals.map(
            (item) => `${item.toolCallId} ${item.approvalId}`,
          );
          const requested = [...awaiting].map(([toolCallId, approvalId]) => `${toolCallId} ${approvalId}`);
          expect(pending.sort(), "pendingApprovals are the approval requests").toEqual(requested.sort());
        } else {
          expect(openStep).toBeUndefined();
          expect(event.result.status).not.toBe("suspended");
          expect(event.result.pendingApprovals).toEqual([]);
        }
        break;
      }
    }
  }
  for (const group of nested.values()) {
    if (group.some((event) => event.type === "run-end")) expectValidEventOrder(group);
    else expect(group[0]?.type, "a nested run starts with run-start").toBe("run-start");
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
