/**
 * JSON Schema Test Suite conformance for the run-time JSON Schema → Zod converter, compared with
 * other converters.
 *
 * Usage: npm run conformance -w @flowmaestro/tools -- [--require] [--update-floor] [--ours-only] [--verbose]
 *
 * - The suite is read from $JSON_SCHEMA_TEST_SUITE, else from `../../../shared/json-schema-test-suite`
 *   relative to the package directory (packages/tools). Without it the script says so and exits 0
 *   (1 with --require).
 * - Each implementation runs in a worker thread; a schema group that takes longer than
 *   GROUP_TIMEOUT_MS (a hang) is killed and counted as failed, and the worker restarts after it.
 *   The clock runs only while a group is being converted and validated (not while the worker
 *   starts, nor while json-schema-to-zod's modules are prepared), and the limit is a thousand
 *   times the slowest group of ours (about 30 ms), so a loaded machine never turns slowness into
 *   failures. A worker that does not start within STARTUP_TIMEOUT_MS fails the run.
 * - json-schema-to-zod only generates source text. Its worker writes, per keyword file, one temporary
 *   ES module holding every generated expression (TypeScript, so `.mts`, loaded through tsx like this
 *   script) with zod imported from its absolute file URL, imports it and runs the cases against the
 *   installed zod 4 — no eval. The temporary directory is removed when the run ends.
 * - Round trip: each converted suite schema is emitted back with `z.toJSONSchema` exactly as the
 *   AI SDK and Mastra call it, and ajv judges every test instance against the emitted schema; the
 *   agreement with the suite's verdicts is reported beside ajv's own score on the source schemas
 *   (the most any emission can reach with ajv as the judge).
 * - Results go to conformance/results.json; the overall per-draft pass rates and round-trip
 *   agreements are compared with conformance/floor.json (--update-floor rewrites it) and the
 *   script exits 1 below the floor. Nothing in the verdicts depends on timing.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread, parentPort, threadId, Worker, workerData } from "node:worker_threads";
import { Ajv, type AnySchema } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { z } from "zod";
import { jsonSchemaToZod } from "../src/json-schema-to-zod/index.js";

const SCRIPT_PATH = fileURLToPath(import.meta.url);
const PACKAGE_DIR = resolve(dirname(SCRIPT_PATH), "..");
/** A hang detector, not a speed limit: see the header. */
const GROUP_TIMEOUT_MS = 30_000;
const STARTUP_TIMEOUT_MS = 120_000;
const REMOTE_BASE = "http://localhost:1234/";

type ImplementationId =
  | "ours"
  | "zod-from-json-schema"
  | "zod-fromJSONSchema"
  | "composio"
  | "json-schema-to-zod";
type DraftId = "draft7" | "draft2020-12";
type Category = "required" | "format";

interface SuiteTest {
  description: string;
  data: unknown;
  valid: boolean;
}
interface SuiteGroup {
  description: string;
  schema: unknown;
  tests: SuiteTest[];
}
interface SuiteFile {
  draft: DraftId;
  category: Category;
  name: string;
  path: string;
}
interface GroupResult {
  file: string;
  group: number;
  outcomes: boolean[];
  error?: string;
}
interface WorkerInput {
  implementation: ImplementationId;
  draft: DraftId;
  suiteDir: string;
  files: Array<{ name: string; path: string }>;
  startAt: number;
  /** Where json-schema-to-zod's generated modules are written (created and removed by the main thread). */
  tempDir?: string;
}
type Validator = (data: unknown) => boolean;
interface Converter {
  /** Called once per keyword file before its groups are converted; `from` is the first group to run. */
  prepareFile?: (schemas: readonly unknown[], from: number) => Promise<void>;
  /** Builds a validator for group `group` of the current file, or throws when it cannot be converted. */
  convert: (schema: unknown, group: number) => Validator;
}

