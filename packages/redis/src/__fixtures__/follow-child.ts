// Child process of redis-run-events.integration.test.ts: follows a run from its first event to
// its `run-end` and prints the entries as JSON. argv[2]: { url, runId, keyPrefix }.
import { createRedisRunEvents } from "../create-redis-run-events.js";
import { encodeEvent } from "../event-json.js";

const job = JSON.parse(process.argv[2] as string) as { url: string; runId: string; keyPrefix: string };
const runEvents = createRedisRunEvents({ url: job.url, keyPrefix: job.keyPrefix });
const entries: Array<{ id: string; json: string }> = [];
process.stdout.write("following\n");
for await (const { id, event } of runEvents.follow(job.runId)) entries.push({ id, json: encodeEvent(event) });
await runEvents.close();
process.stdout.write(`${JSON.stringify(entries)}\n`);
