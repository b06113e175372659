import type { ModelMessage } from "ai";
import type {
  AppendMessagesInput,
  CreateThreadInput,
  ListMessagesInput,
  ListThreadsInput,
  SaveSnapshotInput,
  SnapshotKey,
  ThreadKey,
  UpdateThreadInput,
  VectorFilter,
  VectorMetadataValue,
  VectorRecord,
  WorkingMemoryKey,
} from "../storage-adapter.js";
import { InputCheck } from "./inputs.js";

// The input checks of the storage contract, shared by every adapter here, so each rejects the
// same inputs with the same InvalidDefinitionError naming the same fields. Each runs before the
// backend is touched.

/** Checks a thread key (`threadId`, `resourceId`), plus any checks `more` adds. @internal */
export function checkThreadKey(
  operation: string,
  input: ThreadKey,
  more?: (check: InputCheck) => void,
): void {
  const check = new InputCheck(operation).id("threadId", input?.threadId).id("resourceId", input?.resourceId);
  more?.(check);
  check.done();
}

/** Checks a run snapshot key (`runId`, `resourceId`). @internal */
export function checkSnapshotKey(operation: string, input: SnapshotKey): void {
  new InputCheck(operation).id("runId", input?.runId).id("resourceId", input?.resourceId).done();
}

/** Checks the input of `createThread`. @internal */
export function checkCreateThread(input: CreateThreadInput): void {
  new InputCheck("createThread")
    .optionalId("id", input?.id)
    .id("resourceId", input?.resourceId)
    .require(input?.title === undefined || typeof input.title === "string", {
      field: "title",
      expected: "a string",
    })
    .require(input?.metadata === undefined || isPlainObject(input.metadata), {
      field: "metadata",
      expected: "an object of JSON values",
    })
    .done();
}

/** Checks the input of `listThreads`. @internal */
export function checkListThreads(input: ListThreadsInput): void {
  new InputCheck("listThreads")
    .id("resourceId", input?.resourceId)
    .optionalInteger("limit", input?.limit, 0)
    .optionalInteger("offset", input?.offset, 0)
    .done();
}

/** Checks the input of `updateThread`. @internal */
export function checkUpdateThread(input: UpdateThreadInput): void {
  checkThreadKey("updateThread", input, (check) =>
    check
      .require(input?.title === undefined || typeof input.title === "string", {
        field: "title",
        expected: "a string",
      })
      .require(input?.metadata === undefined || isPlainObject(input.metadata), {
        field: "metadata",
        expected: "an object of JSON values (null removes a key)",
      }),
  );
}

/** Checks the input of `appendMessages`: the key and every message. @internal */
export function checkAppendMessages(input: AppendMessagesInput): void {
  const messages = Array.isArray(input?.messages) ? input.messages : [];
  checkThreadKey("appendMessages", input, (check) => {
    check.require(Array.isArray(input?.messages), { field: "messages", expected: "an array" });
    messages.forEach((entry, index) => {
      const field = `messages.${index}`;
      const ok = isPlainObject(entry);
      check.require(ok, { field, expected: "an object with a `message`" });
      if (!ok) return;
      check
        .optionalId(`${field}.id`, entry.id)
        .optionalId(`${field}.runId`, entry.runId)
        .optionalInteger(`${field}.step`, entry.step, 0, 2_147_483_647)
        .require(isModelMessage(entry.message), {
          field: `${field}.message`,
          expected: "an AI SDK ModelMessage (an object with a `role`)",
        })
        .require(
          entry.createdAt === undefined ||
            (entry.createdAt instanceof Date && !Number.isNaN(entry.createdAt.getTime())),
          { field: `${field}.createdAt`, expected: "a valid Date" },
        );
    });
  });
}

/** Checks the input of `listMessages`: the key and the window. @internal */
export function checkListMessages(input: ListMessagesInput): void {
  checkThreadKey("listMessages", input, (check) =>
    check
      .optionalInteger("last", input?.last, 0)
      .require(input?.beforePosition === undefined || Number.isFinite(input.beforePosition), {
        field: "beforePosition",
        expected: "a number",
      })
      .require(input?.afterPosition === undefined || Number.isFinite(input.afterPosition), {
        field: "afterPosition",
        expected: "a number",
      })
      .require(input?.ids === undefined || isStringArray(input.ids), {
        field: "ids",
        expected: "an array of message ids",
      }),
  );
}

/** Checks the input of `deleteMessages`. @internal */
export function checkDeleteMessages(input: ThreadKey & { readonly ids: readonly string[] }): void {
  checkThreadKey("deleteMessages", input, (check) =>
    check.require(isStringArray(input?.ids), { field: "ids", expected: "an array of message ids" }),
  );
}

