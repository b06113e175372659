/**
 * An agent that remembers: the conversation and what it learnt about the user survive the
 * process, in the embedded default store (a libSQL file, ./.flowmaestro/agent.db, created on first
 * use), and the same thread continues on the other runtime.
 *
 * Run it twice: npm run example:memory
 *   1st run: introduces the user (the agent saves their name and city to working memory).
 *   2nd run: a new process asks "what do you know about me?": the answer comes from the stored
 *            thread and working memory; then the same thread continues on the Mastra runtime.
 * `npm run example:memory -- --reset` forgets everything. A real model is used when a provider key
 * is set (see lib/pick-model.ts), a scripted one otherwise.
 */
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { createMemory } from "@flowmaestro/memory";
import { type Agent, createAgent, type ModelReference } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { pickModel } from "./lib/pick-model.js";
import { run } from "./lib/run.js";

// From the host's session, never from model or user text.
const ids = { threadId: "memory-demo", resourceId: "user-42" };

/**
 * The scripted stand-in for a real model. It only knows what is in the prompt it receives, so
 * every fact it repeats on the second run came from memory.
 */
function scripted(): ModelReference {
  const promptText = (call: LanguageModelV4CallOptions) => JSON.stringify(call.prompt);
  const workingMemoryTool = (call: LanguageModelV4CallOptions) =>
    call.tools?.find((tool) => /working.?memory/i.test(tool.name))?.name ?? "update_working_memory";
  return createScriptedModel({
    loop: true,
    turns: [
      (call) => {
        const text = promptText(call);
        if (call.prompt.at(-1)?.role === "tool") {
          return { text: "Nice to meet you, Ada! I'll remember that you live in Lisbon." };
        }
        const lastUser = [...call.prompt].reverse().find((message) => message.role === "user");
        const asked = JSON.stringify(lastUser?.content ?? "");
        if (/my name is/i.test(asked)) {
          return {
            toolCalls: [
              {
                toolName: workingMemoryTool(call),
                input: { memory: "# User\n- Name: Ada\n- Location: Lisbon\n" },
              },
            ],
          };
        }
        const name = /Name:\s*(\w+)/.exec(text)?.[1];
        const city = /Location:\s*(\w+)/.exec(text)?.[1];
        const turns = (text.match(/"role":"user"/g) ?? []).length;
        if (/weather/i.test(asked)) {
          return {
            text: city ? `I can't check the weather, but ${city} is usually mild.` : "Where are you?",
          };
        }
        return {
          text: name
            ? `You are ${name}, from ${city}. This thread has ${turns} user messages so far.`
            : "I don't know you yet. Tell me your name!",
        };
      },
    ],
  });
}

async function say(agent: Agent, text: string) {
  const result = await agent.execute(text, ids);
  if (result.status !== "completed") throw result.error ?? new Error(result.status);
  console.log(`  user      > ${text}`);
  console.log(`  ${agent.runtime.name.padEnd(9)} > ${result.text}`);
  return result;
}

run(async () => {
  const memory = createMemory({
    lastMessages: 20,
    workingMemory: { scope: "resource" },
  });
  if (process.argv.includes("--reset")) {
    await memory.deleteThread(ids);
    await memory.storage.setWorkingMemory({ resourceId: ids.resourceId, content: "" });
    console.log("Forgot the demo thread and its working memory.");
    return;
  }
  const definition = {
    name: "concierge",
    instructions: "You are a concise concierge. Keep the user's working memory up to date.",
    model: pickModel(scripted),
    memory,
  };
  const legacy = createAgent({ ...definition, runtime: createLegacyRuntime() });
  const mastra = legacy.withRuntime(createMastraRuntime());

  const before = await memory.getMessages(ids).catch(() => []);
  if (before.length === 0) {
    console.log(`First run: nothing stored for ${ids.resourceId} yet (${memory.storage.name} store).`);
    await say(legacy, "Hi! My name is Ada and I live in Lisbon.");
    console.log("\nRun `npm run example:memory` again: a new process will remember.");
  } else {
    console.log(`Welcome back: ${before.length} stored messages in thread ${ids.threadId}.`);
    await say(legacy, "What do you know about me?");
    console.log("\nThe same thread, continued on the Mastra runtime (@mastra/memory on the same store):");
    await say(mastra, "And what's the weather like where I live?");
  }
  const workingMemory = await memory.getWorkingMemory({ resourceId: ids.resourceId });
  console.log(`\nWorking memory of ${ids.resourceId}:\n${workingMemory?.content.trim() ?? "(empty)"}`);
  console.log(`Stored messages in the thread: ${(await memory.getMessages(ids)).length}`);
  await memory.storage.close();
});
