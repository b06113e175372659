import {
  type Agent,
  type AgentEvent,
  type AgentInput,
  type AgentRuntime,
  type ApprovalDecision,
  InvalidDefinitionError,
  InvalidInputError,
  NotFoundError,
  type ResolvedAgentDefinition,
  type ResumeOptions,
  type RunContext,
  RunNotSuspendedError,
  type RunOptions,
  type RunResult,
  type RunStream,
  validateRunOptions,
} from "@flowmaestro/runtime";
import {
  checkApprovalDecisions,
  createAgentRuntime,
  createRunStream,
  type EventSink,
  runReActLoop,
} from "@flowmaestro/runtime/kit";
import { checkDbos, type Dbos } from "./dbos.js";
import { durableMemory } from "./durable-memory.js";
import { durableModel } from "./durable-model.js";
import { durableToolCall } from "./durable-tool-call.js";
import {
  fromPortable,
  fromPortableOutcome,
  type PortableRejection,
  type PortableRunResult,
  toPortable,
  toPortableError,
  toPortableResult,
} from "./portable.js";
import {
  claimWorkflowId,
  type DecisionMessage,
  decisionTopic,
  OutcomeBoard,
  RUN_STATE_EVENT,
  type RunStateEvent,
  suspendedEvent,
} from "./run-events.js";
import { createWorkflowRunStore } from "./workflow-run-store.js";

/** Options of {@link createDurableRuntime}. */
export interface DurableRuntimeOptions {
  /**
   * The DBOS class the host configures and launches: `import { DBOS } from "@dbos-inc/dbos-sdk"`
   * (`@dbos-inc/dbos-sdk` 5, a peer dependency).
   */
  readonly dbos: Dbos;
  /**
   * Name of the DBOS workflow that runs agent runs. Workers that recover each other's runs must
   * use the same name (and the same DBOS application `name` and version).
   * @default "flowmaestro.agent-run"
   */
  readonly workflowName?: string;
  /**
   * How long a suspended run waits for its decision before it checks again, in seconds. Waiting
   * costs nothing while it lasts (a durable `recv` with a deadline), so the run waits, days if
   * need be, across restarts; this only bounds each wait. Tests may shorten it.
   * @default 86400 (one day)
   */
  readonly decisionPollSeconds?: number;
}

/** Options of {@link DurableRuntime.register}. */
export interface DurableAgentOptions {
  /**
   * Tools that must never run twice (a payment, an e-mail). Each call of these is started at most
   * once: when the worker running it dies, the recovered run reports the call to the model as an
   * interrupted `TOOL_EXECUTION_FAILED` error instead of running it again. Other tools are
   * idempotent: a call that had not finished when its worker died runs again.
   */
  readonly nonIdempotentTools?: readonly string[];
}

/** Options of {@link DurableRuntime.result}. */
export interface DurableResultOptions {
  /** The resource the run was started with; a run of another resource is `NOT_FOUND`. */
  readonly resourceId?: string;
  /** Give up after this long (the result is then `undefined`). Unset: wait. */
  readonly timeoutSeconds?: number;
}

/**
 * A runtime whose runs are DBOS durable workflows on Postgres: each model call and each tool call
 * is a checkpointed step, so a run whose worker dies is finished by the next worker that launches
 * DBOS, without repeating a finished model or tool call. A run that needs approvals waits for the
 * decision inside its workflow, durably: `resume` may come from any worker, days later.
 */