const IMPLEMENTATIONS: ReadonlyArray<{ id: ImplementationId; label: string }> = [
  { id: "ours", label: "ours" },
  { id: "zod-from-json-schema", label: "zod-from-json-schema" },
  { id: "zod-fromJSONSchema", label: "z.fromJSONSchema" },
  { id: "composio", label: "@composio/json-schema-to-zod" },
  { id: "json-schema-to-zod", label: "json-schema-to-zod" },
];
const DRAFTS: ReadonlyArray<{
  id: DraftId;
  option: "draft-07" | "2020-12";
  zodTarget: "draft-7" | "draft-2020-12";
}> = [
  { id: "draft7", option: "draft-07", zodTarget: "draft-7" },
  { id: "draft2020-12", option: "2020-12", zodTarget: "draft-2020-12" },
];
/** Files exercising the keywords tools use; their schemas with a root `type` must all pass. */
const TOOL_KEYWORD_FILES = new Set(
  (
    "type properties required additionalProperties patternProperties propertyNames minProperties maxProperties " +
    "dependentRequired dependentSchemas dependencies items prefixItems additionalItems minItems maxItems uniqueItems " +
    "contains minContains maxContains enum const anyOf oneOf allOf not if-then-else minimum maximum exclusiveMinimum " +
    "exclusiveMaximum multipleOf minLength maxLength pattern format boolean_schema ref defs definitions"
  ).split(" "),
);

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

function loadRemotes(suiteDir: string): Record<string, unknown> {
  const remotesDir = join(suiteDir, "remotes");
  const remotes: Record<string, unknown> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith(".json"))
        remotes[REMOTE_BASE + relative(remotesDir, full).split("\\").join("/")] = readJson(full);
    }
  };
  if (existsSync(remotesDir)) walk(remotesDir);
  return remotes;
}

function listFiles(suiteDir: string, draft: DraftId): SuiteFile[] {
  const files: SuiteFile[] = [];
  const base = join(suiteDir, "tests", draft);
  for (const name of readdirSync(base).sort()) {
    if (name.endsWith(".json"))
      files.push({ draft, category: "required", name: name.slice(0, -5), path: join(base, name) });
  }
  const formatDir = join(base, "optional", "format");
  if (existsSync(formatDir)) {
    for (const name of readdirSync(formatDir).sort()) {
      if (name.endsWith(".json")) {
        files.push({
          draft,
          category: "format",
          name: `format/${name.slice(0, -5)}`,
          path: join(formatDir, name),
        });
      }
    }
  }
  return files;
}

function errorMessage(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).slice(0, 200);
}

/**
 * json-schema-to-zod emits source text (TypeScript: some parsers write type arguments). Each file's
 * generated expressions go into one temporary module — an expression that throws while building its
 * schema becomes null — which is imported, never evaluated as a string. When that module does not
 * import as a whole (a syntax error in one expression), each schema gets a module of its own so one
 * bad schema does not fail the whole file. No remotes: the generator cannot take them.
 */
async function loadGeneratedConverter(tempDir: string): Promise<Converter> {
  const { jsonSchemaToZod: generate } = await import("json-schema-to-zod");
  const zodUrl = import.meta.resolve("zod");
  let serial = 0;
  const importModule = async (expressions: ReadonlyArray<string | null>): Promise<unknown[]> => {
    const body = expressions
      .map((expression) =>
        expression === null
          ? "  null"
          : `  (() => {\n    try {\n      return (\n${expression}\n      );\n    } catch {\n      return null;\n    }\n  })()`,
      )
      .join(",\n");
    const file = join(tempDir, `jstz-${threadId}-${serial++}.mts`);
    writeFileSync(
      file,
      `import { z } from ${JSON.stringify(zodUrl)};\n\nexport const schemas = [\n${body},\n];\n`,
    );
    try {
      const module = (await import(pathToFileURL(file).href)) as { schemas: unknown[] };
      return module.schemas;
    } finally {
      unlinkSync(file);
    }
  };
  let schemas: unknown[] = [];
  let errors: Array<string | undefined> = [];
  return {
    async prepareFile(fileSchemas, from) {
      const expressions: Array<string | null> = [];
      errors = [];
      fileSchemas.forEach((schema, index) => {
        if (index < from) {
          expressions.push(null);
          return;
        }
        try {
          expressions.push(generate(schema as never, { module: "none", zodVersion: 4 }));
        } catch (error) {
          expressions.push(null);
          errors[index] = `generation failed: ${errorMessage(error)}`;
        }
      });
      try {
        schemas = await importModule(expressions);
      } catch {
        schemas = [];
        for (let index = 0; index < expressions.length; index++) {
          const expression = expressions[index]!;
          if (expression === null) {
            schemas.push(null);
            continue;
          }
          try {
            schemas.push((await importModule([expression]))[0]);
          } catch (error) {
            schemas.push(null);
            errors[index] = `generated module failed to import: ${errorMessage(error)}`;
          }
        }
      }
    },
    convert(_schema, group) {
      const schema = schemas[group] as z.ZodType | null | undefined;
      if (typeof schema?.safeParse !== "function")
        throw new Error(errors[group] ?? "generated code threw while building the schema with zod 4");
      return (data) => schema.safeParse(data).success;
    },
  };
}

