import { describeStorageAdapterContract } from "../../testing/index.js";
import { createInMemoryStorage } from "./in-memory-storage.js";

describeStorageAdapterContract("in-memory", { createAdapter: () => createInMemoryStorage() });
