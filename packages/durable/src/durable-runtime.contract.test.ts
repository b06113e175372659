/**
 * The runtime conformance suite against the durable runtime, on the Postgres server: every run is
 * a DBOS workflow in a fresh system database schema (dropped afterwards). Needs `POSTGRES_URL`;
 * without it the file skips with a message, as the crash-and-recover tests do.
 */
import { randomUUID } from "node:crypto";
import { DBOS } from "@dbos-inc/dbos-sdk";
import type { AgentRuntime, ResolvedAgentDefinition } from "@flowmaestro/runtime";
import {
  type AgentRuntimeContractOptions,
  describeAgentRuntimeContract,
} from "@flowmaestro/runtime/testing/contract";
import pg from "pg";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createDurableRuntime } from "./index.js";

const POSTGRES_URL = process.env.POSTGRES_URL;
if (!POSTGRES_URL) {
  console.warn("durable: POSTGRES_URL is unset, skipping the runtime conformance suite (.ci/run sets it).");
}

const SCHEMA = `dbos_contract_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

// DBOS registers workflows before launch: one runtime for the whole file, created here.
const durable = createDurableRuntime({ dbos: DBOS, workflowName: "flowmaestro.contract-run" });

/**
 * The definition registered under each agent id. The contract creates many agents, most named
 * `contract-agent` (so with the same id); the durable runtime runs the definition registered
 * under the id and refuses any other object with that id (a recovering worker knows only the
 * registered one), so each call registers the definition it is given unless it is the current one.
 * (Registering after launch is a map insert; a host registers its agents before launch.) An
 * agent's per-run `overrides` make another definition object, which this registers too: the
 * cases that use overrides are skipped below, as durable runs reject them.
 */
const registered = new Map<string, ResolvedAgentDefinition>();

function use(definition: ResolvedAgentDefinition): void {
  if (typeof definition !== "object" || definition === null || typeof definition.id !== "string") return;
  if (registered.get(definition.id) === definition) return;
  durable.register(definition);
  registered.set(definition.id, definition);
}

/** A thin runtime over the file's one durable runtime that registers each agent on first use. */
const createRuntime = (): AgentRuntime => ({
  specificationVersion: "v1",
  name: durable.name,
  execute(definition, input, options) {
    use(definition);
    return durable.execute(definition, input, options);
  },
  stream(definition, input, options) {
    use(definition);
    return durable.stream(definition, input, options);
  },
  resume(definition, runId, decisions, options) {
    use(definition);
    return durable.resume(definition, runId, decisions, options);
  },
  cancel(definition, runId, options) {
    use(definition);
    return durable.cancel(definition, runId, options);
  },
});

/** Why a case is skipped: the durable runtime's known gaps, by design (README, "Known gaps"). */
const STREAM = "durable runs do not stream yet (`stream` is a typed INVALID_DEFINITION; use execute)";
/** For cases that run in both modes: their execute half passes (checked with `stream` emulated). */
const BOTH_MODES = `${STREAM}; the case also streams (its execute half passes)`;
const STREAM_ONLY = `${STREAM}; the case checks what only a stream has`;
const SIGNAL =
  "durable runs reject the `signal` option (a recovering worker has no caller's signal), so a run cannot be aborted";
const OVERRIDES =
  "durable runs reject per-run `overrides` (a recovering worker knows only the registered definition)";
const AGENT_TOOL =
  "agent.asTool() runs the inner agent with the calling run's `signal` (and `depth`), which durable runs reject (INVALID_DEFINITION options.signal): a durable agent cannot be an agent tool yet";

/**
 * Known gaps: case name → why. Everything else runs. The suite's own union lists only the core
 * cases' names, hence the cast.
 */
const skip: Record<string, string> = {
  // Core cases.
  "abort mid-stream": `${STREAM}; and ${SIGNAL}`,
  "abort before start": SIGNAL,
  "event order": `${STREAM}; the case checks a stream's events, tool input deltas included`,
  "usage summed": BOTH_MODES,
  "execute and stream agree": `${STREAM}; the case compares the two`,
  "model error": BOTH_MODES,
  "invalid input":
    "its last check, `agent.stream([])` throwing for the input, gets INVALID_DEFINITION (durable runs do not stream yet) instead; its execute checks pass",
  "onEvent callback": STREAM_ONLY,
  "text stream": STREAM_ONLY,
  // Reliability cases.
  "tool input in many deltas": BOTH_MODES,
  "tool parts in separate chunks": STREAM_ONLY,
  "interleaved tool calls": BOTH_MODES,
  "tool input that never ends": STREAM_ONLY,
  "provider metadata and reasoning round-trip": BOTH_MODES,
  "provider warnings": BOTH_MODES,
  "prompt never changes after the call": BOTH_MODES,
  "non-serialisable tool output": BOTH_MODES,
  "failed run leaves a safe conversation": `${STREAM_ONLY} (a stream cut mid-answer)`,
  "model call timeout": BOTH_MODES,
  "stream stall before content": `${STREAM_ONLY} (timeouts.streamStallMs)`,
  "stream stall after content": `${STREAM_ONLY} (timeouts.streamStallMs)`,
  "abort while the model ignores the signal": `${SIGNAL}; and ${STREAM}`,
  "deeply nested tool arguments": BOTH_MODES,
  "hostile tool arguments (fuzz)": BOTH_MODES,
  "no secrets in events, results or causes": BOTH_MODES,
  "provider faults are model errors": `${STREAM}; the case starts with a stream cut mid-answer (its execute part passes)`,
  "run context reaches tools": BOTH_MODES,
  "provider options and tool choice": `${OVERRIDES}; and ${STREAM}`,
  // Approval, budget, cost and structured-output cases.
  "approval suspends the run": `a durable run's suspension lives in its DBOS workflow (which waits for the decision), not in the definition's runStore, which the case checks; and ${STREAM}`,
  "requireToolApproval covers every tool": OVERRIDES,
  "per-run requireToolApproval false keeps needsApproval": `${OVERRIDES} (the case passes here only because this file's wrapper registers the overridden definition)`,
  "several approvals in one step": `${STREAM}; the case suspends with a stream`,
  "abort during a tool call": `${SIGNAL}; and ${STREAM}`,
  "abort a resumed run": SIGNAL,
  "tool input streams as events": STREAM_ONLY,
  "token budget": `${STREAM}; and ${OVERRIDES}`,
  "cost from a custom price table": `${STREAM}; the case streams one of its runs (its execute runs pass)`,
  "structured output": `${BOTH_MODES}; partial objects are a stream's`,
  "structured output from JSON Schema, per run": `${OVERRIDES}; and ${STREAM}`,
  "invalid structured output": STREAM_ONLY,
  // Tracing cases (spans of the execute half are right, `tracing: spans join the host's context` included).
  "tracing: span tree": BOTH_MODES,
  "tracing: tool errors": BOTH_MODES,
  "tracing: a span per model call attempt": BOTH_MODES,
  "tracing: content only with recordContent": BOTH_MODES,
  "tracing: no secrets in spans": BOTH_MODES,
  "tracing: resource id": BOTH_MODES,
  "tracing: an aborted run is not an error": `${SIGNAL}; and ${STREAM}`,
  "tracing: suspended and resumed runs": BOTH_MODES,
  "tracing: spans join the host's context": BOTH_MODES,
  // Agents as tools and tool model output.
  "agent as tool: router delegates to an inner agent": AGENT_TOOL,
  "agent as tool: usage and cost rolled up": AGENT_TOOL,
  "agent as tool: nested usage counts in the budget": AGENT_TOOL,
  "agent as tool: inner events nested under the call": AGENT_TOOL,
  "agent as tool: inner run streams when the outer does": `${AGENT_TOOL}; and ${STREAM}`,
  "agent as tool: abort passes down": `${AGENT_TOOL}; and ${SIGNAL}`,
  "agent as tool: depth limit": AGENT_TOOL,
  "agent as tool: agents calling each other stop at maxDepth": AGENT_TOOL,
  "agent as tool: inner failure is a tool error": AGENT_TOOL,
  "agent as tool: called outside a run": `${AGENT_TOOL} (here the host's tool context has a signal)`,
  "tool model output: text from toModelOutput": BOTH_MODES,
  "tool model output: image content reaches the next prompt": BOTH_MODES,
  "tool model output: content survives a suspended run": BOTH_MODES,
};

if (!POSTGRES_URL) {
  describe.skip("AgentRuntime contract: durable (POSTGRES_URL unset)", () => {
    it("needs POSTGRES_URL", () => {});
  });
} else {
  beforeAll(async () => {
    DBOS.setConfig({
      name: "flowmaestro-durable-contract",
      systemDatabaseUrl: POSTGRES_URL,
      systemDatabaseSchemaName: SCHEMA,
      logLevel: "error",
      applicationVersion: "durable-contract",
    });
    await DBOS.launch();
  });

  afterAll(async () => {
    await DBOS.shutdown();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  describeAgentRuntimeContract("durable", {
    createRuntime,
    skip: skip as AgentRuntimeContractOptions["skip"],
  });
}
