/**
 * A knowledge base from a folder of markdown files: ingest `knowledge/*.md` into the embedded
 * libSQL file (`./.flowmaestro/agent.db`) with the offline hash embedder, then let an agent answer
 * questions with a `knowledge_base` tool that searches it.
 *
 * Run: npx tsx knowledge-base.ts   (after building the packages)
 * Uses a real chat model when OPENAI_API_KEY (or another provider's key) is set, and a scripted
 * one otherwise.
 *
 * The hash embedder matches words (and typos of them), not meaning, and has no corpus statistics:
 * a word that is everywhere (the product name) counts as much as a rare one, and short passages
 * win ties. Ask "How do I install Tidepool on Ubuntu?" and the short macOS section outranks the
 * longer Linux one. For real recall quality pass a provider embedding model such as
 * `openai.embedding("text-embedding-3-small")` as `embedder` (it gets its own index).
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createHashEmbedder, createKnowledgeBase, ingestDirectory } from "@flowmaestro/memory";
import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
import { createAgent, type ModelReference } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { knowledgeBaseTool } from "@flowmaestro/tools";
import { pickModel } from "./lib/pick-model.js";
import { run } from "./lib/run.js";

const KNOWLEDGE_BASE_ID = "tidepool-docs";
const QUESTIONS = [
  "How do I restore a single file from a snapshot?",
  "What should I do when the daemon does not start?",
  "Can I get a refund after cancelling the Team plan?",
];

/** A passage as the knowledge_base tool returns it to the model. */
interface Passage {
  id: string;
  score: number;
  text: string;
  metadata?: { source?: string; headings?: string[] };
}

/**
 * A scripted stand-in for a real model: it searches with the user's question, then answers from
 * the best passage it got back, citing it.
 */
function scriptedModel(): ModelReference {
  return createScriptedModel({
    loop: true,
    turns: [
      (call) => {
        const question = [...call.prompt].reverse().find((message) => message.role === "user");
        const text = question?.content.map((part) => (part.type === "text" ? part.text : "")).join("") ?? "";
        return { toolCalls: [{ toolName: "search_docs", input: { query: text, topK: 3 } }] };
      },
      (call) => {
        const result = call.prompt
          .flatMap((message) => (message.role === "tool" ? message.content : []))
          .findLast((part) => part.type === "tool-result");
        const output = result?.type === "tool-result" ? result.output : undefined;
        const passages = (output?.type === "json" ? output.value : []) as unknown as Passage[];
        const best = passages[0];
        if (!best) return { text: "The documentation does not say." };
        const where = [best.metadata?.source, best.metadata?.headings?.join(" > ")]
          .filter(Boolean)
          .join(", ");
        return { text: [`From ${where}:\n`, summarise(best.text)] };
      },
    ],
  });
}

/** The passage without its heading lines, code blocks kept, trimmed to a readable answer. */
function summarise(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^#{1,6} /.test(line))
    .join("\n")
    .trim()
    .split("\n")
    .map((line) => `   ${line}`)
    .join("\n");
}

run(async () => {
  // The embedded default: one libSQL file under ./.flowmaestro/, kept out of git by its own .gitignore.
  if (!existsSync(".flowmaestro/.gitignore")) {
    await mkdir(".flowmaestro", { recursive: true });
    await writeFile(".flowmaestro/.gitignore", "*\n");
  }
  const storage = createLibsqlStorage();
  try {
    const knowledgeBase = createKnowledgeBase({ storage, embedder: createHashEmbedder() });

    // Re-running replaces each document's chunks (ids `<file>#<n>`), so this is idempotent.
    const folder = fileURLToPath(new URL("./knowledge", import.meta.url));
    const ingested = await ingestDirectory(knowledgeBase, folder, { knowledgeBaseId: KNOWLEDGE_BASE_ID });
    const index = await knowledgeBase.describeIndex();
    console.log(
      `Ingested ${ingested.files.length} files (${ingested.files.join(", ")}) as ${ingested.chunks} chunks into index "${index.indexName}" (dimension ${index.dimension}, ${index.count} vectors).`,
    );

    const agent = createAgent({
      runtime: createLegacyRuntime(),
      name: "tidepool-support",
      instructions:
        "Answer questions about Tidepool using only the passages the search_docs tool returns. Cite the source file.",
      model: pickModel(scriptedModel),
      tools: [
        knowledgeBaseTool(
          {
            name: "search_docs",
            description: "Searches the Tidepool documentation. Returns the most relevant passages.",
            knowledgeBaseId: KNOWLEDGE_BASE_ID,
            topK: 3,
          },
          { knowledgeBases: knowledgeBase },
        ),
      ],
    });

    for (const question of QUESTIONS) {
      console.log(`\nQ: ${question}`);
      const stream = agent.stream(question);
      for await (const event of stream) {
        if (event.type === "tool-call") console.log(`   → ${event.toolName} ${JSON.stringify(event.input)}`);
        if (event.type === "tool-error") console.log(`   ✗ ${event.toolName}: ${event.error.message}`);
        if (event.type === "tool-result") {
          for (const passage of event.output as Passage[]) {
            const headings = passage.metadata?.headings?.join(" > ") ?? "";
            console.log(`   ← ${passage.score.toFixed(3)}  ${passage.id.padEnd(22)} ${headings}`);
          }
        }
      }
      const result = await stream.result;
      if (result.status !== "completed") throw result.error ?? new Error(`Run ended ${result.status}`);
      console.log(`A: ${result.text}`);
    }
  } finally {
    await storage.close();
  }
});
