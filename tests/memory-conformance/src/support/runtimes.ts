import type { AgentRuntime } from "@flowmaestro/runtime";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";

/** Both runtimes; one instance each per test file. */
export const runtimeSetups: ReadonlyArray<{ readonly name: string; readonly create: () => AgentRuntime }> = [
  { name: "legacy", create: () => createLegacyRuntime() },
  { name: "mastra", create: () => createMastraRuntime() },
];
