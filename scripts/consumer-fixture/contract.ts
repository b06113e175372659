// Typechecked only (never run) when @flowmaestro/runtime exports `./testing/contract`: the
// conformance suite needs vitest, which the runnable consumers deliberately do not have.

import type {
  AgentRuntimeContractOptions,
  describeAgentRuntimeContract,
} from "@flowmaestro/runtime/testing/contract";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof?: T): void {}

assertType<Equal<Parameters<typeof describeAgentRuntimeContract>, [string, AgentRuntimeContractOptions]>>();

export const contractOptions: AgentRuntimeContractOptions = {
  createRuntime: () => createLegacyRuntime(),
  skip: { "model fallback": "documented gap" },
};

export const misspeltCase: AgentRuntimeContractOptions = {
  createRuntime: () => createLegacyRuntime(),
  // @ts-expect-error skip keys are the suite's case names
  skip: { "no such case": "typo" },
};
