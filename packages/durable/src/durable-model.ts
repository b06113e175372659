import { InvalidDefinitionError, type ModelInfo } from "@flowmaestro/runtime";
import type { RunModel } from "@flowmaestro/runtime/kit";
import type { Dbos } from "./dbos.js";
import {
  fromPortable,
  fromPortableError,
  type PortableError,
  toPortable,
  toPortableError,
} from "./portable.js";

/** The call options and answer of one model call (the AI SDK language-model spec's). */
type CallOptions = Parameters<RunModel["generate"]>[0];
type GenerateResult = Awaited<ReturnType<RunModel["generate"]>>;

/** What a model step records: the answer (as JSON) and who gave it, or the typed error. */
type ModelStepOutput =
  | { readonly ok: true; readonly result: unknown; readonly answeredBy: ModelInfo | null }
  | { readonly ok: false; readonly error: PortableError; readonly answeredBy: ModelInfo | null };

/**
 * The run's model with each call (`generate`, its retries and fallbacks included) as one DBOS
 * step. A replayed call returns the recorded answer without calling the model. The first
 * execution hands the loop the same JSON round trip a replay would, so the steps, messages and
 * message ids of a recovered run are the ones the first worker produced. @internal
 */
export function durableModel(dbos: Dbos, model: RunModel): RunModel {
  let answeredBy: ModelInfo | undefined;
  return {
    provider: model.provider,
    modelId: model.modelId,
    get answeredBy() {
      return answeredBy;
    },
    get attempts() {
      return model.attempts;
    },
    async generate(options: CallOptions): Promise<GenerateResult> {
      const output = await dbos.runStep(
        async (): Promise<ModelStepOutput> => {
          try {
            const result = await model.generate(options);
            return { ok: true, result: toPortable(recordable(result)), answeredBy: model.answeredBy ?? null };
          } catch (error) {
            return { ok: false, error: toPortableError(error), answeredBy: model.answeredBy ?? null };
          }
        },
        { name: "flowmaestro.model" },
      );
      answeredBy = output.answeredBy ?? undefined;
      if (!output.ok) throw fromPortableError(output.error);
      return fromPortable(output.result) as GenerateResult;
    },
    stream() {
      return Promise.reject(notDurable("stream"));
    },
    consumeStream() {
      return Promise.reject(notDurable("stream"));
    },
  };
}

/** What the loop reads of a generate result; the raw request and response bodies are not kept. */
function recordable(result: GenerateResult): GenerateResult {
  const { request: _request, response, ...rest } = result;
  return {
    ...rest,
    ...(response === undefined
      ? {}
      : { response: { id: response.id, modelId: response.modelId, timestamp: response.timestamp } }),
  } as GenerateResult;
}

function notDurable(what: string): InvalidDefinitionError {
  return new InvalidDefinitionError({
    subject: "durable run",
    issues: [{ field: what, expected: "execute (durable runs do not stream yet)" }],
  });
}