/** Builds the converter an implementation is scored with. */
async function loadConverter(
  implementation: ImplementationId,
  draft: DraftId,
  remotes: Record<string, unknown>,
  tempDir: string | undefined,
): Promise<Converter> {
  const draftInfo = DRAFTS.find((entry) => entry.id === draft)!;
  const verdict = (schema: z.ZodType) => (data: unknown) => schema.safeParse(data).success;
  switch (implementation) {
    case "ours":
      return {
        convert: (schema) => verdict(jsonSchemaToZod(schema, { draft: draftInfo.option, remotes }).schema),
      };
    case "zod-from-json-schema": {
      const module = await import("zod-from-json-schema");
      return {
        convert: (schema) => verdict(module.convertJsonSchemaToZod(schema as never) as unknown as z.ZodType),
      };
    }
    case "zod-fromJSONSchema":
      return {
        convert: (schema) =>
          verdict(z.fromJSONSchema(schema as never, { defaultTarget: draftInfo.zodTarget })),
      };
    case "composio": {
      const module = await import("@composio/json-schema-to-zod");
      return {
        convert: (schema) => verdict(module.jsonSchemaToZod(schema as never) as unknown as z.ZodType),
      };
    }
    case "json-schema-to-zod":
      if (tempDir === undefined) throw new Error("json-schema-to-zod needs a temporary directory");
      return loadGeneratedConverter(tempDir);
  }
}

async function workerMain(input: WorkerInput): Promise<void> {
  const remotes = loadRemotes(input.suiteDir);
  const converter = await loadConverter(input.implementation, input.draft, remotes, input.tempDir);
  // Each "ready" restarts the group clock: loading and preparing are not part of a group's time.
  parentPort!.postMessage({ type: "ready" });
  let index = 0;
  for (const file of input.files) {
    const groups = readJson(file.path) as SuiteGroup[];
    if (index + groups.length > input.startAt && converter.prepareFile !== undefined) {
      await converter.prepareFile(
        groups.map((group) => group.schema),
        Math.max(0, input.startAt - index),
      );
      parentPort!.postMessage({ type: "ready" });
    }
    for (let group = 0; group < groups.length; group++, index++) {
      if (index < input.startAt) continue;
      const { schema, tests } = groups[group]!;
      const result: GroupResult = { file: file.name, group, outcomes: [] };
      try {
        const validate = converter.convert(schema, group);
        for (const test of tests) {
          let valid: boolean;
          try {
            valid = validate(test.data);
          } catch {
            valid = !test.valid;
          }
          result.outcomes.push(valid === test.valid);
        }
      } catch (error) {
        result.outcomes = tests.map(() => false);
        result.error = errorMessage(error);
      }
      parentPort!.postMessage({ type: "group", index, result });
    }
  }
  parentPort!.postMessage({ type: "done" });
}

function countGroups(files: readonly SuiteFile[]): Array<{ file: string; group: number; tests: number }> {
  const all: Array<{ file: string; group: number; tests: number }> = [];
  for (const file of files) {
    (readJson(file.path) as SuiteGroup[]).forEach((group, index) => {
      all.push({ file: file.name, group: index, tests: group.tests.length });
    });
  }
  return all;
}

