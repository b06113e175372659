import { generateText, type ModelMessage, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";
import type { WireModel, WireScenario } from "./scenarios.js";

// The reference loop reports provider warnings through the result; keep them off the console.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

/** What the tool returns, on every runtime and in the reference loop. */
export function weatherFor(city: string) {
  return { city, celsius: 21, sky: "sunny" };
}

/** The AI SDK form of the `get_weather` tool. */
export const referenceTools = {
  get_weather: tool({
    description: "Current weather for a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => weatherFor(city),
  }),
};

/** What one reference run produced. */
export interface ReferenceRun {
  readonly text: string;
  /** The AI SDK's `responseMessages`: what the loop added to the conversation. */
  readonly messages: ModelMessage[];
  /** Provider warnings over all steps. */
  readonly warnings: unknown[];
  readonly stepWarnings: unknown[][];
  /** Reasoning deltas of the first step (stream only). */
  readonly reasoningDeltas: string[];
}

/**
 * Runs the AI SDK's own tool loop (`generateText` or `streamText`, up to 3 steps): the behaviour
 * the runtimes are held to. Throws when the loop fails.
 */
export async function runReference(
  scenario: WireScenario<any>,
  model: WireModel,
  mode: "generate" | "stream",
  input: string | ModelMessage[],
): Promise<ReferenceRun> {
  const base = {
    model,
    tools: referenceTools,
    stopWhen: stepCountIs(3),
    maxRetries: 0,
    providerOptions: scenario.providerOptions,
    ...(scenario.temperature !== undefined && { temperature: scenario.temperature }),
  };
  const prompt = typeof input === "string" ? { prompt: input } : { messages: input };
  if (mode === "generate") {
    const result = await generateText({ ...base, ...prompt });
    return {
      text: result.text,
      messages: result.responseMessages,
      warnings: result.warnings ?? [],
      stepWarnings: result.steps.map((step) => step.warnings ?? []),
      reasoningDeltas: [],
    };
  }
  const result = streamText({ ...base, ...prompt, onError: () => {} });
  const reasoningDeltas: string[] = [];
  let step = 0;
  for await (const part of result.fullStream) {
    if (part.type === "error") throw part.error;
    if (part.type === "finish-step") step += 1;
    if (part.type === "reasoning-delta" && step === 0 && part.text !== "") reasoningDeltas.push(part.text);
  }
  const steps = await result.steps;
  return {
    text: await result.text,
    messages: await result.responseMessages,
    warnings: (await result.warnings) ?? [],
    stepWarnings: steps.map((entry) => entry.warnings ?? []),
    reasoningDeltas,
  };
}