export interface DurableRuntime extends AgentRuntime {
  readonly name: "durable";
  /**
   * Makes an agent runnable here, by its id. Call it on every worker, before `DBOS.launch()`:
   * recovery runs at launch and looks the agent up by id.
   */
  register(agent: Agent | ResolvedAgentDefinition, options?: DurableAgentOptions): void;
  /**
   * The final result of a run (by run id, the workflow id), wherever it runs or ran; a suspended
   * run's once it is decided and ends (a cancelled run's is its last suspension's). Rejects with
   * `NOT_FOUND` when no run has this id for this resource.
   */
  result(runId: string, options?: DurableResultOptions): Promise<RunResult | undefined>;
  /**
   * Sends the decisions to a suspended run's workflow, from any worker with DBOS launched. Exactly
   * one caller wins each suspension (others get `RUN_NOT_SUSPENDED`). The stream ends with the
   * run's next suspension or its end; it carries the run's events when the run executes in this
   * process (events do not cross processes), else the result only.
   */
  resume(
    definition: ResolvedAgentDefinition,
    runId: string,
    decisions: readonly ApprovalDecision[],
    options?: ResumeOptions,
  ): Promise<RunStream>;
  /** Ends a suspended run without running its pending calls; exactly one claim wins, as for `resume`. */
  cancel(
    definition: ResolvedAgentDefinition,
    runId: string,
    options?: { resourceId?: string },
  ): Promise<void>;
}

/** What a run's workflow receives: JSON only (it is stored with the workflow). */
interface WorkflowInput {
  readonly agentId: string;
  readonly input: unknown;
  readonly threadId: string | null;
  readonly resourceId: string | null;
  readonly context: unknown;
}

interface Registered {
  readonly definition: ResolvedAgentDefinition;
  readonly durable: ResolvedAgentDefinition;
  readonly nonIdempotent: ReadonlySet<string>;
}

const RUN_OPTION_KEYS = new Set(["runId", "threadId", "resourceId", "context", "onEvent"]);
const RESUME_OPTION_KEYS = new Set(["resourceId", "context", "onEvent"]);

/**
 * Creates the durable runtime: the kit's ReAct loop (generate mode) as a DBOS workflow. The
 * host configures and launches DBOS itself (`DBOS.setConfig`, `DBOS.launch`); create the runtime
 * and register its agents before launching.
 *
 * @example
 * ```ts
 * import { DBOS } from "@dbos-inc/dbos-sdk";
 * const runtime = createDurableRuntime({ dbos: DBOS });
 * const agent = createAgent({ runtime, id: "support", model: "openai/gpt-5-mini", memory });
 * runtime.register(agent, { nonIdempotentTools: ["refund"] });
 * DBOS.setConfig({ name: "support", systemDatabaseUrl: process.env.DATABASE_URL });
 * await DBOS.launch(); // recovers runs a dead worker left
 * const result = await agent.execute("Refund order 42", { threadId, resourceId });
 * ```
 *
 * @throws {InvalidDefinitionError} when `dbos` is not the DBOS class.
 */
