// Child process of the integration tests: runs an agent and publishes its events.
// argv[2]: { url, runId, keyPrefix, ttlSeconds, messageId? }. Prints `tool-waiting` when the tool
// runs, waits for a `go` line on stdin, then prints its own events (encoded) and the publish
// summary as JSON; with `messageId`, also the UI message `toUIMessageStream` makes of the run's own
// (local) stream, as `readUIMessageStream` assembles it.
import type { AgentEvent } from "@flowmaestro/runtime";
import { type RunUIMessage, toUIMessageStream } from "@flowmaestro/runtime/ui";
import { readUIMessageStream } from "ai";
import { createRedisRunEvents } from "../create-redis-run-events.js";
import { encodeEvent } from "../event-json.js";
import { createTestAgent } from "./agent.js";

const job = JSON.parse(process.argv[2] as string) as {
  url: string;
  runId: string;
  keyPrefix: string;
  ttlSeconds: number;
  messageId?: string;
};

function waitForGo(): Promise<string> {
  process.stdout.write("tool-waiting\n");
  return new Promise((resolve) => {
    let input = "";
    const onData = (chunk: Buffer) => {
      input += chunk.toString();
      if (!input.includes("\n")) return;
      process.stdin.off("data", onData);
      process.stdin.pause();
      resolve(input.trim());
    };
    process.stdin.on("data", onData);
  });
}

const errors: string[] = [];
const runEvents = createRedisRunEvents({
  url: job.url,
  keyPrefix: job.keyPrefix,
  ttlSeconds: job.ttlSeconds,
  onError: (error) => errors.push(error.message),
});
const own: AgentEvent[] = [];
const agent = createTestAgent(waitForGo);
const stream = agent.stream("Follow me", { runId: job.runId, onEvent: (event) => void own.push(event) });
const local = job.messageId === undefined ? undefined : readLocally(job.messageId);
const summary = await runEvents.publish(stream);
const result = await stream.result;
const ui = await local;
await runEvents.close();
process.stdout.write(
  `${JSON.stringify({
    own: own.map(encodeEvent),
    status: result.status,
    summary: {
      events: summary.events,
      entries: summary.entries,
      complete: summary.complete,
      key: summary.key,
    },
    errors,
    ...(ui === undefined ? {} : { ui }),
  })}\n`,
);

async function readLocally(messageId: string): Promise<RunUIMessage | undefined> {
  let message: RunUIMessage | undefined;
  for await (const snapshot of readUIMessageStream<RunUIMessage>({
    stream: toUIMessageStream(stream, { messageId }),
  })) {
    message = snapshot;
  }
  return message;
}
