import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageAdapter } from "../storage-adapter.js";
import { describeConcurrencyCases } from "./contract/concurrency-cases.js";
import type {
  GroupContext,
  Requirement,
  StorageAdapterContractOptions,
  StorageContractContext,
} from "./contract/contract-context.js";
import { describeIsolationCases } from "./contract/isolation-cases.js";
import { describeLifecycleCases } from "./contract/lifecycle-cases.js";
import { describeMessageCases } from "./contract/message-cases.js";
import { describeSnapshotCases } from "./contract/snapshot-cases.js";
import { describeThreadCases } from "./contract/thread-cases.js";
import { describeValidationCases } from "./contract/validation-cases.js";
import { describeVectorCases } from "./contract/vector-cases.js";
import { describeWorkingMemoryCases } from "./contract/working-memory-cases.js";

export type {
  StorageAdapterCapabilities,
  StorageAdapterContractOptions,
  StorageContractContext,
} from "./contract/contract-context.js";

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The storage adapter conformance suite: call it from one test file per adapter configuration
 * (default, custom schema, bring-your-own client…); every adapter must pass it unchanged. It
 * checks every requirement the {@link StorageAdapter} docs state: threads, messages (lossless
 * round trip of every AI SDK message shape, windows, upserts), working memory, run snapshots
 * (versions, and the compare-and-set of `expectedVersion`, with concurrent saves),
 * tenant isolation on every path, vectors (when the adapter has them), concurrent writers and
 * input validation, and that every error is an `AgentSdkError` with the documented `code`.
 *
 * The suite never assumes an empty store (every id is fresh, prefixed with a random per-run
 * tag), so it runs against shared real databases; it deletes what it created, best effort, in
 * `afterAll`. Anything random uses a fixed seed, and no case asserts on timing. Needs `vitest`.
 *
 * @example
 * ```ts
 * // my-adapter.contract.test.ts
 * import { describeStorageAdapterContract } from "@flowmaestro/memory/testing";
 *
 * describeStorageAdapterContract("my-adapter", {
 *   createAdapter: () => createMyAdapter({ url: process.env.MY_URL }),
 *   capabilities: { vectors: false },
 * });
 * ```
 */
export function describeStorageAdapterContract(name: string, options: StorageAdapterContractOptions): void {
  const tag = `sc${randomUUID().replaceAll("-", "").slice(0, 8)}`;
  let counter = 0;
  const uniqueId = (kind: string) => `${tag}_${kind}_${++counter}`;
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const dispose = (adapter: StorageAdapter) =>
    options.disposeAdapter ? options.disposeAdapter(adapter) : adapter.close();
  const declared = new Set<string>();
  const has = (capability: Requirement) => options.capabilities?.[capability] !== false;

  const group = (title: string, body: (context: GroupContext) => void) =>
    describe(title, () => {
      let current: StorageAdapter | undefined;
      const cleanups: Array<() => unknown> = [];
      const extraAdapters: StorageAdapter[] = [];
      beforeAll(async () => {
        current = await options.createAdapter();
      }, timeout);
      afterAll(async () => {
        for (const cleanup of cleanups.splice(0).reverse()) {
          try {
            await cleanup();
          } catch {
            // Best effort: a clean-up failure must not hide the cases' own results.
          }
        }
        for (const adapter of [...extraAdapters.splice(0), ...(current ? [current] : [])])
          await dispose(adapter);
        current = undefined;
      }, timeout);

      const cleanup = (fn: () => unknown) => void cleanups.push(fn);
      const adapter = () => {
        if (!current)
          throw new Error("The adapter is only available inside a test (it is created in beforeAll).");
        return current;
      };
      const newResource = () => uniqueId("resource");
      const context: GroupContext = {
        options,
        tag,
        uniqueId,
        cleanup,
        adapter,
        has,
        newResource,
        test: (caseName, caseBody, requires) => {
          const fullName = `${title} > ${caseName}`;
          declared.add(fullName);
          const reason = options.skip?.[fullName];
          if (reason) it.skip(`${caseName} — known gap: ${reason}`, caseBody);
          else if (requires && !has(requires))
            it.skip(`${caseName} — capability \`${requires}\` is off for this adapter`, caseBody);
          else it(caseName, caseBody, timeout);
        },
        newThread: async (input = {}) => {
          const resourceId = input.resourceId ?? newResource();
          const thread = await adapter().createThread({
            id: input.id ?? uniqueId("thread"),
            resourceId,
            title: input.title,
            metadata: input.metadata,
          });
          const store = adapter();
          cleanup(() => store.deleteThread({ threadId: thread.id, resourceId }));
          return thread;
        },
        freshAdapter: async () => {
          const fresh = await options.createAdapter();
          extraAdapters.push(fresh);
          return fresh;
        },
      };
      body(context);
    });

  describe(`StorageAdapter contract: ${name}`, () => {
    group("lifecycle", describeLifecycleCases);
    group("threads", describeThreadCases);
    group("messages", describeMessageCases);
    group("working memory", describeWorkingMemoryCases);
    group("snapshots", describeSnapshotCases);
    group("tenant isolation", describeIsolationCases);
    group("vectors", describeVectorCases);
    group("concurrency", describeConcurrencyCases);
    group("input validation", describeValidationCases);
    const { extraTests } = options;
    if (extraTests) group("extra", (context) => extraTests(publicContext(context)));

    it("skip names only existing cases", () => {
      const unknown = Object.keys(options.skip ?? {}).filter((caseName) => !declared.has(caseName));
      expect(unknown, `unknown case names in \`skip\`; known: ${[...declared].join(", ")}`).toEqual([]);
    });
  });
}

function publicContext(context: GroupContext): StorageContractContext {
  const { adapter, uniqueId, tag, cleanup } = context;
  return { adapter, uniqueId, tag, cleanup };
}
