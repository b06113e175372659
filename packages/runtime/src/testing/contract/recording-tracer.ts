import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  createContextKey,
  type Exception,
  INVALID_SPAN_CONTEXT,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";

/** The instrumentation scope a span was made with: `getTracer(name, version)`. */
export interface RecordedInstrumentationScope {
  readonly name: string;
  readonly version?: string | undefined;
}

/** An event of a {@link RecordedSpan} (`addEvent`, or `recordException` as an `exception` event). */
export interface RecordedSpanEvent {
  readonly name: string;
  readonly attributes: Attributes;
}

/**
 * A span as a {@link RecordingTracerProvider} recorded it. Its fields are named as the
 * OpenTelemetry SDK's `ReadableSpan` names them, so code that reads spans works on both.
 */
export interface RecordedSpan {
  /** The span's name (the last `updateName`, if any). */
  readonly name: string;
  readonly kind: SpanKind;
  /** The tracer's name and version (`getTracer(name, version)`). */
  readonly instrumentationScope: RecordedInstrumentationScope;
  spanContext(): SpanContext;
  /**
   * The context of the span active in the context the span was started in (the context passed to
   * `startSpan`, else `context.active()`); `undefined` for a root span.
   */
  readonly parentSpanContext: SpanContext | undefined;
  /** Attributes set at start and after, as the SDK keeps them (invalid values dropped, arrays copied). */
  readonly attributes: Attributes;
  /** `addEvent` and `recordException` calls, in order. */
  readonly events: readonly RecordedSpanEvent[];
  readonly links: readonly Link[];
  /** UNSET until `setStatus`; as in the SDK, OK is final and only ERROR keeps a message. */
  readonly status: SpanStatus;
  readonly ended: boolean;
  /** When it started, on the provider's logical clock (one tick per start and per end; not wall time). */
  readonly startTick: number;
  /** When it ended, on the same clock; `undefined` while it is open. */
  readonly endTick: number | undefined;
}

/** Options of {@link createRecordingTracerProvider}. */
export interface RecordingTracerProviderOptions {
  /**
   * Seed of the span and trace ids: the same seed gives the same ids in the same order.
   * @default 1
   */
  readonly seed?: number | undefined;
}

/**
 * A `TracerProvider` that keeps every span in memory, built on `@opentelemetry/api` alone (no
 * trace SDK needed), for tests. It makes parents as the OpenTelemetry SDK does: the span active
 * in the context passed to `startSpan` (else `context.active()`) is the parent and gives its trace
 * id; `root: true` starts a new trace; a context with tracing suppressed gets a non-recording span.
 * Every span is sampled and records until it ends. Ids are valid and deterministic.
 */
export interface RecordingTracerProvider extends TracerProvider {
  /** Every span started, in the order they started. */
  readonly spans: readonly RecordedSpan[];
  /** The spans that ended, in the order they ended (as the SDK's `InMemorySpanExporter` lists them). */
  finishedSpans(): RecordedSpan[];
  /**
   * Misuse the SDK would only log: an operation on an ended span, a second `end()`, an invalid
   * attribute. Empty for instrumentation that behaves.
   */
  readonly problems: readonly string[];
  /** Forgets every span and problem (ids go on from where they were). */
  reset(): void;
}

/**
 * A {@link RecordingTracerProvider}: pass it as an agent's `tracing.tracerProvider`.
 *
 * @example
 * ```ts
 * const tracerProvider = createRecordingTracerProvider();
 * const agent = createAgent({ runtime, name: "helper", model, tracing: { tracerProvider } });
 * await agent.execute("Hi");
 * tracerProvider.finishedSpans().map((span) => span.name); // ["chat …", "invoke_agent helper"]
 * ```
 */
export function createRecordingTracerProvider(
  options: RecordingTracerProviderOptions = {},
): RecordingTracerProvider {
  return new Recorder(options.seed ?? 1);
}

/** The key `@opentelemetry/core` marks a context with when tracing is suppressed (`suppressTracing`). */
const SUPPRESS_TRACING_KEY = createContextKey("OpenTelemetry SDK Context Key SUPPRESS_TRACING");

class Recorder implements RecordingTracerProvider {
  readonly spans: RecordingSpan[] = [];
  readonly problems: string[] = [];
  private finished: RecordingSpan[] = [];
  private clock = 0;
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  getTracer(name: string, version?: string): Tracer {
    return new RecordingTracer(this, { name, ...(version === undefined ? {} : { version }) });
  }

  finishedSpans(): RecordedSpan[] {
    return [...this.finished];
  }

  reset(): void {
    this.spans.length = 0;
    this.problems.length = 0;
    this.finished = [];
  }

  tick(): number {
    this.clock += 1;
    return this.clock;
  }

  started(span: RecordingSpan): void {
    this.spans.push(span);
  }

  ended(span: RecordingSpan): void {
    this.finished.push(span);
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** A fresh id of `words` 32-bit words in hex, never all zeros (which would be invalid). */
  id(words: number): string {
    for (;;) {
      let text = "";
      for (let index = 0; index < words; index += 1) text += this.next().toString(16).padStart(8, "0");
      if (/[^0]/.test(text)) return text;
    }
  }

  /** mulberry32: a small seeded generator, so ids look random but repeat with the seed. */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  }
}