/** Checks a working-memory key, and with `content` the text to store. @internal */
export function checkWorkingMemoryKey(operation: string, input: WorkingMemoryKey, content = false): void {
  const check = new InputCheck(operation)
    .id("resourceId", input?.resourceId)
    .optionalId("threadId", input?.threadId);
  if (content) {
    check.require(typeof (input as { content?: unknown })?.content === "string", {
      field: "content",
      expected: "a string",
    });
  }
  check.done();
}

/** Checks the input of `saveSnapshot`. @internal */
export function checkSaveSnapshot(input: SaveSnapshotInput): void {
  new InputCheck("saveSnapshot")
    .id("runId", input?.runId)
    .id("resourceId", input?.resourceId)
    .optionalId("threadId", input?.threadId)
    .require(input !== null && typeof input === "object" && "state" in input, {
      field: "state",
      expected: "a JSON value",
    })
    .optionalInteger("expectedVersion", input?.expectedVersion, 1)
    .done();
}

/** Checks a vector index name. @internal */
export function checkIndexName(operation: string, input: { readonly indexName: string }): void {
  new InputCheck(operation).id("indexName", input?.indexName).done();
}

/**
 * Checks the input of `vectors.createIndex`; `limit` is the backend's largest dimension.
 * @internal
 */
export function checkCreateIndex(
  input: { readonly indexName: string; readonly dimension: number },
  limit: { readonly max: number; readonly what: string },
): void {
  new InputCheck("createIndex")
    .id("indexName", input?.indexName)
    .require(Number.isInteger(input?.dimension) && input.dimension >= 1 && input.dimension <= limit.max, {
      field: "dimension",
      expected: `an integer from 1 to ${limit.max} (${limit.what})`,
      received: String(input?.dimension),
    })
    .done();
}

/** Checks the input of `vectors.upsert`: every record (dimensions are checked against the index later). @internal */
export function checkUpsert(input: {
  readonly indexName: string;
  readonly vectors: readonly VectorRecord[];
}): void {
  const records: readonly VectorRecord[] = Array.isArray(input?.vectors) ? input.vectors : [];
  const check = new InputCheck("upsert")
    .id("indexName", input?.indexName)
    .require(Array.isArray(input?.vectors), { field: "vectors", expected: "an array" });
  records.forEach((record, index) => {
    const field = `vectors.${index}`;
    check
      .id(`${field}.id`, record?.id)
      .require(isNumberArray(record?.vector), {
        field: `${field}.vector`,
        expected: "an array of finite numbers",
      })
      .require(record?.metadata === undefined || isMetadata(record.metadata), {
        field: `${field}.metadata`,
        expected: "an object of strings, numbers and booleans",
      });
  });
  check.done();
}

/** Checks the input of `vectors.query`. @internal */
export function checkQuery(input: {
  readonly indexName: string;
  readonly vector: readonly number[];
  readonly topK: number;
  readonly filter?: VectorFilter | undefined;
}): void {
  new InputCheck("query")
    .id("indexName", input?.indexName)
    .require(isNumberArray(input?.vector), { field: "vector", expected: "an array of finite numbers" })
    .optionalInteger("topK", input?.topK, 0)
    .require(input?.topK !== undefined, { field: "topK", expected: "an integer of at least 0" })
    .require(input?.filter === undefined || isFilter(input.filter), {
      field: "filter",
      expected: "an object of values or `{ $in: [...] }` lists",
    })
    .done();
}

/** Checks the input of `vectors.delete`. @internal */
export function checkDeleteVectors(input: {
  readonly indexName: string;
  readonly ids: readonly string[];
}): void {
  new InputCheck("delete")
    .id("indexName", input?.indexName)
    .require(isStringArray(input?.ids), { field: "ids", expected: "an array of vector ids" })
    .done();
}

/** JSON text of a value, or an `InvalidDefinitionError` naming `field` when JSON cannot hold it. @internal */
export function jsonText(value: unknown, field: string, operation: string): string {
  let text: string | undefined;
  let problem: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    problem = cause instanceof Error ? cause.message : String(cause);
  }
  if (text === undefined) {
    new InputCheck(operation)
      .require(false, { field, expected: "a JSON value", received: problem ?? typeof value })
      .done();
  }
  return text as string;
}

/** A non-null, non-array object. @internal */
export function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object with a string `role`. @internal */
export function isModelMessage(value: unknown): value is ModelMessage {
  return isPlainObject(value) && typeof value.role === "string";
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === "string");
}

function isNumberArray(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === "number" && Number.isFinite(entry));
}

function isMetadataValue(value: unknown): value is VectorMetadataValue {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

function isMetadata(value: unknown): boolean {
  return isPlainObject(value) && Object.values(value).every(isMetadataValue);
}

function isFilter(value: unknown): value is VectorFilter {
  if (!isPlainObject(value)) return false;
  return Object.values(value).every(
    (condition) =>
      isMetadataValue(condition) ||
      (isPlainObject(condition) &&
        Array.isArray((condition as { $in?: unknown }).$in) &&
        (condition as { $in: unknown[] }).$in.every(isMetadataValue)),
  );
}
