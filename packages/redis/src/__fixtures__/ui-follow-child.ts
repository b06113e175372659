// Child process of follow-ui.integration.test.ts: a UI on another host instance. Converts
// `followRunStream` with `toUIMessageStream` and reads it with the AI SDK's `readUIMessageStream`
// while the run goes on. argv[2]: { url, runId, keyPrefix, messageId }. Prints `ui-tool-call` once
// the message it assembles has the tool call (the run's tool then still waits), and at the end the
// message, the `result` status and text, and what `textStream` gave, as JSON.
import { type RunUIMessage, toUIMessageStream } from "@flowmaestro/runtime/ui";
import { isToolUIPart, readUIMessageStream } from "ai";
import { createRedisRunEvents } from "../create-redis-run-events.js";

const job = JSON.parse(process.argv[2] as string) as {
  url: string;
  runId: string;
  keyPrefix: string;
  messageId: string;
};
const runEvents = createRedisRunEvents({ url: job.url, keyPrefix: job.keyPrefix });
const run = runEvents.followRunStream(job.runId);
let message: RunUIMessage | undefined;
let toldToolCall = false;
process.stdout.write("following\n");
for await (const snapshot of readUIMessageStream<RunUIMessage>({
  stream: toUIMessageStream(run, { messageId: job.messageId }),
})) {
  message = snapshot;
  if (
    !toldToolCall &&
    snapshot.parts.some((part) => isToolUIPart(part) && part.state === "input-available")
  ) {
    toldToolCall = true;
    process.stdout.write("ui-tool-call\n");
  }
}
const result = await run.result;
let text = "";
for await (const delta of run.textStream) text += delta;
await runEvents.close();
process.stdout.write(
  `${JSON.stringify({ message, status: result.status, resultText: result.text, textStream: text, toldToolCall })}\n`,
);
