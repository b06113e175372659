import { createInMemoryStorage, createMemory, type StorageAdapter } from "@flowmaestro/memory";
import { type Agent, type AgentRuntime, createAgent, defineTool } from "@flowmaestro/runtime";
import { createScriptedModel, type ScriptedTurn } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { z } from "zod";

/** Both runtimes, by name: every agent case runs on each. */
export const RUNTIMES = {
  legacy: () => createLegacyRuntime(),
  mastra: () => createMastraRuntime(),
} satisfies Record<string, () => AgentRuntime>;

export type RuntimeName = keyof typeof RUNTIMES;

/** A 1x1 transparent PNG. */
export const PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/**
 * Hears what long calls do on the server: `started:<name>` once the call runs (the model or tool
 * holds its signal), `aborted:<name>` when that signal fires.
 */
export type Probe = (event: string) => void;

/** Names of {@link plainTools}, in order. */
export const PLAIN_TOOL_NAMES = ["echo", "shout", "pixel", "leaky", "guarded", "wait_for_abort"];

/** Names of the MCP tools a server of {@link servedAgents} and {@link plainTools} lists, in order. */
export function servedToolNames(runtime: RuntimeName): string[] {
  return [`helper_${runtime}`, "broken", "sleeper", ...PLAIN_TOOL_NAMES];
}

/** Plain tools of the served-tool cases. */
export function plainTools(probe: Probe = () => {}) {
  return [
    defineTool({
      name: "echo",
      description: "Echoes a text.",
      inputSchema: z.object({ text: z.string(), times: z.number().int().min(1).max(3).optional() }),
      execute: ({ text, times }, context) => ({
        echoed: text.repeat(times ?? 1),
        resourceId: context.resourceId ?? null,
        context: context.context,
      }),
    }),
    defineTool({
      name: "shout",
      description: "Upper-cases a text.",
      inputSchema: z.object({ text: z.string() }),
      execute: ({ text }) => text.toUpperCase(),
    }),
    {
      ...defineTool({
        name: "pixel",
        description: "Draws a pixel.",
        inputSchema: z.object({}),
        execute: () => ({ png: PIXEL_PNG }),
      }),
      toModelOutput: (output: { png: string }) => ({
        type: "content" as const,
        value: [
          { type: "text" as const, text: "A pixel:" },
          { type: "image-data" as const, data: output.png, mediaType: "image/png" },
        ],
      }),
    },
    defineTool({
      name: "leaky",
      description: "Fails with a secret in its error.",
      inputSchema: z.object({}),
      execute: () => {
        throw new Error("upstream refused key sk-live0123456789abcdefSECRET");
      },
    }),
    defineTool({
      name: "guarded",
      description: "Needs approval.",
      inputSchema: z.object({ amount: z.number() }),
      needsApproval: ({ amount }) => amount > 100,
      execute: ({ amount }) => ({ paid: amount }),
    }),
    defineTool({
      name: "wait_for_abort",
      description: "Waits until the call is cancelled.",
      inputSchema: z.object({}),
      execute: (_input, context) =>
        new Promise<never>((_, reject) => {
          context.signal.addEventListener("abort", () => {
            probe("aborted:wait_for_abort");
            reject(new Error("cancelled"));
          });
          probe("started:wait_for_abort");
        }),
    }),
  ];
}

/** An agent on `runtime` whose scripted model plays `turns` (a fresh model per agent). */
export function scriptedAgent(
  runtime: AgentRuntime,
  turns: readonly ScriptedTurn[],
  options: { name?: string; storage?: StorageAdapter; loop?: boolean } = {},
): Agent {
  return createAgent({
    runtime,
    name: options.name ?? "helper",
    instructions: "Be brief.",
    model: createScriptedModel({ turns, loop: options.loop ?? false }),
    // A failing scripted call fails the run at once (no retry delays).
    retry: { maxRetries: 0 },
    ...(options.storage ? { memory: createMemory({ storage: options.storage, lastMessages: 20 }) } : {}),
  });
}

/** A turn answering with every user text the model was shown, oldest first (what memory recalled). */
export const recallingTurn: ScriptedTurn = (call) => ({
  text: `seen: ${call.prompt
    .filter((message) => message.role === "user")
    .flatMap((message) => message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])))
    .join(" | ")}`,
});

/** A turn that waits (almost) forever, honouring the abort signal, reporting to `probe`. */
export function sleepingTurn(name: string, probe: Probe): ScriptedTurn {
  return (call) => {
    call.abortSignal?.addEventListener("abort", () => probe(`aborted:${name}`), { once: true });
    probe(`started:${name}`);
    return { delayMs: 3_600_000 };
  };
}

/** The agents of the agent cases on one runtime: `helper_<runtime>`, `broken`, `sleeper`. */
export function servedAgents(runtime: RuntimeName, probe: Probe = () => {}): Agent[] {
  const create = RUNTIMES[runtime];
  return [
    scriptedAgent(
      create(),
      [{ text: ["Hello ", `from ${runtime}`], usage: { inputTokens: 12, outputTokens: 7 } }],
      {
        name: `helper_${runtime}`,
        loop: true,
      },
    ),
    scriptedAgent(create(), [{ error: new Error("provider down") }], { name: "broken", loop: true }),
    scriptedAgent(create(), [sleepingTurn("sleeper", probe)], { name: "sleeper", loop: true }),
  ];
}

export { createInMemoryStorage };
