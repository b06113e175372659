// Several host processes on one database (a Postgres server, a libSQL file): runs started in one
// process are read and continued from another, and thread appends from several processes at once
// lose, duplicate and reorder nothing. Each host is a long-lived child (fixtures/host-child.mjs)
// driven over stdin, so a host that already ran keeps its pools and runtime state while another
// writes (nothing it caches may hide the other's writes).
//
//
// - appends: 4 hosts released together each run 10 turns (a tool call, then an answer) on one
//   thread; the thread then holds every message once, each turn's in order, each host's turns in
//   the order it ran them;
// - hand-off: a live host reads and continues a thread another live host started (either runtime
//   first), and the first sees the second's turn in its next run;
// - run store: a run suspended in one host is read (`memory.runStore.load`) and cancelled from
//   another, which the first then sees. Resuming a suspended run in another process (and two
//   processes racing to resume it) is covered by approvals-processes.test.ts, not repeated here;
// - a history read overtaken: another host stores a whole turn while a run reads its history; the
//   run must still answer its own input and leave the other run's messages alone.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { StoredMessage } from "@flowmaestro/memory";
import { describe, expect, it } from "vitest";
import { POSTGRES_URL } from "./support/adapters.js";
import { type ChildDatabase, type Database, type DatabaseSetup, processSetups } from "./support/databases.js";
import { uniqueIds } from "./support/harness.js";
import { runtimeSetups } from "./support/runtimes.js";

const child = fileURLToPath(new URL("./fixtures/host-child.mjs", import.meta.url));
/** Module loading, storage set-up or a batch of turns on a busy 2-core machine. */
const COMMAND_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 180_000;

type Ids = { threadId: string; resourceId: string };
type Runtime = "legacy" | "mastra";

/** A prompt message as a host reports it: role and text (tool calls and results as `[call …]`, `[result …]`). */
interface PromptMessage {
  role: string;
  text: string;
}

interface RunReply {
  status: string;
  runId: string;
  text: string;
  pendingApprovals?: Array<{ approvalId: string; toolCallId: string; toolName: string }>;
  error?: { code?: string; message: string };
  /** What the first model call of the run was sent. */
  prompt: PromptMessage[];
}

interface Reply {
  ok: boolean;
  error?: { code?: string; status?: string; message: string };
  [key: string]: any;
}

/** A host process (fixtures/host-child.mjs) and its command channel. */
class Host {
  readonly ready: Promise<void>;
  /** `EXECUTED <tool> <arg>` lines, in order. */
  readonly executed: string[] = [];
  private readonly process: ChildProcess;
  private readonly waiting: Array<{ resolve: (reply: Reply) => void; reject: (error: Error) => void }> = [];
  private readonly exited: Promise<number | null>;
  private readonly lineWaiters = new Map<string, () => void>();
  private output = "";

  constructor(
    readonly name: string,
    task: { db: ChildDatabase; runtime: Runtime; ids: Ids; lastMessages?: number; warmUp?: boolean },
  ) {
    this.process = spawn(process.execPath, [child, JSON.stringify(task)], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => {});
    this.process.stderr!.on("data", (chunk) => {
      this.output += String(chunk);
    });
    createInterface({ input: this.process.stdout! }).on("line", (line) => {
      if (line === "READY") markReady();
      else if (line.startsWith("EXECUTED ")) this.executed.push(line.slice("EXECUTED ".length));
      else if (line.startsWith("REPLY ")) this.waiting.shift()?.resolve(JSON.parse(line.slice(6)) as Reply);
      else if (this.lineWaiters.has(line)) {
        this.lineWaiters.get(line)!();
        this.lineWaiters.delete(line);
      } else this.output += `${line}\n`;
    });
    this.exited = new Promise((resolve) => {
      this.process.on("exit", (code, signal) => {
        const error = new Error(`host ${name} exited (${signal ?? code}): ${this.output}`);
        failReady(error);
        for (const waiter of this.waiting.splice(0)) waiter.reject(error);
        resolve(code);
      });
    });
  }

