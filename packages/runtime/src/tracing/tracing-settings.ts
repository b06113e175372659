/**
 * How an agent's runs are traced with OpenTelemetry (`@opentelemetry/api`). Spans are recorded
 * only when the host registers a tracer provider (or passes one here); otherwise tracing costs
 * next to nothing.
 */
export interface TracingSettings {
  /**
   * Record prompt and answer text, tool arguments and results on spans
   * (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.tool.call.arguments`…). Off by
   * default: they may hold personal data. Secrets are redacted either way.
   * @default false
   */
  readonly recordContent?: boolean | undefined;
  /** A tracer provider to use instead of the global one (`trace.setGlobalTracerProvider`). */
  readonly tracerProvider?: { getTracer(name: string, version?: string): unknown } | undefined;
}
