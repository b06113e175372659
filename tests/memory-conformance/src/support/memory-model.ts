import type { LanguageModelV4CallOptions, LanguageModelV4Prompt } from "@ai-sdk/provider";
import { createScriptedModel, type ScriptedModel } from "@flowmaestro/runtime/testing";

/** The text of a prompt message (for assertions on what the model was sent). */
export function textOf(message: LanguageModelV4Prompt[number]): string {
  if (typeof message.content === "string") return message.content;
  return message.content
    .map((part) => {
      if (part.type === "text" || part.type === "reasoning") return part.text;
      if (part.type === "tool-call") return JSON.stringify(part.input);
      if (part.type === "tool-result") return JSON.stringify(part.output);
      return "";
    })
    .join(" ");
}

/** Everything the model was sent in one call, as text. */
export function promptText(call: LanguageModelV4CallOptions): string {
  return call.prompt.map(textOf).join("\n");
}

/** The system text of one call (instructions, memory context). */
export function systemText(call: LanguageModelV4CallOptions): string {
  return call.prompt
    .filter((message) => message.role === "system")
    .map(textOf)
    .join("\n");
}

/**
 * A scripted model that behaves like a cooperative assistant, deciding from the prompt alone:
 * - `remember: <fact>` → calls the runtime's working-memory tool (ours is `update_working_memory`,
 *   Mastra's `updateWorkingMemory`; both take `{ memory: string }`), then answers `Saved.`;
 * - `note: <text>` → calls the `note` tool, then answers `Noted <text>.`;
 * - `crash storage` → calls `crash_storage`, then answers `Crashed.`;
 * - anything else → answers `echo: <the last user message>`.
 * So whatever it repeats came from the prompt it was given.
 */
export function createMemoryModel(): ScriptedModel {
  return createScriptedModel({
    loop: true,
    turns: [
      (call) => {
        const last = call.prompt.at(-1);
        const lastUser = [...call.prompt].reverse().find((message) => message.role === "user");
        const asked = lastUser ? textOf(lastUser).trim() : "";
        if (last?.role === "tool") {
          const tool = last.content.find((part) => part.type === "tool-result");
          if (tool?.toolName === "note") return { text: `Noted ${asked.slice("note: ".length)}.` };
          if (tool?.toolName === "crash_storage") return { text: "Crashed." };
          return { text: "Saved." };
        }
        const remember = /^remember: (.+)$/i.exec(asked);
        if (remember) {
          const toolName =
            call.tools?.find((tool) => /working.?memory/i.test(tool.name))?.name ?? "update_working_memory";
          return { toolCalls: [{ toolName, input: { memory: `# User\n- Fact: ${remember[1]}\n` } }] };
        }
        const note = /^note: (.+)$/i.exec(asked);
        if (note) return { toolCalls: [{ toolName: "note", input: { text: note[1] } }] };
        if (/^crash storage$/i.test(asked)) return { toolCalls: [{ toolName: "crash_storage", input: {} }] };
        return { text: `echo: ${asked}` };
      },
    ],
  });
}