  /** Sends one command; resolves with its reply (a failed command rejects, with the host's error). */
  async send(command: Record<string, unknown>): Promise<Reply> {
    const reply = await new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`host ${this.name}: no reply to ${JSON.stringify(command)}: ${this.output}`));
      }, COMMAND_TIMEOUT_MS);
      this.waiting.push({
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.stdin!.write(`${JSON.stringify(command)}\n`);
    });
    return reply;
  }

  /** Resolves when the host prints `line` (next time). */
  nextLine(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`host ${this.name}: never printed ${line}: ${this.output}`));
      }, COMMAND_TIMEOUT_MS);
      this.lineWaiters.set(line, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Sends a command that gets no reply (`release`). */
  signal(command: Record<string, unknown>): void {
    this.process.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** Runs one turn; fails the test unless the host answered. */
  async turn(
    input: string,
    runId: string,
    options: { pauseRead?: boolean; script?: string } = {},
  ): Promise<RunReply> {
    const reply = await this.send({ op: "turn", input, runId, ...options });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    return reply as unknown as RunReply;
  }

  async messages(): Promise<PromptMessage[]> {
    const reply = await this.send({ op: "messages" });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    return reply.messages as PromptMessage[];
  }

  /** Closes its storage and exits (code 0 expected). */
  async exit(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.stdin!.end(`${JSON.stringify({ op: "exit" })}\n`);
    }
    const timer = setTimeout(() => this.process.kill("SIGKILL"), COMMAND_TIMEOUT_MS);
    const code = await this.exited;
    clearTimeout(timer);
    expect(code, `host ${this.name}: ${this.output}`).toBe(0);
  }

  /** Ends it whatever state it is in (test clean-up). */
  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill("SIGKILL");
  }
}

/** Starts hosts, runs `body`, and always ends the hosts and disposes of the database. */
async function withDatabase(
  setup: DatabaseSetup,
  body: (database: Database, hosts: Host[]) => Promise<void>,
): Promise<void> {
  const database = await setup.create();
  const hosts: Host[] = [];
  try {
    await body(database, hosts);
  } finally {
    for (const host of hosts) host.kill();
    await database.dispose();
  }
}

/** The thread as stored (positions, run ids), read in this process. */
async function storedThread(database: Database, ids: Ids): Promise<readonly StoredMessage[]> {
  const opened = database.open();
  try {
    return await opened.storage.listMessages(ids);
  } finally {
    await opened.close();
  }
}

const other = (runtime: Runtime): Runtime => (runtime === "legacy" ? "mastra" : "legacy");
const runtimeNames = runtimeSetups.map((setup) => setup.name as Runtime);

/** A stored message's parts of one type. */
const partsOf = (stored: StoredMessage, type: string): any[] =>
  typeof stored.message.content === "string"
    ? []
    : (stored.message.content as any[]).filter((part) => part.type === type);

/**
 * Checks that a run's messages are its `note: <tag>` turn, complete and in order: its input, the
 * call for the tag, its result, the answer on that result.
 */
function expectNoteTurn(messages: readonly StoredMessage[], tag: string): void {
  const context = `turn ${tag}: ${JSON.stringify(messages.map((stored) => [stored.position, stored.message]))}`;
  expect(
    messages.map((stored) => stored.message.role),
    context,
  ).toEqual(["user", "assistant", "tool", "assistant"]);
  const [user, call, result, answer] = messages as [
    StoredMessage,
    StoredMessage,
    StoredMessage,
    StoredMessage,
  ];
  const userText =
    typeof user.message.content === "string"
      ? user.message.content
      : partsOf(user, "text")
          .map((part) => part.text)
          .join("");
  expect(userText, context).toBe(`note: ${tag}`);
  const calls = partsOf(call, "tool-call");
  expect(calls, context).toHaveLength(1);
  expect(calls[0], context).toMatchObject({ toolName: "note", input: { text: tag } });
  const results = partsOf(result, "tool-result");
  expect(results, context).toHaveLength(1);
  expect(results[0].toolCallId, context).toBe(calls[0].toolCallId);
  expect(JSON.stringify(results[0].output), context).toContain(JSON.stringify({ noted: tag }));
  expect(
    partsOf(answer, "text")
      .map((part) => part.text)
      .join(""),
    context,
  ).toBe(`Done: note=${JSON.stringify({ noted: tag })}`);
  // A step's call and its result are stored together: nothing of another run between them.
  expect(result.position, context).toBe(call.position + 1);
}