export function createDurableRuntime(options: DurableRuntimeOptions): DurableRuntime {
  const dbos = checkDbos(options?.dbos);
  const decisionPollSeconds = options.decisionPollSeconds ?? 86_400;
  if (
    !(
      typeof decisionPollSeconds === "number" &&
      decisionPollSeconds > 0 &&
      Number.isFinite(decisionPollSeconds)
    )
  ) {
    throw new InvalidDefinitionError({
      subject: "durable runtime",
      issues: [{ field: "decisionPollSeconds", expected: "a positive number of seconds" }],
    });
  }
  const workflowName = options.workflowName ?? "flowmaestro.agent-run";
  const agents = new Map<string, Registered>();
  /** `onEvent` of callers in this process, by run (events do not cross processes). */
  const listeners = new Map<string, Set<EventSink>>();
  /** Adds a caller's sink to a run's listeners; returns its removal. */
  const listen = (runId: string, sink: EventSink): (() => void) => {
    const sinks = listeners.get(runId) ?? new Set<EventSink>();
    sinks.add(sink);
    listeners.set(runId, sinks);
    return () => {
      sinks.delete(sink);
      if (sinks.size === 0 && listeners.get(runId) === sinks) listeners.delete(runId);
    };
  };
  const nonIdempotentOf = new Map<string, ReadonlySet<string>>();
  const board = new OutcomeBoard();

  const inner = createAgentRuntime({
    name: "durable",
    run: (run) => runReActLoop(run, { model: durableModel(dbos, run.model), mode: "generate" }),
    executeTool: durableToolCall(dbos, (toolName) => {
      const runId = dbos.workflowID;
      return runId !== undefined && (nonIdempotentOf.get(runId)?.has(toolName) ?? false);
    }),
  });

  const resumeInner = inner.resume?.bind(inner) as NonNullable<AgentRuntime["resume"]>;

  /** Waits durably for the decision on suspension `round` (each wait a recorded `recv`). */
  const decisionOn = async (round: number): Promise<DecisionMessage> => {
    for (;;) {
      const message = await dbos.recv<DecisionMessage>(decisionTopic(round), {
        timeoutSeconds: decisionPollSeconds,
      });
      if (message) return message;
    }
  };

  const workflow = dbos.registerWorkflow(
    async (request: WorkflowInput): Promise<PortableRunResult | PortableRejection> => {
      const runId = dbos.workflowID as string;
      const agent = agents.get(request.agentId);
      if (!agent) {
        throw new Error(
          `Agent "${request.agentId}" is not registered on this worker; call runtime.register(agent) before DBOS.launch(). Registered: ${[...agents.keys()].join(", ") || "none"}.`,
        );
      }
      nonIdempotentOf.set(runId, agent.nonIdempotent);
      // The kit saves and claims suspended steps in this execution's own store (see its TSDoc).
      const definition: ResolvedAgentDefinition = { ...agent.durable, runStore: createWorkflowRunStore() };
      const onEvent: EventSink = (event) => {
        for (const sink of listeners.get(runId) ?? []) sink(event);
      };
      const context = request.context === null ? undefined : (fromPortable(request.context) as RunContext);
      const resource = request.resourceId === null ? {} : { resourceId: request.resourceId };
      const executed = board.executing(runId);
      try {
        let result: RunResult;
        try {
          result = await inner.execute(definition, fromPortable(request.input) as AgentInput, {
            runId,
            ...(request.threadId === null ? {} : { threadId: request.threadId }),
            ...resource,
            ...(context === undefined ? {} : { context }),
            onEvent,
          });
        } catch (error) {
          // Runs never reject: this is invalid input or options (the kit checks them first, before
          // any step). The caller gets the typed error; the workflow ends without a run.
          const rejection: PortableRejection = {
            __portable: "flowmaestro.run-rejected",
            error: toPortableError(error),
          };
          board.announce(runId, Number.POSITIVE_INFINITY, rejection);
          return rejection;
        }
        for (let round = 0; result.status === "suspended"; round++) {
          const suspended = toPortableResult(result);
          const state: RunStateEvent = {
            agentId: request.agentId,
            resourceId: request.resourceId,
            round,
            status: "suspended",
            pending: result.pendingApprovals.map(({ approvalId, toolCallId }) => ({
              approvalId,
              toolCallId,
            })),
          };
          // The state first: a caller that has the suspended result may resume at once, and
          // `resume` finds the suspension by this state.
          await dbos.setEvent(RUN_STATE_EVENT, state);
          await dbos.setEvent(suspendedEvent(round), suspended);
          board.announce(runId, round, suspended);
          const message = await decisionOn(round);
          if (message.kind === "cancel") {
            await dbos.setEvent(RUN_STATE_EVENT, { ...state, status: "cancelled" } satisfies RunStateEvent);
            break;
          }
          await dbos.setEvent(RUN_STATE_EVENT, { ...state, status: "resumed" } satisfies RunStateEvent);
          // This execution's approval ids (a replay makes new ones), by the decided tool call ids.
          const approvalOf = new Map(result.pendingApprovals.map((a) => [a.toolCallId, a.approvalId]));
          const decisions = message.decisions.map(({ toolCallId, approved, reason }) => ({
            approvalId: approvalOf.get(toolCallId) as string,
            approved,
            ...(reason === undefined ? {} : { reason }),
          }));
          // The context the decision came with (`resume` options), else the run's own.
          const resumeContext =
            message.context === undefined ? context : (fromPortable(message.context) as RunContext);
          const stream = await resumeInner(definition, runId, decisions, {
            ...resource,
            ...(resumeContext === undefined ? {} : { context: resumeContext }),
            onEvent,
          });
          result = await stream.result;
        }
        const portable = toPortableResult(result);
        board.announce(runId, Number.POSITIVE_INFINITY, portable);
        return portable;
      } finally {
        nonIdempotentOf.delete(runId);
        executed();
      }
    },
    { name: workflowName },
  );

  /** Claims suspension `round` for one caller: the first workflow of that id sends its message. */
  const claim = dbos.registerWorkflow(
    async (runId: string, round: number, message: DecisionMessage): Promise<DecisionMessage> => {
      await dbos.send(runId, message, decisionTopic(round));
      return message;
    },
    { name: `${workflowName}.claim` },
  );

  const registeredFor = (definition: ResolvedAgentDefinition): Registered => {
    const agent = agents.get(definition?.id);
    if (!agent) {
      throw new InvalidDefinitionError({
        subject: "durable run",
        issues: [
          {
            field: "definition",
            expected: `an agent registered with runtime.register(agent) before DBOS.launch() (agent "${definition?.id}" is not; registered: ${[...agents.keys()].join(", ") || "none"})`,
          },
        ],
      });
    }
    if (agent.definition !== definition) {
      throw new InvalidDefinitionError({
        subject: "durable run",
        issues: [
          {
            field: "overrides",
            expected:
              "absent: a durable run uses the registered definition (a recovering worker has no per-run overrides)",
          },
        ],
      });
    }
    return agent;
  };

  const checkOptionKeys = (subject: string, given: object | undefined, allowed: ReadonlySet<string>) => {
    for (const key of Object.keys(given ?? {})) {
      if (!allowed.has(key)) {
        throw new InvalidDefinitionError({
          subject,
          issues: [
            { field: `options.${key}`, expected: `absent: durable runs take ${[...allowed].join(", ")}` },
          ],
        });
      }
    }
  };

  const checkRunId = (runId: unknown): string => {
    if (typeof runId !== "string" || runId.length === 0 || runId.length > 200) {
      throw new InvalidInputError({ field: "runId", expected: "the id of a run (1 to 200 characters)" });
    }
    return runId;
  };

  /** The run's workflow input, or `NOT_FOUND` when there is none of this resource. */
  const runOf = async (runId: string, resourceId: string | undefined): Promise<WorkflowInput> => {
    const status = await dbos.getWorkflowStatus(runId);
    const request = status?.workflowName === workflowName ? (status.input?.[0] as WorkflowInput) : undefined;
    if (!request || request.resourceId !== (resourceId ?? null)) {
      throw new NotFoundError({
        kind: "run",
        id: runId,
        ...(resourceId === undefined ? {} : { resourceId }),
        hint: "Pass the resourceId the run was started with.",
      });
    }
    return request;
  };

  /** Checks a decision or cancellation and claims the run's current suspension for this caller. */
  const decide = async (
    definition: ResolvedAgentDefinition,
    runId: string,
    resourceId: string | undefined,
    build: (state: RunStateEvent) => Omit<DecisionMessage, "nonce">,
  ): Promise<number> => {
    registeredFor(definition);
    checkRunId(runId);
    await runOf(runId, resourceId);
    const state = await dbos.getEvent<RunStateEvent>(runId, RUN_STATE_EVENT, { timeoutSeconds: 0 });
    if (!state) {
      throw new NotFoundError({ kind: "suspended run", id: runId, hint: "The run has not suspended." });
    }
    if (state.agentId !== definition.id) {
      throw new InvalidInputError({
        field: "runId",
        expected: `a run of agent "${definition.id}" (run "${runId}" belongs to agent "${state.agentId}")`,
      });
    }
    if (state.status !== "suspended") {
      throw new RunNotSuspendedError({
        runId,
        status: state.status === "cancelled" ? "cancelled" : "resumed",
      });
    }
    const message: DecisionMessage = { nonce: crypto.randomUUID(), ...build(state) };
    const handle = await dbos.startWorkflow(claim, { workflowID: claimWorkflowId(runId, state.round) })(
      runId,
      state.round,
      message,
    );
    // A claim is one `send`: poll for a concurrent winner's every 50 ms, not DBOS's default second.
    const winner = await handle.getResult({ pollingIntervalMs: 50 });
    if (winner.nonce !== message.nonce) {
      throw new RunNotSuspendedError({ runId, status: winner.kind === "cancel" ? "cancelled" : "resuming" });
    }
    return state.round;
  };

  return {
    specificationVersion: "v1",
    name: "durable",
    register(agent, agentOptions = {}) {
      const definition = "definition" in agent ? agent.definition : agent;
      const durable: ResolvedAgentDefinition = definition.memory
        ? { ...definition, memory: durableMemory(dbos, definition.memory) }
        : definition;
      agents.set(definition.id, {
        definition,
        durable,
        nonIdempotent: new Set(agentOptions.nonIdempotentTools ?? []),
      });
    },
    async execute(definition, input, runOptions: RunOptions = {}) {
      registeredFor(definition);
      checkOptionKeys("run options", runOptions, RUN_OPTION_KEYS);
      const runId = runOptions.runId ?? `run_${crypto.randomUUID()}`;
      const onEvent = runOptions.onEvent;
      const stopListening = onEvent ? listen(runId, (event) => void onEvent(event)) : () => {};
      try {
        const outcome = board.wait(dbos, runId, 0);
        await dbos.startWorkflow(workflow, { workflowID: runId })({
          agentId: definition.id,
          input: toPortable(input),
          threadId: runOptions.threadId ?? null,
          resourceId: runOptions.resourceId ?? null,
          context: runOptions.context === undefined ? null : toPortable(runOptions.context),
        });
        return fromPortableOutcome(await outcome);
      } finally {
        stopListening();
      }
    },
    stream(): RunStream {
      throw new InvalidDefinitionError({
        subject: "durable run",
        issues: [{ field: "stream", expected: "execute: durable runs do not stream yet" }],
      });
    },
    async resume(definition, runId, decisions, resumeOptions = {}) {
      checkOptionKeys("resume options", resumeOptions, RESUME_OPTION_KEYS);
      // The resumed run's context: checked here, sent with the decision (recorded with it, so a
      // recovering worker resumes with it too). Unset: the context the run was started with.
      const { context } = validateRunOptions({ context: resumeOptions.context });
      // Listen before claiming: the run goes on, and emits, as soon as the claim is sent.
      const early: AgentEvent[] = [];
      let forward: EventSink = (event) => void early.push(event);
      const stopListening = listen(runId, (event) => forward(event));
      let round: number;
      try {
        round = await decide(definition, runId, resumeOptions.resourceId, (state) => {
          const checked = checkApprovalDecisions(
            state.pending.map((approval) => approval.approvalId),
            decisions,
          );
          return {
            kind: "approve",
            decisions: state.pending.map(({ approvalId, toolCallId }) => {
              const { approved, reason } = checked.get(approvalId) as ApprovalDecision;
              return { toolCallId, approved, ...(reason === undefined ? {} : { reason }) };
            }),
            ...(context === undefined ? {} : { context: toPortable(context) }),
          };
        });
      } catch (error) {
        stopListening();
        throw error;
      }
      return createRunStream(
        runId,
        async (emit) => {
          for (const event of early.splice(0)) emit(event);
          forward = emit;
          try {
            return fromPortableOutcome(await board.wait(dbos, runId, round + 1));
          } finally {
            stopListening();
          }
        },
        resumeOptions.onEvent,
      );
    },
    async cancel(definition, runId, cancelOptions = {}) {
      checkOptionKeys("cancel options", cancelOptions, new Set(["resourceId"]));
      await decide(definition, runId, cancelOptions.resourceId, () => ({ kind: "cancel", decisions: [] }));
    },
    async result(runId, resultOptions = {}) {
      checkRunId(runId);
      await runOf(runId, resultOptions.resourceId);
      const portable = await dbos.getResult<PortableRunResult | PortableRejection>(
        runId,
        resultOptions.timeoutSeconds === undefined
          ? undefined
          : { timeoutSeconds: resultOptions.timeoutSeconds },
      );
      return portable === null ? undefined : fromPortableOutcome(portable);
    },
  };
}