/** Runs one implementation over one draft's files in workers, surviving hangs and crashes. */
async function evaluate(
  implementation: ImplementationId,
  draft: DraftId,
  suiteDir: string,
  files: readonly SuiteFile[],
  tempDir: string | undefined,
): Promise<GroupResult[]> {
  const groups = countGroups(files);
  const results: GroupResult[] = new Array(groups.length);
  let startAt = 0;
  while (startAt < groups.length) {
    const input: WorkerInput = {
      implementation,
      draft,
      suiteDir,
      files: files.map(({ name, path }) => ({ name, path })),
      startAt,
      tempDir,
    };
    startAt = await new Promise<number>((resolveRun, rejectRun) => {
      const worker = new Worker(SCRIPT_PATH, { workerData: input, execArgv: process.execArgv });
      let next = startAt;
      let timer: NodeJS.Timeout;
      let settled = false;
      let started = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        if (!started) {
          // Not a verdict on any group: the worker never got to run one.
          rejectRun(new Error(`The ${implementation} worker for ${draft} did not start: ${reason}.`));
          return;
        }
        const info = groups[next];
        if (info !== undefined) {
          results[next] = {
            file: info.file,
            group: info.group,
            outcomes: new Array(info.tests).fill(false),
            error: reason,
          };
        }
        resolveRun(next + 1);
      };
      const arm = (milliseconds: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => fail(`timeout after ${milliseconds} ms`), milliseconds);
      };
      arm(STARTUP_TIMEOUT_MS);
      worker.on("message", (message: { type: string; index?: number; result?: GroupResult }) => {
        if (message.type === "ready") {
          started = true;
          arm(GROUP_TIMEOUT_MS);
        } else if (message.type === "group" && message.index !== undefined && message.result !== undefined) {
          results[message.index] = message.result;
          next = message.index + 1;
          arm(GROUP_TIMEOUT_MS);
        } else if (message.type === "done") {
          settled = true;
          clearTimeout(timer);
          void worker.terminate();
          resolveRun(groups.length);
        }
      });
      worker.on("error", (error) => fail(`worker crashed: ${error.message}`));
      worker.on("exit", () => fail("worker exited"));
    });
  }
  return results;
}

interface Tally {
  passed: number;
  total: number;
}
function rate(tally: Tally): number {
  return tally.total === 0 ? 1 : tally.passed / tally.total;
}
function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
function add(tally: Tally, outcomes: readonly boolean[]): void {
  tally.total += outcomes.length;
  tally.passed += outcomes.filter(Boolean).length;
}

/**
 * How frameworks turn a tool's Zod schema into the JSON Schema the model sees. Each profile passes
 * exactly the options that framework passes to Zod (read from their dist code):
 *
 * - AI SDK `zodSchema()` (`@ai-sdk/provider-utils` `zod4Schema`): `z.toJSONSchema(schema,
 *   { target: "draft-7", io: "input", reused: "inline" })`, whatever the schema's own draft.
 * - Mastra `createTool` (`@mastra/schema-compat` `standardSchemaToJSONSchema`):
 *   `schema["~standard"].jsonSchema.input({ target: "draft-07", libraryOptions: { unrepresentable: "any" } })`.
 * - `z.toJSONSchema(schema)` with Zod's defaults (`draft-2020-12`, `io: "output"`).
 *
 * Not measured: the frameworks' own rewrites after Zod (the AI SDK's
 * `addAdditionalPropertiesToJsonSchema` and Mastra's `override` both close object schemas with
 * `additionalProperties: false` on purpose); they change any schema, converted or hand-written.
 */
const EMISSION_PROFILES: ReadonlyArray<{
  id: string;
  label: string;
  emit: (schema: z.ZodType) => unknown;
}> = [
  {
    id: "aiSdk",
    label: "AI SDK zodSchema (draft-7, io input)",
    emit: (schema) => z.toJSONSchema(schema, { target: "draft-7", io: "input", reused: "inline" }),
  },
  {
    id: "mastra",
    label: "Mastra ~standard.jsonSchema.input (draft-07, unrepresentable any)",
    emit: (schema) =>
      (
        schema["~standard"] as unknown as {
          jsonSchema: { input: (options: { target: string; libraryOptions: object }) => unknown };
        }
      ).jsonSchema.input({ target: "draft-07", libraryOptions: { unrepresentable: "any" } }),
  },
  {
    id: "zodDefaults",
    label: "z.toJSONSchema defaults (2020-12, io output)",
    emit: (schema) => z.toJSONSchema(schema),
  },
];

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;
const DRAFT_2020_12_URI = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

