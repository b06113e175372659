import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4FunctionTool,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from "@ai-sdk/provider";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CassetteMissError } from "../errors/cassette-miss-error.js";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import { type CassetteFile, createCassetteModel } from "./cassette-model.js";
import { hashRequest } from "./request-hash.js";
import { createScriptedModel, type ScriptedTurn } from "./scripted-model.js";

const weatherTool: LanguageModelV4FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city.",
  inputSchema: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
};

function ask(question: string, extra: Partial<LanguageModelV4CallOptions> = {}): LanguageModelV4CallOptions {
  return {
    prompt: [
      { role: "system", content: "You are a weather assistant. Be brief." },
      { role: "user", content: [{ type: "text", text: question }] },
    ],
    tools: [weatherTool],
    temperature: 0,
    ...extra,
  };
}

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const parts: T[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

async function streamParts(model: LanguageModelV4, options: LanguageModelV4CallOptions) {
  const { stream } = await model.doStream(options);
  return readAll(stream);
}

function textOf(result: LanguageModelV4GenerateResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

async function readCassette(path: string): Promise<CassetteFile> {
  return JSON.parse(await readFile(path, "utf8")) as CassetteFile;
}

/** `FLOWMAESTRO_CASSETTE_MODE=record vitest run …` rewrites the committed fixture (read before tests stub it). */
const rewriteFixtures = process.env.FLOWMAESTRO_CASSETTE_MODE === "record";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flowmaestro-cassette-"));
  vi.stubEnv("FLOWMAESTRO_CASSETTE_MODE", "");
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

describe("createCassetteModel: record and replay", () => {
  it("records doGenerate and replays it offline with identical output", async () => {
    const path = join(dir, "nested", "deeper", "generate.json");
    const real = createScriptedModel({
      provider: "acme",
      modelId: "acme-1",
      turns: [{ text: "Sunny in Paris.", usage: { inputTokens: 12, outputTokens: 4 } }],
    });
    const recorder = createCassetteModel({ path, mode: "record", model: real });
    const recorded = await recorder.doGenerate(ask("Weather in Paris?"));
    expect(recorder.entries).toBe(1);
    expect(real.calls).toHaveLength(1);

    const replayer = createCassetteModel({ path, mode: "replay" });
    expect(replayer.entries).toBe(1);
    expect(replayer.provider).toBe("acme");
    expect(replayer.modelId).toBe("acme-1");
    const replayed = await replayer.doGenerate(ask("Weather in Paris?"));
    expect(replayed.content).toEqual(recorded.content);
    expect(replayed.finishReason).toEqual(recorded.finishReason);
    expect(replayed.usage).toEqual(recorded.usage);
    expect(replayed.warnings).toEqual([]);
    expect(replayed.response).toEqual({ id: "response_0", modelId: "acme-1", timestamp: new Date(0) });
    expect(replayed.response?.timestamp).toBeInstanceOf(Date);
    expect(replayer.misses).toEqual([]);
  });

  it("records doStream and replays the same parts", async () => {
    const path = join(dir, "stream.json");
    const real = createScriptedModel({
      turns: [
        {
          text: ["Let me ", "check."],
          toolCalls: [{ toolName: "get_weather", input: { city: "Paris" }, toolCallId: "call_1" }],
          usage: { inputTokens: 30, outputTokens: 9 },
        },
      ],
    });
    const recorder = createCassetteModel({ path, mode: "record", model: real });
    const recorded = await streamParts(recorder, ask("Weather in Paris?"));
    expect(recorder.entries).toBe(1);

    const replayed = await streamParts(createCassetteModel({ path }), ask("Weather in Paris?"));
    expect(replayed).toEqual(recorded);
    expect(replayed.map((part) => part.type)).toEqual([
      "stream-start",
      "response-metadata",
      "text-start",
      "text-delta",
      "text-delta",
      "text-end",
      "tool-input-start",
      "tool-input-delta",
      "tool-input-end",
      "tool-call",
      "finish",
    ]);
    const metadata = replayed.find((part) => part.type === "response-metadata");
    expect(metadata?.type === "response-metadata" && metadata.timestamp).toBeInstanceOf(Date);
    const finish = replayed.at(-1);
    expect(finish).toMatchObject({
      type: "finish",
      finishReason: { unified: "tool-calls", raw: "tool-calls" },
      usage: { inputTokens: { total: 30 }, outputTokens: { total: 9 } },
    });
  });

  it("replays stream error parts as errors that keep their status", async () => {
    const path = join(dir, "stream-error.json");
    const overloaded = Object.assign(new Error("Overloaded"), { statusCode: 529, isRetryable: true });
    const real = createScriptedModel({ turns: [{ text: "Partial", streamError: overloaded }] });
    await streamParts(createCassetteModel({ path, mode: "record", model: real }), ask("Weather in Paris?"));

    const replayed = await streamParts(createCassetteModel({ path }), ask("Weather in Paris?"));
    const last = replayed.at(-1);
    expect(last?.type).toBe("error");
    const error = last?.type === "error" ? last.error : undefined;
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: "Overloaded", statusCode: 529, isRetryable: true });

    // The same recording replayed through doGenerate rejects with that error.
    await expect(createCassetteModel({ path }).doGenerate(ask("Weather in Paris?"))).rejects.toMatchObject({
      message: "Overloaded",
      statusCode: 529,
    });
  });

  it("serves a stream request from a generate recording and vice versa", async () => {
    const turn: ScriptedTurn = {
      text: ["It is ", "sunny."],
      toolCalls: [{ toolName: "get_weather", input: { city: "Paris" }, toolCallId: "call_1" }],
    };
    const generatePath = join(dir, "generate.json");
    const streamPath = join(dir, "stream.json");
    const direct = createScriptedModel({ turns: [turn, turn] });
    const expectedResult = await direct.doGenerate(ask("Weather?"));
    const expectedParts = await streamParts(direct, ask("Weather?"));

    const generateRecorder = createCassetteModel({
      path: generatePath,
      mode: "record",
      model: createScriptedModel({ turns: [turn] }),
    });
    await generateRecorder.doGenerate(ask("Weather?"));
    const streamRecorder = createCassetteModel({
      path: streamPath,
      mode: "record",
      model: createScriptedModel({ turns: [turn] }),
    });
    await streamParts(streamRecorder, ask("Weather?"));

    // stream recording → generate replay: the same result the model's own doGenerate gives.
    const folded = await createCassetteModel({ path: streamPath }).doGenerate(ask("Weather?"));
    expect(folded.content).toEqual(expectedResult.content);
    expect(folded.finishReason).toEqual(expectedResult.finishReason);
    expect(folded.usage).toEqual(expectedResult.usage);
    expect(folded.response).toEqual(expectedResult.response);

    // generate recording → stream replay: the same text, tool call, usage and finish reason.
    const unfolded = await streamParts(createCassetteModel({ path: generatePath }), ask("Weather?"));
    const text = (parts: LanguageModelV4StreamPart[]) =>
      parts.map((part) => (part.type === "text-delta" ? part.delta : "")).join("");
    expect(text(unfolded)).toBe(text(expectedParts));
    expect(unfolded.filter((part) => part.type === "tool-call")).toEqual(
      expectedParts.filter((part) => part.type === "tool-call"),
    );
    expect(unfolded.at(-1)).toEqual(expectedParts.at(-1));
    // The recording kept the whole text, so it replays as one delta.
    expect(unfolded.map((part) => part.type)).toEqual(
      expectedParts.map((part) => part.type).filter((type, index, types) => type !== types[index - 1]),
    );
  });

  it("replays identical requests in recorded order, then repeats the last answer", async () => {
    const path = join(dir, "repeat.json");
    const real = createScriptedModel({ turns: [{ text: "one" }, { text: "two" }] });
    const recorder = createCassetteModel({ path, mode: "record", model: real });
    expect(textOf(await recorder.doGenerate(ask("Again?")))).toBe("one");
    expect(textOf(await recorder.doGenerate(ask("Again?")))).toBe("two");

    const file = await readCassette(path);
    expect(file.entries.map((entry) => entry.hash)).toEqual([
      hashRequest(ask("Again?")),
      hashRequest(ask("Again?")),
    ]);

    const replayer = createCassetteModel({ path });
    const answers = [];
    for (let index = 0; index < 3; index++) answers.push(textOf(await replayer.doGenerate(ask("Again?"))));
    expect(answers).toEqual(["one", "two", "two"]);
  });

  it("ignores abortSignal and headers when matching", async () => {
    const path = join(dir, "transport.json");
    const real = createScriptedModel({ turns: [{ text: "ok" }] });
    await createCassetteModel({ path, mode: "record", model: real }).doGenerate(ask("Hi"));
    const replayed = await createCassetteModel({ path }).doGenerate(
      ask("Hi", { abortSignal: new AbortController().signal, headers: { "x-request-id": "42" } }),
    );
    expect(textOf(replayed)).toBe("ok");
  });

  it("rejects with the abort reason when the signal has already fired", async () => {
    const path = join(dir, "abort.json");
    await createCassetteModel({
      path,
      mode: "record",
      model: createScriptedModel({ turns: [{ text: "ok" }] }),
    }).doGenerate(ask("Hi"));
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(
      createCassetteModel({ path }).doGenerate(ask("Hi", { abortSignal: controller.signal })),
    ).rejects.toThrow("stop");
  });
});

