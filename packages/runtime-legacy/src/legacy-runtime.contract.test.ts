import { describeAgentRuntimeContract } from "@flowmaestro/runtime/testing/contract";
import { createLegacyRuntime } from "./create-legacy-runtime.js";

describeAgentRuntimeContract("legacy", { createRuntime: () => createLegacyRuntime() });
