import type { ModelMessage } from "ai";
import type { Agent, AgentRunOptions } from "../../create-agent.js";
import type { AgentEvent } from "../../events/agent-event.js";
import type { RunResult } from "../../run-result.js";

/** How a case runs an agent: `execute` (with `onEvent`) or `stream` (read to the end). @internal */
export type Mode = "execute" | "stream";

/** Both modes, for cases that check each. @internal */
export const MODES: readonly Mode[] = ["execute", "stream"];

/** Runs an agent in a mode and returns its result and events. @internal */
export async function runIn(
  mode: Mode,
  agent: Pick<Agent, "execute" | "stream">,
  input: string | readonly ModelMessage[],
  options: AgentRunOptions = {},
): Promise<{ result: RunResult; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  if (mode === "execute") {
    const result = await agent.execute(input, { ...options, onEvent: (event) => void events.push(event) });
    return { result, events };
  }
  const stream = agent.stream(input, options);
  for await (const event of stream) events.push(event);
  return { result: await stream.result, events };
}
