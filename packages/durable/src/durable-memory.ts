import type { AgentMemory, MemorySession } from "@flowmaestro/runtime";
import type { ModelMessage } from "ai";
import type { Dbos } from "./dbos.js";
import { fromPortable, toPortable } from "./portable.js";

/**
 * The agent's memory with what `open` sends the model (history and context) checkpointed as a
 * DBOS step. A recovered run must send what the first worker sent: by then the thread also holds
 * the crashed attempt's input and finished steps, and reading it again would put them in the
 * history as well as in the replayed steps. Writes go to the real session: their ids are
 * deterministic per run, step, index and content, so a replayed write replaces the stored
 * message instead of adding one. @internal
 */
export function durableMemory(dbos: Dbos, memory: AgentMemory): AgentMemory {
  return {
    specificationVersion: memory.specificationVersion,
    name: memory.name,
    settings: memory.settings,
    runStore: memory.runStore,
    async open(request): Promise<MemorySession> {
      const session = await memory.open(request);
      const opened = (await dbos.runStep(
        async () => toPortable({ history: session.history, context: session.context ?? null }),
        { name: "flowmaestro.memory-open" },
      )) as unknown;
      const { history, context } = fromPortable(opened) as {
        history: ModelMessage[];
        context: string | null;
      };
      return {
        history,
        context: context ?? undefined,
        tools: session.tools,
        save: (messages, info) => session.save(messages, info),
        close: (info) => session.close(info),
      };
    },
  };
}