/** The runtimes of the 4 hosts appending at once: each runtime alone, and both together. */
const appendMixes: ReadonlyArray<readonly Runtime[]> = [
  ["legacy", "legacy", "legacy", "legacy"],
  ["mastra", "mastra", "mastra", "mastra"],
  ["legacy", "legacy", "mastra", "mastra"],
];

/** Groups messages by run id, each group in thread order. */
function byRunId(messages: readonly StoredMessage[]): Map<string, StoredMessage[]> {
  const groups = new Map<string, StoredMessage[]>();
  for (const message of messages) {
    const key = message.runId ?? "(none)";
    const group = groups.get(key) ?? [];
    group.push(message);
    groups.set(key, group);
  }
  return groups;
}

/**
 * 4 hosts on the given runtimes run `turns` turns each on one thread, released together; then
 * the thread holds every message of every turn exactly once, each turn's in its order, each
 * host's turns in the order it ran them.
 */
async function appendTogether(database: Database, hosts: Host[], runtimes: readonly Runtime[]) {
  const ids = uniqueIds("append");
  const turns = 10;
  for (const [index, runtime] of runtimes.entries()) {
    // A short history window: each turn still reads the thread the others are writing.
    const task = { db: database.forChild!, runtime, ids, lastMessages: 8, warmUp: true };
    hosts.push(new Host(`p${index}-${runtime}`, task));
  }
  // Every host has migrated, connected and run once before any of them starts: the turns overlap.
  await Promise.all(hosts.map((host) => host.ready));
  const replies = await Promise.all(
    hosts.map((host, index) => host.send({ op: "turns", prefix: `p${index}`, count: turns })),
  );
  for (const [index, reply] of replies.entries()) {
    const host = hosts[index]!;
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    expect(reply.runs, JSON.stringify(reply)).toHaveLength(turns);
    reply.runs.forEach((run: { status: string; lastSent: unknown }, turn: number) => {
      expect(run.status, `${host.name}: ${JSON.stringify(run)}`).toBe("completed");
      // The model was sent the run's own input last (after the thread as read when the run opened).
      expect(run.lastSent, `${host.name}: ${JSON.stringify(run)}`).toEqual({
        role: "user",
        text: `note: p${index} t${turn}`,
      });
    });
    // Each turn's tool call ran once, in its host.
    expect(host.executed).toEqual(Array.from({ length: turns }, (_, turn) => `note p${index} t${turn}`));
  }
  await Promise.all(hosts.map((host) => host.exit()));

  const stored = await storedThread(database, ids);
  // Nothing lost or duplicated: 4 messages per turn (input, call, result, answer).
  expect(stored).toHaveLength(runtimes.length * turns * 4);
  expect(new Set(stored.map((message) => message.id)).size).toBe(stored.length);
  // Thread order is position order, positions unique and increasing.
  for (let index = 1; index < stored.length; index++) {
    expect(stored[index]!.position).toBeGreaterThan(stored[index - 1]!.position);
  }
  const byRun = byRunId(stored);
  expect([...byRun.keys()].sort()).toEqual(
    runtimes.flatMap((_, index) => Array.from({ length: turns }, (_, turn) => `p${index}-t${turn}`)).sort(),
  );
  for (const index of runtimes.keys()) {
    let previousEnd = -1;
    for (let turn = 0; turn < turns; turn++) {
      // Other hosts' messages may come between a turn's steps (each step is appended when it
      // ends), never inside a step, and never out of the turn's own order.
      const messages = byRun.get(`p${index}-t${turn}`)!;
      expectNoteTurn(messages, `p${index} t${turn}`);
      // A host's turns are in the order it ran them.
      expect(messages[0]!.position, `p${index} t${turn} after t${turn - 1}`).toBeGreaterThan(previousEnd);
      previousEnd = messages.at(-1)!.position;
    }
  }
}

/** The setups several processes may use at once; the Postgres server only with POSTGRES_URL. */
const sharedSetups = processSetups.filter((setup) => setup.concurrent);

if (!POSTGRES_URL) {
  describe.skip("host processes on postgres server (skipped: POSTGRES_URL is not set; CI sets it)", () => {
    it("needs a PostgreSQL server", () => {});
  });
}