class RecordingTracer implements Tracer {
  constructor(
    private readonly recorder: Recorder,
    private readonly scope: RecordedInstrumentationScope,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, parentContext: Context = context.active()): Span {
    const from = options.root ? trace.deleteSpan(parentContext) : parentContext;
    if (from.getValue(SUPPRESS_TRACING_KEY) === true) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parent = trace.getSpan(from)?.spanContext();
    const validParent = parent && trace.isSpanContextValid(parent) ? parent : undefined;
    const spanContext: SpanContext = {
      traceId: validParent?.traceId ?? this.recorder.id(4),
      spanId: this.recorder.id(2),
      traceFlags: TraceFlags.SAMPLED,
      ...(validParent?.traceState ? { traceState: validParent.traceState } : {}),
    };
    const span = new RecordingSpan(this.recorder, {
      name,
      kind: options.kind ?? SpanKind.INTERNAL,
      scope: this.scope,
      spanContext,
      parentSpanContext: validParent,
    });
    if (options.attributes) span.setAttributes(options.attributes);
    if (options.links) span.addLinks(options.links);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    parentContext: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : undefined;
    const parentContext = rest.length > 2 ? (rest[1] as Context) : context.active();
    const span = this.startSpan(name, options, parentContext);
    const body = fn as (span: Span) => ReturnType<F>;
    return context.with(trace.setSpan(parentContext, span), body, undefined, span);
  }
}

class RecordingSpan implements Span, RecordedSpan {
  name: string;
  readonly kind: SpanKind;
  readonly attributes: Attributes = {};
  readonly events: RecordedSpanEvent[] = [];
  readonly links: Link[] = [];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly instrumentationScope: RecordedInstrumentationScope;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTick: number;
  endTick: number | undefined;
  private readonly context: SpanContext;

  constructor(
    private readonly recorder: Recorder,
    init: {
      name: string;
      kind: SpanKind;
      scope: RecordedInstrumentationScope;
      spanContext: SpanContext;
      parentSpanContext: SpanContext | undefined;
    },
  ) {
    this.name = init.name;
    this.kind = init.kind;
    this.instrumentationScope = init.scope;
    this.context = init.spanContext;
    this.parentSpanContext = init.parentSpanContext;
    this.startTick = recorder.tick();
    recorder.started(this);
  }

  get ended(): boolean {
    return this.endTick !== undefined;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value === undefined || value === null || this.refuse("setAttribute")) return this;
    if (key.length === 0 || !isAttributeValue(value)) {
      this.recorder.problem(`"${this.name}": invalid attribute ${JSON.stringify(key)} (${typeof value}).`);
      return this;
    }
    this.attributes[key] = copyOf(value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value);
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, _startTime?: TimeInput): this {
    if (this.refuse("addEvent")) return this;
    const attributes: Attributes = {};
    if (attributesOrStartTime !== undefined && !isTimeInput(attributesOrStartTime)) {
      for (const [key, value] of Object.entries(attributesOrStartTime)) {
        if (value !== undefined && value !== null && isAttributeValue(value)) {
          attributes[key] = copyOf(value);
        }
      }
    }
    this.events.push({ name, attributes });
    return this;
  }

  addLink(link: Link): this {
    if (!this.refuse("addLink")) this.links.push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.refuse("setStatus")) return this;
    if (status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status =
      status.code === SpanStatusCode.ERROR && typeof status.message === "string"
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.refuse("updateName")) this.name = name;
    return this;
  }

  end(_endTime?: TimeInput): void {
    if (this.refuse("end")) return;
    this.endTick = this.recorder.tick();
    this.recorder.ended(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, _time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === "string") {
      attributes["exception.message"] = exception;
    } else {
      const type = exception.code ?? exception.name;
      if (type !== undefined) attributes["exception.type"] = String(type);
      if (exception.message) attributes["exception.message"] = exception.message;
      if (exception.stack) attributes["exception.stacktrace"] = exception.stack;
    }
    this.addEvent("exception", attributes);
  }

  /** Whether the span has ended, in which case the operation is ignored and noted as a problem. */
  private refuse(operation: string): boolean {
    if (!this.ended) return false;
    this.recorder.problem(`"${this.name}": ${operation}() after the span ended.`);
    return true;
  }
}

/** What the SDK accepts as an attribute value: a primitive, or an array of one primitive type (nulls allowed). */
function isAttributeValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) {
    let type: string | undefined;
    for (const item of value) {
      if (item === null || item === undefined) continue;
      if (type === undefined) {
        if (!isPrimitive(item)) return false;
        type = typeof item;
      } else if (typeof item !== type) {
        return false;
      }
    }
    return true;
  }
  return isPrimitive(value);
}

/** An attribute value as kept: arrays copied, so later changes to the caller's array do not show. */
function copyOf(value: AttributeValue): AttributeValue {
  return Array.isArray(value) ? ([...value] as AttributeValue) : value;
}

function isPrimitive(value: unknown): boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function isTimeInput(value: unknown): boolean {
  return (
    typeof value === "number" ||
    value instanceof Date ||
    (Array.isArray(value) && value.length === 2 && typeof value[0] === "number")
  );
}
