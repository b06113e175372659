import { describeAgentRuntimeContract } from "@flowmaestro/runtime/testing";
import { createMastraRuntime } from "./create-mastra-runtime.js";

describeAgentRuntimeContract("mastra", { createRuntime: () => createMastraRuntime() });