describe.each(sharedSetups)("host processes on $name", (setup: DatabaseSetup) => {
  for (const runtimes of appendMixes) {
    const mix = runtimeNames
      .filter((name) => runtimes.includes(name))
      .map((name) => `${runtimes.filter((runtime) => runtime === name).length} ${name}`)
      .join(" + ");
    it(
      `4 hosts (${mix}) appending turns to one thread at once lose, duplicate and reorder nothing`,
      () => withDatabase(setup, (database, hosts) => appendTogether(database, hosts, runtimes)),
      TEST_TIMEOUT_MS,
    );
  }

  for (const first of runtimeNames) {
    const second = other(first);
    it(
      `a thread started in a ${first} host is read and continued by a live ${second} host, and back`,
      async () => {
        await withDatabase(setup, async (database, hosts) => {
          const ids = uniqueIds(`handoff-${first}`);
          const db = database.forChild!;
          const a = new Host(`A-${first}`, { db, runtime: first, ids });
          const b = new Host(`B-${second}`, { db, runtime: second, ids });
          hosts.push(a, b);
          await Promise.all([a.ready, b.ready]);

          const one = await a.turn("note: from A", "a-1");
          expect(one, JSON.stringify(one)).toMatchObject({
            status: "completed",
            text: 'Done: note={"noted":"from A"}',
          });

          // B reads A's turn through the memory API…
          expect(await b.messages()).toEqual([
            { role: "user", text: "note: from A" },
            { role: "assistant", text: '[call note {"text":"from A"}]' },
            { role: "tool", text: expect.stringContaining('"noted":"from A"') },
            { role: "assistant", text: 'Done: note={"noted":"from A"}' },
          ]);
          // …and continues the thread: its model was sent A's turn as history.
          const two = await b.turn("note: from B", "b-1");
          expect(two, JSON.stringify(two)).toMatchObject({
            status: "completed",
            text: 'Done: note={"noted":"from B"}',
          });
          const seenByB = two.prompt.filter((message) => message.role !== "system");
          expect(seenByB.map((message) => message.text)).toEqual([
            "note: from A",
            '[call note {"text":"from A"}]',
            expect.stringContaining('"noted":"from A"'),
            'Done: note={"noted":"from A"}',
            "note: from B",
          ]);

          // A, alive all along, sees B's turn in its next run (nothing it cached hides it).
          const three = await a.turn("what happened?", "a-2");
          expect(three, JSON.stringify(three)).toMatchObject({
            status: "completed",
            text: "echo: what happened?",
          });
          const seenByA = three.prompt.filter((message) => message.role !== "system");
          expect(seenByA.map((message) => message.text)).toEqual([
            ...seenByB.map((message) => message.text),
            '[call note {"text":"from B"}]',
            expect.stringContaining('"noted":"from B"'),
            'Done: note={"noted":"from B"}',
            "what happened?",
          ]);
          await a.exit();

          // After A exited, B reads the whole thread.
          const thread = await b.messages();
          expect(thread.map((message) => message.text)).toEqual([
            ...seenByA.map((message) => message.text),
            "echo: what happened?",
          ]);
          await b.exit();
          expect(a.executed).toEqual(["note from A"]);
          expect(b.executed).toEqual(["note from B"]);

          const stored = await storedThread(database, ids);
          expect(stored.map((message) => message.runId)).toEqual([
            ...Array(4).fill("a-1"),
            ...Array(4).fill("b-1"),
            ...Array(2).fill("a-2"),
          ]);
          expect(new Set(stored.map((message) => message.id)).size).toBe(stored.length);
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      `a run suspended in a ${first} host is read and cancelled from a ${second} host`,
      async () => {
        await withDatabase(setup, async (database, hosts) => {
          const ids = uniqueIds(`runstore-${first}`);
          const db = database.forChild!;
          const a = new Host(`A-${first}`, { db, runtime: first, ids });
          const b = new Host(`B-${second}`, { db, runtime: second, ids });
          hosts.push(a, b);
          await Promise.all([a.ready, b.ready]);

          // A completed run is in the thread only: the run store keeps suspended runs.
          expect((await a.turn("hello", "done-1")).status).toBe("completed");
          expect(await b.send({ op: "loadRun", runId: "done-1" })).toEqual({ ok: true });

          const suspended = await a.turn("refund A1 500", "r-1");
          expect(suspended, JSON.stringify(suspended)).toMatchObject({ status: "suspended", runId: "r-1" });
          expect(suspended.pendingApprovals).toHaveLength(1);

          // B reads the suspended run from the run store (its resource's only)…
          const loaded = await b.send({ op: "loadRun", runId: "r-1" });
          expect(loaded, JSON.stringify(loaded)).toMatchObject({
            ok: true,
            run: { runId: "r-1", resourceId: ids.resourceId, threadId: ids.threadId, version: 1 },
          });
          expect(
            await b.send({ op: "loadRun", runId: "r-1", resourceId: `${ids.resourceId}-other` }),
          ).toEqual({
            ok: true,
          });
          // …and the thread: the suspended step joins it only when the run is resumed.
          expect((await b.messages()).map((message) => message.text)).toEqual([
            "hello",
            "echo: hello",
            "refund A1 500",
          ]);

          // B cancels it; A, alive all along, sees that in the store and can no longer resume it.
          expect(await b.send({ op: "cancel", runId: "r-1" })).toEqual({ ok: true });
          const reloaded = await a.send({ op: "loadRun", runId: "r-1" });
          expect(reloaded, JSON.stringify(reloaded)).toMatchObject({ ok: true, run: { version: 2 } });
          const resumed = await a.send({
            op: "resume",
            runId: "r-1",
            decisions: [{ approvalId: suspended.pendingApprovals![0]!.approvalId, approved: true }],
          });
          expect(resumed, JSON.stringify(resumed)).toMatchObject({
            ok: false,
            error: { code: "RUN_NOT_SUSPENDED", status: "cancelled" },
          });
          await Promise.all([a.exit(), b.exit()]);
          expect([...a.executed, ...b.executed]).toEqual([]);
        });
      },
      TEST_TIMEOUT_MS,
    );
  }
  for (const reader of runtimeNames) {
    const writer = other(reader);
    it(
      `a ${reader} run answers its own input, and leaves other runs' messages alone, while a ${writer} host appends during its history read`,
      async () => {
        await withDatabase(setup, async (database, hosts) => {
          const ids = uniqueIds(`read-race-${reader}`);
          const db = database.forChild!;
          const a = new Host(`A-${writer}`, { db, runtime: writer, ids });
          const b = new Host(`B-${reader}`, { db, runtime: reader, ids });
          hosts.push(a, b);
          await Promise.all([a.ready, b.ready]);
          expect((await a.turn("note: before", "a-0")).status).toBe("completed");

          // B's run starts; its first thread read (the history) waits until A stored a whole turn,
          // as a slow read on a busy database would. Then the read goes on. B's model follows the
          // script for its input whatever it is sent, so what B stores does not depend on the prompt.
          const paused = b.nextLine("PAUSED");
          const running = b.turn("note: from B", "b-1", { pauseRead: true, script: "from B" });
          await paused;
          expect((await a.turn("note: from A", "a-1")).status).toBe("completed");
          b.signal({ op: "release" });
          const reply = await running;
          expect(reply, JSON.stringify(reply)).toMatchObject({
            status: "completed",
            text: 'Done: note={"noted":"from B"}',
          });
          await Promise.all([a.exit(), b.exit()]);
          expect(a.executed).toEqual(["note before", "note from A"]);
          expect(b.executed).toEqual(["note from B"]);

          // Every run's messages are its own, whole and in order: B's writes replaced none of A's.
          const stored = await storedThread(database, ids);
          const byRun = byRunId(stored);
          expectNoteTurn(byRun.get("a-0") ?? [], "before");
          expectNoteTurn(byRun.get("a-1") ?? [], "from A");
          expectNoteTurn(byRun.get("b-1") ?? [], "from B");
          expect(stored).toHaveLength(12);

          // B's model was sent the thread as B read it (A's turns included), then B's input, last.
          const seen = reply.prompt
            .filter((message) => message.role !== "system")
            .map((message) => message.text);
          const turnOf = (text: string) => [
            `note: ${text}`,
            `[call note {"text":"${text}"}]`,
            expect.stringContaining(`"noted":"${text}"`),
            `Done: note={"noted":"${text}"}`,
          ];
          expect(seen).toEqual([...turnOf("before"), ...turnOf("from A"), "note: from B"]);
        });
      },
      TEST_TIMEOUT_MS,
    );
  }
});
