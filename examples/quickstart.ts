/**
 * Quickstart: an agent with two tools answers a question with `execute`, then the same question
 * with `stream`, printing tokens as they arrive and tool calls as they happen.
 *
 * Run: npm install && npm run example
 * Uses a real model when OPENAI_API_KEY (or ANTHROPIC_API_KEY, GOOGLE_GENERATIVE_AI_API_KEY) is set,
 * and a deterministic scripted model otherwise.
 */
import { createAgent, defineTool } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { z } from "zod";
import { pickModel } from "./lib/pick-model.js";
import { run } from "./lib/run.js";

const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city, temperature in Celsius.",
  inputSchema: z.object({ city: z.string().describe("City name, e.g. Paris") }),
  execute: async ({ city }) => ({ city, celsius: city.toLowerCase() === "paris" ? 21 : 15, sky: "clear" }),
});

const convertTemperature = defineTool({
  name: "celsius_to_fahrenheit",
  description: "Converts a temperature from Celsius to Fahrenheit.",
  inputSchema: z.object({ celsius: z.number() }),
  execute: ({ celsius }) => ({ fahrenheit: Math.round((celsius * 9) / 5 + 32) }),
});

/** A scripted stand-in for a real model: it reacts to the conversation like a model would. */
function scriptedModel() {
  return createScriptedModel({
    loop: true,
    turns: [
      {
        text: "Let me check the weather. ",
        toolCalls: [{ toolName: "get_weather", input: { city: "Paris" } }],
      },
      (call) => {
        const celsius = Number(/"celsius":(-?[\d.]+)/.exec(JSON.stringify(call.prompt))?.[1] ?? 0);
        return { toolCalls: [{ toolName: "celsius_to_fahrenheit", input: { celsius } }] };
      },
      (call) => {
        const prompt = JSON.stringify(call.prompt);
        const celsius = /"celsius":(-?[\d.]+)/.exec(prompt)?.[1];
        const fahrenheit = /"fahrenheit":(-?[\d.]+)/.exec(prompt)?.[1];
        return { text: ["It is ", `${celsius} °C `, `(${fahrenheit} °F) `, "and clear ", "in Paris."] };
      },
    ],
  });
}

run(async () => {
  const agent = createAgent({
    runtime: createLegacyRuntime(),
    name: "weather-assistant",
    instructions: "Answer weather questions. Use the tools; give Celsius and Fahrenheit.",
    model: pickModel(scriptedModel),
    tools: [getWeather, convertTemperature],
  });
  const question = "What's the weather in Paris, in both Celsius and Fahrenheit?";

  console.log(`\n1) execute: ${question}`);
  const result = await agent.execute(question);
  if (result.status !== "completed")
    throw result.error ?? new Error(`Run ended with status ${result.status}`);
  console.log(`   ${result.text}`);
  console.log(`   status=${result.status} steps=${result.steps.length} tokens=${result.usage.totalTokens}`);

  console.log("\n2) stream: the same question, live");
  const stream = agent.stream(question);
  for await (const event of stream) {
    if (event.type === "text-delta") process.stdout.write(event.delta);
    else if (event.type === "tool-call")
      process.stdout.write(`\n   → ${event.toolName}(${JSON.stringify(event.input)})`);
    else if (event.type === "tool-result") process.stdout.write(`\n   ← ${JSON.stringify(event.output)}\n`);
    else if (event.type === "tool-error") process.stdout.write(`\n   ✗ ${event.error.message}\n`);
  }
  const streamed = await stream.result;
  console.log(
    `\n   status=${streamed.status} steps=${streamed.steps.length} tokens=${streamed.usage.totalTokens}`,
  );
});