/**
 * The reference verdict: ajv 8 on a JSON Schema, with the suite's remotes preloaded and the dialect
 * the schema declares (`$schema`), else the suite's. As the specifications say, draft-07 may assert
 * `format` (ajv-formats) and 2020-12 treats it as an annotation (the non-optional format.json
 * tests expect exactly that). Throws when ajv cannot compile the schema.
 */
function referenceValidator(
  schema: unknown,
  draft: DraftId,
  remotes: Record<string, unknown>,
): (data: unknown) => boolean {
  const declared =
    typeof schema === "object" && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  const is2020 = typeof declared === "string" ? DRAFT_2020_12_URI.test(declared) : draft === "draft2020-12";
  const ajv = is2020
    ? new Ajv2020({ strict: false, logger: false, validateFormats: false })
    : new Ajv({ strict: false, logger: false });
  if (!is2020) addFormats(ajv);
  for (const [uri, remote] of Object.entries(remotes)) {
    try {
      ajv.addSchema(remote as AnySchema, uri);
    } catch {
      // A remote written for another dialect: never referenced by this dialect's tests.
    }
  }
  const validate = ajv.compile(schema as AnySchema);
  return (data) => validate(data) as boolean;
}

/** One verdict per test instance of the converted cases, in suite order. */
interface EmissionOutcomes {
  /** True where ajv on the emitted schema gives the suite's verdict. */
  agrees: boolean[];
  /** `file :: case :: test [error]`, for each instance that does not agree. */
  labels: string[];
}

/**
 * Honest round trip: convert each suite schema, emit it back with `emit` (what a framework sends
 * the model), and ask a reference validator (ajv) about every test instance of that case. An
 * instance agrees when ajv on the emitted schema gives the suite's verdict. Schemas the converter
 * rejects are left out (nothing to emit); a schema that cannot be emitted or compiled fails all
 * its instances.
 */
function measureEmittedAgreement(
  files: readonly SuiteFile[],
  draft: DraftId,
  draftOption: "draft-07" | "2020-12",
  remotes: Record<string, unknown>,
  emit: (schema: z.ZodType, source: unknown) => unknown,
): EmissionOutcomes {
  const outcomes: EmissionOutcomes = { agrees: [], labels: [] };
  for (const file of files) {
    for (const group of readJson(file.path) as SuiteGroup[]) {
      let converted: z.ZodType;
      try {
        converted = jsonSchemaToZod(group.schema, { draft: draftOption, remotes }).schema;
      } catch {
        continue; // Not converted at all: nothing to round-trip.
      }
      let validate: ((data: unknown) => boolean) | undefined;
      let error: string | undefined;
      try {
        validate = referenceValidator(emit(converted, group.schema), draft, remotes);
      } catch (cause) {
        error = errorMessage(cause);
      }
      for (const test of group.tests) {
        let verdict: boolean | undefined;
        try {
          verdict = validate?.(test.data);
        } catch (cause) {
          error = errorMessage(cause);
        }
        outcomes.agrees.push(verdict === test.valid);
        outcomes.labels.push(
          `${file.name} :: ${group.description} :: ${test.description}${error ? ` [${error}]` : ""}`,
        );
      }
    }
  }
  return outcomes;
}

/** Agreement rate, optionally over the instances where `mask` is true only. */
function agreementRate(outcomes: EmissionOutcomes, mask?: readonly boolean[]): number {
  const tally: Tally = { passed: 0, total: 0 };
  outcomes.agrees.forEach((agrees, index) => {
    if (mask !== undefined && !mask[index]) return;
    tally.total++;
    if (agrees) tally.passed++;
  });
  return rate(tally);
}

function measureSpeed(allFiles: readonly SuiteFile[], remotes: Record<string, unknown>): number {
  const schemas: Array<[unknown, "draft-07" | "2020-12"]> = [];
  for (const file of allFiles) {
    const option = file.draft === "draft7" ? "draft-07" : "2020-12";
    for (const group of readJson(file.path) as SuiteGroup[]) schemas.push([group.schema, option]);
  }
  const rounds = 5;
  let conversions = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const [schema, draft] of schemas) {
      try {
        jsonSchemaToZod(schema, { draft, remotes });
      } catch {
        // Counted all the same: a rejected schema is a completed conversion.
      }
      conversions++;
    }
  }
  return conversions / ((performance.now() - started) / 1000);
}

