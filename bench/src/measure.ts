import v8 from "node:v8";
import vm from "node:vm";
import type { ScriptedModel } from "@flowmaestro/runtime/testing";
import type { RunOutcome, ScenarioRun, ScenarioScript } from "./scenarios.js";

/** Distribution of one metric. */
export interface Summary {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
}

/** Linear-interpolated quantile of an ascending array. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  return low + ((sorted[upper] as number) - low) * (position - lower);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1),
  };
}

/**
 * `global.gc` when node runs with `--expose-gc`; otherwise the flag is switched on at run time and
 * `gc` taken from a fresh context (V8 installs it on contexts created after the flag is set), so
 * `npm run bench` needs no extra flags.
 */
function resolveGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return exposed as () => void;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const gc = resolveGc();

/** Whether {@link collectGarbage} really collects. */
export const gcAvailable = gc !== undefined;

/** Full GC, so one runner's garbage is not collected on another runner's clock. */
export function collectGarbage(): void {
  gc?.();
}

/** One runner in one scenario: its prepared run, its model, and what it measured. */
export interface Contestant {
  id: string;
  run: ScenarioRun;
  model: ScriptedModel;
  /** Wall time of each sample, ms. */
  totalMs: number[];
  /** Streaming only: time to the first text delta of each sample, ms. */
  firstTextDeltaMs: number[];
  /** Set when a run threw or returned a wrong outcome; the contestant is then dropped. */
  error?: string;
}

/**
 * Warms every contestant up, then samples them in interleaved rounds (a different runner goes
 * first each round), with a full GC before each runner's batch. Every run is checked against the
 * scenario, outside the timed region, so a fast but wrong runner cannot win.
 */
export async function measureScenario(
  scenario: ScenarioScript,
  contestants: readonly Contestant[],
): Promise<void> {
  const { plan } = scenario;
  for (const contestant of contestants) {
    collectGarbage();
    const deadline = performance.now() + plan.warmupMs;
    for (let run = 0; run < plan.warmupRuns && (run === 0 || performance.now() < deadline); run++) {
      if (!(await sampleOnce(scenario, contestant, { record: false, guard: run === 0 }))) break;
    }
  }

  for (let round = 0; round < plan.rounds; round++) {
    const active = contestants.filter((contestant) => contestant.error === undefined);
    const order = active.map((_, index) => active[(index + round) % active.length] as Contestant);
    const roundMinimum = Math.ceil((plan.minSamples * (round + 1)) / plan.rounds);
    const roundMaximum = Math.ceil((plan.maxSamples * (round + 1)) / plan.rounds);
    for (const contestant of order) {
      collectGarbage();
      const deadline = performance.now() + plan.budgetMs / plan.rounds;
      while (
        contestant.totalMs.length < roundMaximum &&
        (contestant.totalMs.length < roundMinimum || performance.now() < deadline)
      ) {
        if (!(await sampleOnce(scenario, contestant, { record: true, guard: false }))) break;
      }
    }
  }
}

/** A first run slower than this is reported as hung (a runtime under construction may never settle). */
const FIRST_RUN_TIMEOUT_MS = 30_000;

async function sampleOnce(
  scenario: ScenarioScript,
  contestant: Contestant,
  options: { record: boolean; guard: boolean },
): Promise<boolean> {
  const callsBefore = contestant.model.calls.length;
  let outcome: RunOutcome;
  const start = performance.now();
  try {
    // Only the first warm-up run is guarded, so timed runs carry no timer.
    outcome = await (options.guard ? withTimeout(contestant.run(), FIRST_RUN_TIMEOUT_MS) : contestant.run());
  } catch (error) {
    contestant.error = `run failed: ${describeError(error)}`;
    return false;
  }
  const elapsed = performance.now() - start;
  const problem = checkOutcome(
    scenario,
    outcome,
    contestant.model.calls.length - callsBefore,
    contestant.model,
  );
  if (problem) {
    contestant.error = `wrong outcome: ${problem}`;
    return false;
  }
  if (options.record) {
    contestant.totalMs.push(elapsed);
    if (outcome.firstTextDeltaMs !== undefined) contestant.firstTextDeltaMs.push(outcome.firstTextDeltaMs);
  }
  return true;
}

/** Same model work for everyone: every scripted turn played exactly once, and the expected result. */
function checkOutcome(
  scenario: ScenarioScript,
  outcome: RunOutcome,
  modelCalls: number,
  model: ScriptedModel,
) {
  const { expected } = scenario;
  if (modelCalls !== scenario.turns.length || model.remainingTurns !== 0) {
    return `${modelCalls} model call(s), expected ${scenario.turns.length} (one per scripted turn)`;
  }
  if (outcome.steps !== expected.steps) return `${outcome.steps} step(s), expected ${expected.steps}`;
  if (outcome.toolResults !== expected.toolResults) {
    return `${outcome.toolResults} tool result(s), expected ${expected.toolResults}`;
  }
  if (outcome.text !== expected.text) {
    return `final text ${JSON.stringify(outcome.text.slice(0, 60))}, expected ${JSON.stringify(expected.text.slice(0, 60))}`;
  }
  if (scenario.mode === "stream" && outcome.firstTextDeltaMs === undefined)
    return "no text delta was streamed";
  return undefined;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split("\n")[0]}`;
  return String(error);
}
