import { describeAgentRuntimeContract } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "./create-legacy-runtime.js";

describeAgentRuntimeContract("legacy", { createRuntime: () => createLegacyRuntime() });
