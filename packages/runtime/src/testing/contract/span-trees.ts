import type { Attributes, SpanKind, SpanStatusCode } from "@opentelemetry/api";

/**
 * The fields of a finished span {@link spanTrees} reads: a `RecordedSpan` of the contract's
 * recording tracer provider, or a `ReadableSpan` of the OpenTelemetry SDK.
 */
export interface TreeSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes: Attributes;
  readonly status: { readonly code: SpanStatusCode };
  readonly parentSpanContext?: { readonly spanId: string } | undefined;
  spanContext(): { readonly spanId: string };
}

/** A span and its children, ids, times and the attributes that differ from run to run left out. */
export interface SpanTree {
  readonly name: string;
  readonly kind: SpanKind;
  readonly status: SpanStatusCode;
  readonly attributes: Attributes;
  readonly children: SpanTree[];
}

/** Children order: memory, then model calls, then tools. */
const RANK: Readonly<Record<string, number>> = { search_memory: 0, chat: 1, execute_tool: 2 };

/**
 * The finished spans of runs as trees, so two runs of the same script (on two runtimes, or two
 * tracer providers) compare equal. Pass the spans in the order they ended. The attributes that
 * name the run (`flowmaestro.run.id`) and the runtime (`flowmaestro.runtime`) are dropped.
 * Children are in a canonical order, since start times have millisecond resolution and tool
 * calls overlap the model call that made them: memory, then the chat spans in the order they
 * ended (a run's model calls never overlap), then the tool spans by call id. A span whose parent
 * is not among `spans` is a root.
 *
 * @example
 * ```ts
 * expect(spanTrees(mastraProvider.finishedSpans())).toEqual(spanTrees(legacyProvider.finishedSpans()));
 * ```
 */
export function spanTrees(spans: readonly TreeSpan[]): SpanTree[] {
  const rank = (span: TreeSpan) => RANK[String(span.attributes["gen_ai.operation.name"])] ?? 3;
  const callId = (span: TreeSpan) => String(span.attributes["gen_ai.tool.call.id"] ?? "");
  const build = (span: TreeSpan): SpanTree => {
    const { "flowmaestro.run.id": _runId, "flowmaestro.runtime": _runtime, ...attributes } = span.attributes;
    return {
      name: span.name,
      kind: span.kind,
      status: span.status.code,
      attributes,
      children: spans
        .filter((child) => child.parentSpanContext?.spanId === span.spanContext().spanId)
        // A stable sort: chat spans keep the order they ended in.
        .sort((a, b) => rank(a) - rank(b) || callId(a).localeCompare(callId(b)))
        .map(build),
    };
  };
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  return spans
    .filter((span) => !span.parentSpanContext || !ids.has(span.parentSpanContext.spanId))
    .map(build);
}