describe("createCassetteModel: misses", () => {
  it("throws CassetteMissError with the hash, the path and a diff against the nearest request", async () => {
    const path = join(dir, "miss.json");
    const real = createScriptedModel({ turns: [{ text: "Sunny." }, { text: "A joke." }] });
    const recorder = createCassetteModel({ path, mode: "record", model: real });
    await recorder.doGenerate(ask("Weather in Paris?"));
    await recorder.doGenerate(
      ask("Tell me a joke about the weather, please, something short", { temperature: 1 }),
    );

    const replayer = createCassetteModel({ path });
    const request = ask("Weather in Lyon?");
    const error = await replayer.doGenerate(request).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(CassetteMissError.isInstance(error)).toBe(true);
    const miss = error as CassetteMissError;
    expect(miss.code).toBe("CASSETTE_MISS");
    expect(miss.requestHash).toBe(hashRequest(request));
    expect(miss.message).toContain(miss.requestHash);
    expect(miss.message).toContain(path);
    expect(miss.message).toContain("entry #0");
    expect(miss.message).toMatch(/^- .*"Weather in Paris\?"/m);
    expect(miss.message).toMatch(/^\+ .*"Weather in Lyon\?"/m);
    expect(miss.message).not.toContain("joke");
    expect(miss.message).toContain("FLOWMAESTRO_CASSETTE_MODE=record");
    expect(replayer.misses).toEqual([
      { hash: miss.requestHash, method: "generate", request: expect.objectContaining({ temperature: 0 }) },
    ]);
  });

  it("bounds the diff for very different requests", async () => {
    const path = join(dir, "bounded.json");
    const many = (word: string) =>
      ask("Hi", { stopSequences: Array.from({ length: 100 }, (_, index) => `${word}${index}`) });
    await createCassetteModel({
      path,
      mode: "record",
      model: createScriptedModel({ turns: [{ text: "ok" }] }),
    }).doGenerate(many("old"));
    const error = await createCassetteModel({ path })
      .doStream(many("new"))
      .then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
    expect(error?.message).toContain("doStream request");
    const changed = (error?.message ?? "").split("\n").filter((line) => /^[-+] /.test(line));
    expect(changed).toHaveLength(40);
    expect(error?.message).toContain("… and 160 more changed line(s)");
  });

  it("explains a missing cassette file", async () => {
    const path = join(dir, "missing.json");
    const model = createCassetteModel({ path });
    expect(model.entries).toBe(0);
    await expect(model.doGenerate(ask("Hi"))).rejects.toThrow(
      /does not exist[\s\S]*FLOWMAESTRO_CASSETTE_MODE=record/,
    );
    await expect(model.doStream(ask("Hi"))).rejects.toSatisfy(CassetteMissError.isInstance);
    expect(model.misses).toHaveLength(2);
  });
});

