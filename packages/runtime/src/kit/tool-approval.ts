import type { ModelMessage } from "ai";
import type { RunContext } from "../agent-runtime.js";
import type { AgentTool } from "../tools/agent-tool.js";

/** Who decides whether a call waits for approval. */
export interface ApprovalPolicy {
  /** Every call waits (the agent's or the run's `requireToolApproval`). */
  readonly requireAll: boolean;
}

/** What a call's approval check needs to know about the run. */
export interface ApprovalScope {
  readonly tools: ReadonlyMap<string, AgentTool>;
  readonly runId: string;
  readonly agentId: string;
  readonly context: RunContext;
  readonly messages: readonly ModelMessage[];
  /** Provider id of the model that made the call (selects the tool's provider variant). */
  readonly provider: string;
}

/**
 * Whether a call (with its arguments parsed from JSON) must wait for approval: `false` at once
 * for the common case (a tool without `needsApproval`), else `true` or a promise of the answer.
 * A call that cannot run anyway (unknown tool, arguments that fail the tool's schema) does not
 * wait: its error goes to the model as usual and nothing runs. A requirement function that throws,
 * rejects or answers anything but `false` means approval (fail closed).
 */
export function approvalNeeded(
  call: { readonly toolCallId: string; readonly toolName: string; readonly input: unknown },
  policy: ApprovalPolicy | undefined,
  scope: ApprovalScope,
): boolean | Promise<boolean> {
  if (!policy) return false;
  const tool = scope.tools.get(call.toolName);
  if (!tool) return false;
  const requirement = tool.needsApproval;
  if (!policy.requireAll && (requirement === undefined || requirement === false)) return false;
  let value: unknown;
  try {
    const variant = tool.forProvider?.(scope.provider);
    const parsed = tool.parseInput(variant?.mapArguments ? variant.mapArguments(call.input) : call.input);
    if (!parsed.success) return false;
    value = parsed.value;
  } catch {
    return false;
  }
  if (policy.requireAll || typeof requirement !== "function") return true;
  try {
    const answer = requirement(value, {
      toolCallId: call.toolCallId,
      runId: scope.runId,
      agentId: scope.agentId,
      context: scope.context,
      messages: scope.messages,
    });
    if (
      answer !== null &&
      typeof answer === "object" &&
      typeof (answer as PromiseLike<boolean>).then === "function"
    ) {
      return Promise.resolve(answer).then(
        (result) => result !== false,
        () => true,
      );
    }
    return answer !== false;
  } catch {
    return true;
  }
}

/**
 * The arguments a call waiting for approval shows its approver: validated by the tool's schema
 * (defaults applied), as the tool will receive them; the raw arguments if they do not validate.
 */
export function approvalInput(
  call: { readonly toolName: string; readonly input: unknown },
  scope: Pick<ApprovalScope, "tools" | "provider">,
): unknown {
  const tool = scope.tools.get(call.toolName);
  if (!tool) return call.input;
  try {
    const variant = tool.forProvider?.(scope.provider);
    const parsed = tool.parseInput(variant?.mapArguments ? variant.mapArguments(call.input) : call.input);
    return parsed.success ? parsed.value : call.input;
  } catch {
    return call.input;
  }
}

/** A new approval id. */
export function createApprovalId(): string {
  return `apr_${crypto.randomUUID()}`;
}
