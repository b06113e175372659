import { describeAgentRuntimeContract } from "@flowmaestro/runtime/testing/contract";
import { createMastraRuntime } from "./create-mastra-runtime.js";

describeAgentRuntimeContract("mastra", { createRuntime: () => createMastraRuntime() });