describe("createCassetteModel: secrets", () => {
  it("never writes headers, bodies, key-shaped strings or secret env values", async () => {
    const envSecret = "envsecretvalue0123456789";
    vi.stubEnv("ACME_PROVIDER_API_KEY", envSecret);
    const headerKey = "sk-live-header-key-0123456789abcdef";
    const scripted = createScriptedModel({
      turns: [{ text: `Your key is ${envSecret}.` }, { text: ["Key: ", "sk-proj-streamedkey0123456789"] }],
    });
    const leaky: LanguageModelV4 = {
      specificationVersion: "v4",
      provider: "acme",
      modelId: "acme-1",
      supportedUrls: {},
      async doGenerate(options) {
        const result = await scripted.doGenerate(options);
        return {
          ...result,
          request: { body: { api_key: headerKey, messages: ["secret request body"] } },
          response: { ...result.response, headers: { "x-api-key": headerKey }, body: "secret response body" },
        };
      },
      async doStream(options) {
        const result = await scripted.doStream(options);
        return {
          ...result,
          request: { body: { api_key: headerKey } },
          response: { headers: { authorization: `Bearer ${headerKey}` } },
        };
      },
    };
    const path = join(dir, "secrets.json");
    const recorder = createCassetteModel({ path, mode: "record", model: leaky });
    const secretCall = (text: string) =>
      ask(text, {
        headers: { Authorization: `Bearer ${headerKey}`, "x-api-key": headerKey },
        providerOptions: { acme: { apiKey: envSecret } },
      });
    await recorder.doGenerate(secretCall(`My key is ${headerKey}`));
    await streamParts(recorder, secretCall("Stream it"));

    const text = await readFile(path, "utf8");
    expect(text).not.toContain(headerKey);
    expect(text).not.toContain(envSecret);
    expect(text).not.toContain("sk-proj-streamedkey");
    expect(text).not.toContain("secret request body");
    expect(text).not.toContain("secret response body");
    expect(text.toLowerCase()).not.toContain("authorization");
    expect(text).not.toContain("x-api-key");
    expect(text).toContain("[redacted]");

    // Hashes use the real request, so replay still matches; the answers come back redacted.
    const replayer = createCassetteModel({ path });
    expect(textOf(await replayer.doGenerate(secretCall(`My key is ${headerKey}`)))).toBe(
      "Your key is [redacted].",
    );
    const error = await replayer.doGenerate(secretCall(`My key is ${headerKey}!`)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(CassetteMissError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain(headerKey);
  });
});

describe("createCassetteModel: modes and file", () => {
  it("auto mode replays hits without calling the model and records misses", async () => {
    const path = join(dir, "auto.json");
    const first = createScriptedModel({ turns: [{ text: "Sunny in Paris." }] });
    const firstRun = createCassetteModel({ path, mode: "auto", model: first });
    expect(textOf(await firstRun.doGenerate(ask("Weather in Paris?")))).toBe("Sunny in Paris.");
    expect(firstRun.misses).toHaveLength(1);

    const second = createScriptedModel({ turns: [{ text: "Rainy in Rome." }] });
    const secondRun = createCassetteModel({ path, mode: "auto", model: second });
    expect(textOf(await secondRun.doGenerate(ask("Weather in Paris?")))).toBe("Sunny in Paris.");
    expect(second.calls).toHaveLength(0);
    const rome = await streamParts(secondRun, ask("Weather in Rome?"));
    expect(rome.filter((part) => part.type === "text-delta").map((part) => part.delta)).toEqual([
      "Rainy in Rome.",
    ]);
    expect(second.calls).toHaveLength(1);
    expect(secondRun.misses.map((miss) => miss.method)).toEqual(["stream"]);
    expect(secondRun.entries).toBe(2);

    const file = await readCassette(path);
    expect(file.entries.map((entry) => entry.method)).toEqual(["generate", "stream"]);
    const replayer = createCassetteModel({ path, mode: "replay" });
    expect(textOf(await replayer.doGenerate(ask("Weather in Rome?")))).toBe("Rainy in Rome.");
  });

  it("takes the default mode from FLOWMAESTRO_CASSETTE_MODE", () => {
    const path = join(dir, "env.json");
    const model = createScriptedModel({ turns: [] });
    expect(createCassetteModel({ path }).mode).toBe("replay");
    vi.stubEnv("FLOWMAESTRO_CASSETTE_MODE", "record");
    expect(createCassetteModel({ path, model }).mode).toBe("record");
    expect(createCassetteModel({ path, model, mode: "auto" }).mode).toBe("auto");
    vi.stubEnv("FLOWMAESTRO_CASSETTE_MODE", "sometimes");
    expect(() => createCassetteModel({ path, model })).toThrow(/FLOWMAESTRO_CASSETTE_MODE/);
  });

  it("requires the real model to record", () => {
    const path = join(dir, "no-model.json");
    expect(() => createCassetteModel({ path, mode: "record" })).toThrow(InvalidDefinitionError);
    expect(() => createCassetteModel({ path, mode: "auto" })).toThrow(/`model`/);
  });

  it("rejects a file that is not a cassette", async () => {
    const path = join(dir, "broken.json");
    await writeFile(path, "{ not json");
    expect(() => createCassetteModel({ path })).toThrow(InvalidDefinitionError);
    await writeFile(path, JSON.stringify({ version: 2, entries: [] }));
    expect(() => createCassetteModel({ path })).toThrow(/version 1/);
  });

  it("writes a pretty, stable, versioned file atomically and overwrites it when re-recording", async () => {
    const path = join(dir, "format", "cassette.json");
    const record = async (text: string) => {
      const model = createCassetteModel({
        path,
        mode: "record",
        model: createScriptedModel({ provider: "acme", modelId: "acme-1", turns: [{ text }] }),
      });
      await model.doGenerate(ask("Hi"));
      return readFile(path, "utf8");
    };
    const firstText = await record("Hello!");
    expect(firstText.startsWith('{\n  "version": 1,\n  "model": {\n    "modelId": "acme-1",')).toBe(true);
    expect(firstText.endsWith("}\n")).toBe(true);
    const file = JSON.parse(firstText) as CassetteFile;
    expect(file.model).toEqual({ provider: "acme", modelId: "acme-1", supportedUrls: {} });
    expect(file.entries).toHaveLength(1);
    const [entry] = file.entries;
    expect(Object.keys(entry ?? {})).toEqual(["hash", "method", "request", "response"]);
    expect(entry?.hash).toBe(hashRequest(ask("Hi")));
    expect(entry?.method).toBe("generate");
    expect(entry?.request).toMatchObject({ temperature: 0, tools: [{ name: "get_weather" }] });
    expect(entry?.response).toMatchObject({
      content: [{ type: "text", text: "Hello!" }],
      response: { timestamp: { $type: "Date", value: "1970-01-01T00:00:00.000Z" } },
    });

    expect(await record("Hello!")).toBe(firstText);
    const rerecorded = JSON.parse(await record("Hi there!")) as CassetteFile;
    expect(rerecorded.entries).toHaveLength(1);
    expect(await readdir(dirname(path))).toEqual(["cassette.json"]);
  });

  it("save() creates an empty cassette when recording nothing and never writes in replay", async () => {
    const recordPath = join(dir, "empty", "record.json");
    const recorder = createCassetteModel({
      path: recordPath,
      mode: "record",
      model: createScriptedModel({ turns: [] }),
    });
    await recorder.save();
    expect((await readCassette(recordPath)).entries).toEqual([]);

    const replayPath = join(dir, "replay-only.json");
    await createCassetteModel({ path: replayPath }).save();
    await expect(readFile(replayPath)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("does not record a stream the caller cancels", async () => {
    const path = join(dir, "cancel.json");
    const recorder = createCassetteModel({
      path,
      mode: "record",
      model: createScriptedModel({ turns: [{ text: ["a", "b", "c"] }] }),
    });
    const { stream } = await recorder.doStream(ask("Hi"));
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    await recorder.save();
    expect(recorder.entries).toBe(0);
    expect((await readCassette(path)).entries).toEqual([]);
  });
});

describe("createCassetteModel: with the AI SDK", () => {
  it("records a generateText tool loop and replays it through streamText offline", async () => {
    const path = join(dir, "ai-sdk.json");
    const tools = {
      get_weather: tool({
        description: "Current weather for a city.",
        inputSchema: jsonSchema<{ city: string }>({
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
        }),
        execute: async ({ city }) => ({ city, forecast: "sunny", celsius: 21 }),
      }),
    };
    const real = createScriptedModel({
      turns: [
        { toolCalls: [{ toolName: "get_weather", input: { city: "Paris" } }] },
        { text: ["Sunny, ", "21°C."] },
      ],
    });
    const run = (model: LanguageModelV4) =>
      generateText({ model, tools, stopWhen: stepCountIs(3), prompt: "Weather in Paris?", temperature: 0 });
    const recorded = await run(createCassetteModel({ path, mode: "record", model: real }));
    expect(recorded.text).toBe("Sunny, 21°C.");

    const replayed = await run(createCassetteModel({ path }));
    expect(replayed.text).toBe(recorded.text);
    expect(replayed.steps).toHaveLength(2);
    expect(replayed.usage).toEqual(recorded.usage);

    const streamed = streamText({
      model: createCassetteModel({ path }),
      tools,
      stopWhen: stepCountIs(3),
      prompt: "Weather in Paris?",
      temperature: 0,
    });
    expect(await streamed.text).toBe("Sunny, 21°C.");
    expect(await streamed.finishReason).toBe("stop");
  });
});

describe("committed fixture: weather agent", () => {
  const fixture = join(
    dirname(fileURLToPath(import.meta.url)),
    "__fixtures__",
    "weather-agent.cassette.json",
  );

  /** The scripted "real" model the fixture was recorded from (see the last test). */
  const fixtureTurns = (): ScriptedTurn[] => [
    {
      text: "Let me look that up.",
      toolCalls: [{ toolName: "get_weather", input: { city: "Paris" }, toolCallId: "call_paris" }],
      usage: { inputTokens: 52, outputTokens: 18 },
    },
    { text: ["It is sunny in Paris, ", "21°C."], usage: { inputTokens: 96, outputTokens: 11 } },
  ];

  const forecasts: Record<string, { forecast: string; celsius: number }> = {
    Paris: { forecast: "sunny", celsius: 21 },
  };

  interface AgentStep {
    text: string;
    toolCalls: { toolCallId: string; toolName: string; input: string }[];
    finishReason: string;
  }

  function stepFromResult(result: LanguageModelV4GenerateResult): AgentStep {
    return {
      text: textOf(result),
      toolCalls: result.content.flatMap((part) => (part.type === "tool-call" ? [part] : [])),
      finishReason: result.finishReason.unified,
    };
  }

  function stepFromParts(parts: LanguageModelV4StreamPart[]): AgentStep {
    const step: AgentStep = { text: "", toolCalls: [], finishReason: "other" };
    for (const part of parts) {
      if (part.type === "text-delta") step.text += part.delta;
      else if (part.type === "tool-call") step.toolCalls.push(part);
      else if (part.type === "finish") step.finishReason = part.finishReason.unified;
      else if (part.type === "error") throw part.error;
    }
    return step;
  }

  /** A minimal ReAct loop, as a runtime drives a model: call, run tools, feed results back. */
  async function runWeatherAgent(model: LanguageModelV4, question: string, method: "generate" | "stream") {
    const prompt: LanguageModelV4Prompt = [
      { role: "system", content: "You are a weather assistant. Be brief." },
      { role: "user", content: [{ type: "text", text: question }] },
    ];
    const trace: string[] = [];
    for (let iteration = 0; iteration < 5; iteration++) {
      const options: LanguageModelV4CallOptions = { prompt: structuredClone(prompt), tools: [weatherTool] };
      const step =
        method === "generate"
          ? stepFromResult(await model.doGenerate(options))
          : stepFromParts(await streamParts(model, options));
      trace.push(`${step.finishReason}:${step.text}`);
      if (step.toolCalls.length === 0) return { text: step.text, trace };
      prompt.push({
        role: "assistant",
        content: [
          ...(step.text ? [{ type: "text" as const, text: step.text }] : []),
          ...step.toolCalls.map((call) => ({
            type: "tool-call" as const,
            toolCallId: call.toolCallId,
            toolName: call.toolName,
            input: JSON.parse(call.input) as unknown,
          })),
        ],
      });
      prompt.push({
        role: "tool",
        content: step.toolCalls.map((call) => {
          const { city } = JSON.parse(call.input) as { city: string };
          return {
            type: "tool-result" as const,
            toolCallId: call.toolCallId,
            toolName: call.toolName,
            output: { type: "json" as const, value: forecasts[city] ?? { error: `No forecast for ${city}` } },
          };
        }),
      });
    }
    throw new Error("The agent did not finish in 5 iterations.");
  }

  it("replays the agent offline through doStream", async () => {
    const model = createCassetteModel({ path: fixture, mode: "replay" });
    expect(model.entries).toBe(2);
    expect(model.provider).toBe("scripted");
    const result = await runWeatherAgent(model, "What is the weather in Paris?", "stream");
    expect(result.text).toBe("It is sunny in Paris, 21°C.");
    expect(result.trace).toEqual(["tool-calls:Let me look that up.", "stop:It is sunny in Paris, 21°C."]);
    expect(model.misses).toEqual([]);
  });

  it("replays the same recording through doGenerate", async () => {
    const model = createCassetteModel({ path: fixture, mode: "replay" });
    const result = await runWeatherAgent(model, "What is the weather in Paris?", "generate");
    expect(result.text).toBe("It is sunny in Paris, 21°C.");
  });

  it("misses with a readable diff when the agent's question changes", async () => {
    const model = createCassetteModel({ path: fixture, mode: "replay" });
    await expect(runWeatherAgent(model, "What is the weather in Rome?", "stream")).rejects.toThrow(
      /- .*What is the weather in Paris\?[\s\S]*\+ .*What is the weather in Rome\?/,
    );
  });

  it("is exactly what recording the scripted agent produces (re-record to update)", async () => {
    const path = join(dir, "weather-agent.cassette.json");
    const recorder = createCassetteModel({
      path,
      mode: "record",
      model: createScriptedModel({ turns: fixtureTurns() }),
    });
    await runWeatherAgent(recorder, "What is the weather in Paris?", "stream");
    const recorded = await readFile(path, "utf8");
    if (rewriteFixtures) await writeFile(fixture, recorded);
    expect(recorded).toBe(await readFile(fixture, "utf8"));
  });
});