/**
 * 2020-12 makes `format` an annotation unless the format-assertion vocabulary is in use, and its
 * non-optional format.json checks exactly that; this converter asserts formats by default (tool
 * arguments are better validated). This re-scores the 2020-12 non-optional tests with
 * `formats: "ignore"` for format.json only, to show spec-default conformance.
 */
function measureAnnotationOnlyFormat(
  suiteDir: string,
  summary: Record<string, Record<string, { required: number; format: number }>>,
  remotes: Record<string, unknown>,
): number {
  const path = join(suiteDir, "tests", "draft2020-12", "format.json");
  if (!existsSync(path)) return summary["draft2020-12"]?.ours?.required ?? 0;
  const requiredTotal = listFiles(suiteDir, "draft2020-12")
    .filter((file) => file.category === "required")
    .reduce(
      (total, file) =>
        total + (readJson(file.path) as SuiteGroup[]).reduce((sum, group) => sum + group.tests.length, 0),
      0,
    );
  const strict: Tally = { passed: 0, total: 0 };
  const annotation: Tally = { passed: 0, total: 0 };
  for (const group of readJson(path) as SuiteGroup[]) {
    for (const [formats, tally] of [
      ["validate", strict],
      ["ignore", annotation],
    ] as const) {
      let schema: z.ZodType | undefined;
      try {
        schema = jsonSchemaToZod(group.schema, { draft: "2020-12", remotes, formats }).schema;
      } catch {
        schema = undefined;
      }
      add(
        tally,
        group.tests.map((test) => schema !== undefined && schema.safeParse(test.data).success === test.valid),
      );
    }
  }
  const passedOverall = (summary["draft2020-12"]?.ours?.required ?? 0) * requiredTotal;
  return (passedOverall - strict.passed + annotation.passed) / requiredTotal;
}

