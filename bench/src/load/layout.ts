import type { RunSpec } from "./workload.js";

/**
 * Which runs a batch starts and which thread each continues. Per process, runs `0 …
 * sharedRuns − 1` go round-robin to the shared threads `s0 … s<sharedThreads − 1>` (the same
 * threads in every process, so with several processes they are appended to from all of them at
 * once); the other runs go to the process's own threads `p<process>-o0 …`.
 */
export interface LoadLayout {
  /** Processes running batches at the same time on one store. */
  processes: number;
  /** Concurrent runs per process and batch. */
  runsPerProcess: number;
  sharedRuns: number;
  sharedThreads: number;
  /** Own threads per process (for the `runsPerProcess − sharedRuns` other runs). */
  ownThreads: number;
}

/** A run and the thread it stored to. */
export interface ExpectedRun {
  runId: string;
  threadId: string;
}

/** The thread of run `index` of process `process` (every batch uses the same threads). */
export function threadOf(layout: LoadLayout, process: number, index: number): string {
  if (index < layout.sharedRuns) return `s${index % layout.sharedThreads}`;
  return `p${process}-o${(index - layout.sharedRuns) % layout.ownThreads}`;
}

/** The run id of run `index` of process `process` in batch `batch` (unique per case). */
export const runIdOf = (caseId: string, process: number, batch: number, index: number): string =>
  `${caseId}-p${process}-b${batch}-r${index}`;

/** The runs process `process` starts in batch `batch`; without memory they have no thread. */
export function batchRuns(
  layout: LoadLayout,
  caseId: string,
  process: number,
  batch: number,
  memory: boolean,
): RunSpec[] {
  return Array.from({ length: layout.runsPerProcess }, (_, index) => ({
    runId: runIdOf(caseId, process, batch, index),
    ...(memory ? { threadId: threadOf(layout, process, index) } : {}),
  }));
}

/** Every run all processes started in batches `0 … batches − 1`: what the store must hold. */
export function expectedRuns(layout: LoadLayout, caseId: string, batches: number): ExpectedRun[] {
  const runs: ExpectedRun[] = [];
  for (let batch = 0; batch < batches; batch++) {
    for (let process = 0; process < layout.processes; process++) {
      for (let index = 0; index < layout.runsPerProcess; index++) {
        runs.push({
          runId: runIdOf(caseId, process, batch, index),
          threadId: threadOf(layout, process, index),
        });
      }
    }
  }
  return runs;
}

/** How many distinct threads the layout uses. */
export function threadCount(layout: LoadLayout): number {
  const ownRuns = Math.max(0, layout.runsPerProcess - layout.sharedRuns);
  const shared = Math.min(layout.sharedThreads, layout.sharedRuns, layout.runsPerProcess);
  return shared + Math.min(layout.ownThreads, ownRuns) * layout.processes;
}