function columnWidth(label: string): number {
  return Math.max(label.length + 2, 10);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const suiteDir = resolve(
    PACKAGE_DIR,
    process.env.JSON_SCHEMA_TEST_SUITE ?? "../../../shared/json-schema-test-suite",
  );
  if (!existsSync(join(suiteDir, "tests"))) {
    console.log(`The JSON Schema Test Suite was not found at ${suiteDir}, so conformance was not measured.`);
    // In CI the suite is always beside the repo: its absence is a failure, not a skip.
    process.exit(args.has("--require") || process.env.CI === "true" ? 1 : 0);
  }
  const remotes = loadRemotes(suiteDir);
  const implementations = args.has("--ours-only") ? IMPLEMENTATIONS.slice(0, 1) : IMPLEMENTATIONS;
  const tempDir = implementations.some((implementation) => implementation.id === "json-schema-to-zod")
    ? mkdtempSync(join(tmpdir(), "conformance-json-schema-to-zod-"))
    : undefined;
  const removeTempDir = () => {
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  };
  // Also on a crash or an early exit; removing twice is harmless.
  process.once("exit", removeTempDir);
  const output: string[] = [];
  const log = (line = "") => {
    output.push(line);
    console.log(line);
  };
  const summary: Record<string, Record<string, { required: number; format: number }>> = {};
  const details: Record<string, unknown> = {};
  const allFiles: SuiteFile[] = [];
  /** Per draft: ajv on the source schema (the ceiling), then ajv on each framework's emission. */
  const roundTrips: Record<string, Record<string, number>> = {};
  const roundTripFailures: Record<string, Record<string, string[]>> = {};
  const toolShaped: Tally = { passed: 0, total: 0 };

  for (const draft of DRAFTS) {
    const files = listFiles(suiteDir, draft.id);
    allFiles.push(...files);
    const byImplementation = new Map<ImplementationId, GroupResult[]>();
    for (const implementation of implementations) {
      byImplementation.set(
        implementation.id,
        await evaluate(implementation.id, draft.id, suiteDir, files, tempDir),
      );
    }
    log(`\n=== ${draft.id} ===`);
    log(
      pad("file", 34) +
        pad("cases", 7) +
        implementations
          .map((implementation) => pad(implementation.label, columnWidth(implementation.label)))
          .join(""),
    );
    const overall = new Map<ImplementationId, Record<Category, Tally>>();
    for (const implementation of implementations) {
      overall.set(implementation.id, { required: { passed: 0, total: 0 }, format: { passed: 0, total: 0 } });
    }
    const fileRows: Record<string, unknown> = {};
    for (const file of files) {
      const cells: string[] = [];
      let cases = 0;
      const row: Record<string, number> = {};
      for (const implementation of implementations) {
        const tally: Tally = { passed: 0, total: 0 };
        for (const result of byImplementation.get(implementation.id)!) {
          if (result.file === file.name) add(tally, result.outcomes);
        }
        cases = tally.total;
        add(overall.get(implementation.id)![file.category], new Array(tally.passed).fill(true));
        overall.get(implementation.id)![file.category].total += tally.total - tally.passed;
        row[implementation.id] = rate(tally);
        cells.push(pad(percent(rate(tally)), columnWidth(implementation.label)));
      }
      fileRows[file.name] = row;
      log(pad(file.name, 34) + pad(String(cases), 7) + cells.join(""));
    }
    for (const category of ["required", "format"] as const) {
      log(
        pad(category === "required" ? "OVERALL (non-optional)" : "OVERALL optional/format", 34) +
          pad(String(overall.get("ours")![category].total), 7) +
          implementations
            .map((implementation) =>
              pad(
                percent(rate(overall.get(implementation.id)![category])),
                columnWidth(implementation.label),
              ),
            )
            .join(""),
      );
    }
    summary[draft.id] = {};
    for (const implementation of implementations) {
      const tallies = overall.get(implementation.id)!;
      summary[draft.id]![implementation.id] = {
        required: rate(tallies.required),
        format: rate(tallies.format),
      };
    }
    const ours = byImplementation.get("ours")!;
    const failures = ours.flatMap((result) => {
      const groups = readJson(files.find((file) => file.name === result.file)!.path) as SuiteGroup[];
      const group = groups[result.group]!;
      return result.outcomes.flatMap((passed, index) =>
        passed
          ? []
          : [
              `${result.file} :: ${group.description} :: ${group.tests[index]!.description}${result.error ? ` [${result.error}]` : ""}`,
            ],
      );
    });
    details[draft.id] = { files: fileRows, oursFailures: failures };
    if (args.has("--verbose")) for (const failure of failures) log(`  FAIL ${failure}`);
    // Tool-shaped schemas: root `type`, keyword files tools use.
    for (const result of ours) {
      const file = files.find((entry) => entry.name === result.file)!;
      if (file.category !== "required" || !TOOL_KEYWORD_FILES.has(file.name)) continue;
      const schema = (readJson(file.path) as SuiteGroup[])[result.group]!.schema;
      if (typeof schema === "object" && schema !== null && Object.hasOwn(schema, "type"))
        add(toolShaped, result.outcomes);
    }
    const requiredFiles = files.filter((file) => file.category === "required");
    // Not a round trip: ajv on the suite's own schemas, the most any emission can score with ajv.
    const source = measureEmittedAgreement(
      requiredFiles,
      draft.id,
      draft.option,
      remotes,
      (_schema, original) => structuredClone(original),
    );
    const measured: Record<string, number> = { source: agreementRate(source) };
    const measuredFailures: Record<string, string[]> = {
      source: source.labels.filter((_label, index) => !source.agrees[index]),
    };
    const frameworks: number[] = [];
    const frameworksWhereAjvIsRight: number[] = [];
    for (const profile of EMISSION_PROFILES) {
      const outcomes = measureEmittedAgreement(requiredFiles, draft.id, draft.option, remotes, profile.emit);
      measured[profile.id] = agreementRate(outcomes);
      // Instances ajv itself gets wrong on the source schema say nothing about the emission.
      measured[`${profile.id}WhereAjvIsRight`] = agreementRate(outcomes, source.agrees);
      frameworks.push(measured[profile.id]!);
      frameworksWhereAjvIsRight.push(measured[`${profile.id}WhereAjvIsRight`]!);
      measuredFailures[profile.id] = outcomes.labels.filter((_label, index) => !outcomes.agrees[index]);
      if (args.has("--verbose")) {
        outcomes.labels.forEach((label, index) => {
          if (source.agrees[index] && !outcomes.agrees[index])
            log(`  ROUND TRIP FAIL (${profile.id}) ${label}`);
        });
      }
    }
    measured.frameworks = Math.min(...frameworks);
    measured.frameworksWhereAjvIsRight = Math.min(...frameworksWhereAjvIsRight);
    roundTrips[draft.id] = measured;
    roundTripFailures[draft.id] = measuredFailures;
  }
  removeTempDir();
  const speed = measureSpeed(allFiles, remotes);
  const specDefault = measureAnnotationOnlyFormat(suiteDir, summary, remotes);
  log("\n=== summary (ours) ===");
  for (const draft of DRAFTS) {
    const ours = summary[draft.id]!.ours!;
    log(
      `${pad(draft.id, 14)} non-optional ${percent(ours.required)}   optional/format ${percent(ours.format)}`,
    );
  }
  log(
    "\nround trip JSON Schema → Zod → JSON Schema as frameworks emit it: every instance of the converted " +
      "non-optional cases, judged by ajv on the emitted schema, agreeing with the suite's verdict " +
      "(in brackets: over the instances ajv gets right on the source schema itself)",
  );
  for (const draft of DRAFTS) {
    const measured = roundTrips[draft.id]!;
    log(
      `${pad(draft.id, 14)} ajv on the source schemas ${percent(measured.source!)}   ` +
        EMISSION_PROFILES.map(
          (profile) =>
            `${profile.label} ${percent(measured[profile.id]!)} [${percent(measured[`${profile.id}WhereAjvIsRight`]!)}]`,
        ).join("   "),
    );
  }
  log(
    `draft2020-12   with format as an annotation in format.json (2020-12's own default; ours asserts by default): ` +
      `non-optional ${percent(specDefault)}`,
  );
  log(
    `tool-shaped schemas (root "type", tool keyword files): ${percent(rate(toolShaped))} of ${toolShaped.total} cases`,
  );
  log(`conversion speed: ${Math.round(speed)} conversions/s (all suite schemas, 5 rounds)`);
  if (!args.has("--ours-only")) {
    log("json-schema-to-zod: generated code imported from temporary modules (no eval), run against zod 4");
  }

  const results = {
    generatedAt: new Date().toISOString(),
    summary,
    roundTrip: roundTrips,
    roundTripFailures,
    toolShapedPassRate: rate(toolShaped),
    conversionsPerSecond: Math.round(speed),
    details,
  };
  writeFileSync(join(PACKAGE_DIR, "conformance", "results.json"), `${JSON.stringify(results, null, 2)}\n`);

  const floorPath = join(PACKAGE_DIR, "conformance", "floor.json");
  const current: Record<string, number> = {};
  for (const draft of DRAFTS) {
    current[draft.id] = Math.floor(summary[draft.id]!.ours!.required * 10000) / 10000;
    // The weakest framework emission is the one a model may be sent.
    current[`roundTrip.${draft.id}`] = Math.floor(roundTrips[draft.id]!.frameworks! * 10000) / 10000;
    current[`roundTripWhereAjvIsRight.${draft.id}`] =
      Math.floor(roundTrips[draft.id]!.frameworksWhereAjvIsRight! * 10000) / 10000;
  }
  if (args.has("--update-floor")) {
    writeFileSync(floorPath, `${JSON.stringify(current, null, 2)}\n`);
    log(`floor updated: ${JSON.stringify(current)}`);
    return;
  }
  if (existsSync(floorPath)) {
    const floor = readJson(floorPath) as Record<string, number>;
    const below = Object.keys(floor).filter((draft) => (current[draft] ?? 0) < (floor[draft] ?? 0));
    if (below.length > 0) {
      log(`BELOW FLOOR for ${below.join(", ")}: ${JSON.stringify(current)} < ${JSON.stringify(floor)}`);
      process.exitCode = 1;
    } else {
      log(`at or above floor ${JSON.stringify(floor)}`);
    }
  }
}

if (isMainThread) {
  await main();
} else {
  await workerMain(workerData as WorkerInput);
}
