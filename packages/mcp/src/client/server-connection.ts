import { ABORTED, untilAborted } from "@flowmaestro/runtime/kit";
import type { McpCallToolResult } from "@flowmaestro/tools";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServerError, type McpServerOperation } from "../errors/mcp-server-error.js";
import { trackChildProcess, untrackChildProcess, waitForExit } from "./exit-cleanup.js";
import { type ClientSdk, loadClientSdk } from "./load-client-sdk.js";
import type { McpServerConfig, McpToolDefinition } from "./mcp-clients-options.js";
import type { McpServerClient, McpServerStatus } from "./mcp-server-client.js";
import { endpointOf, isConnectionLost, isZodError, toServerError } from "./to-server-error.js";

/** {@link McpReconnectOptions} with defaults applied, or `false`. @internal */
export type ResolvedReconnect =
  | false
  | {
      readonly initialDelayMs: number;
      readonly maxDelayMs: number;
      readonly multiplier: number;
      readonly maxAttempts: number;
    };

/** What a {@link ServerConnection} needs. @internal */
export interface ServerConnectionSettings {
  readonly name: string;
  readonly config: McpServerConfig;
  readonly timeoutMs: number;
  readonly reconnect: ResolvedReconnect;
  readonly clientInfo: { readonly name: string; readonly version: string };
  /** Called when a listing differs from the one before (list_changed, or a reconnect). */
  readonly onToolsChanged: () => void;
}

/** One open (or opening) connection: the SDK client, its transport and, for stdio, the process. */
interface Live {
  readonly client: Client;
  readonly transport: StdioClientTransport | StreamableHTTPClientTransport;
  pid: number | undefined;
  disposing?: Promise<void>;
  refreshing?: Promise<void>;
  refreshAgain?: boolean;
}

const STDERR_TAIL = 2000;
const NOISE_SAMPLE = 200;
const MAX_TOOL_PAGES = 100;
const TERMINATE_SESSION_MS = 2000;

/**
 * The client of one server: connects on first use, keeps the tool list current, reconnects a dead
 * server on the next use (with backoff), and turns every failure into an {@link McpServerError}.
 * @internal
 */
export class ServerConnection implements McpServerClient {
  readonly name: string;
  readonly transport: "stdio" | "http";
  readonly #settings: ServerConnectionSettings;
  #sdk: ClientSdk | undefined;
  /** The ready connection. */
  #live: Live | undefined;
  /** The connection being opened, so `close()` can end it. */
  #opening: Live | undefined;
  #connecting: Promise<Live> | undefined;
  #tools: readonly McpToolDefinition[] | undefined;
  #pid: number | undefined;
  #failures = 0;
  #retryAt = 0;
  #everConnected = false;
  #lastError: McpServerError | undefined;
  #closing: Promise<void> | undefined;
  #stderr = "";
  /** Output the transport could not read as MCP: how many, and the last message about it. */
  #noiseCount = 0;
  #noiseSample: string | undefined;

  constructor(settings: ServerConnectionSettings) {
    this.#settings = settings;
    this.name = settings.name;
    this.transport = "command" in settings.config && settings.config.command !== undefined ? "stdio" : "http";
  }

  get status(): McpServerStatus {
    if (this.#closing) return "closed";
    if (this.#live) return "connected";
    if (this.#connecting) return "connecting";
    return this.#everConnected || this.#failures > 0 ? "disconnected" : "idle";
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  get lastError(): McpServerError | undefined {
    return this.#lastError;
  }

  getInstance(): Client | undefined {
    return this.#live?.client;
  }

  async connect(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#ready("connect", options.signal);
  }

  async listTools(options: { signal?: AbortSignal } = {}): Promise<readonly McpToolDefinition[]> {
    await this.#ready("listTools", options.signal);
    return this.#tools ?? [];
  }

  /** The last listing, without connecting; `undefined` before the first connection. @internal */
  get knownTools(): readonly McpToolDefinition[] | undefined {
    return this.#tools;
  }

  async callTool(
    params: { name: string; arguments?: Record<string, unknown> },
    options: { signal?: AbortSignal } = {},
  ): Promise<McpCallToolResult> {
    const { signal } = options;
    const toolName = params.name;
    const live = await this.#ready("callTool", signal, toolName);
    const tools = this.#tools;
    if (tools && !tools.some((tool) => tool.name === toolName)) {
      throw new McpServerError({
        server: this.name,
        operation: "callTool",
        toolName,
        reason: "unknown_tool",
        detail: `the server does not offer this tool (its tool list may have changed). It offers: ${
          tools.map((tool) => tool.name).join(", ") || "no tools"
        }.`,
      });
    }
    const noiseBefore = this.#noiseCount;
    // A signal of this call only: the SDK never removes its abort listener, and the caller's signal
    // may be a whole run's, shared by many calls.
    const callSignal = signal ? new AbortController() : undefined;
    const onAbort = () => callSignal?.abort(signal?.reason);
    signal?.throwIfAborted();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const result = await live.client.callTool(
        { name: toolName, arguments: params.arguments ?? {} },
        undefined,
        { timeout: this.#settings.timeoutMs, ...(callSignal ? { signal: callSignal.signal } : {}) },
      );
      return result as McpCallToolResult;
    } catch (error) {
      // An abort (the run's, or the kit's tool timeout) is the caller's outcome, not a server fault.
      if (signal?.aborted) throw signal.reason;
      throw this.#fail(error, live, "callTool", toolName, noiseBefore);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Ends the connection (and the process) for good; calls after it fail with `unavailable`. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const open = [this.#live, this.#opening].filter((live): live is Live => live !== undefined);
    this.#live = undefined;
    await Promise.all(open.map((live) => this.#dispose(live, true)));
    await this.#connecting?.catch(() => undefined);
  }

  /** The ready connection: the current one, the one being opened, or a new one (backoff permitting). */
  async #ready(
    operation: McpServerOperation,
    signal: AbortSignal | undefined,
    toolName?: string,
  ): Promise<Live> {
    signal?.throwIfAborted();
    if (this.#closing) throw this.#closedError(operation, toolName);
    if (this.#live) return this.#live;
    if (!this.#connecting) {
      this.#checkBackoff(operation, toolName);
      const attempt = this.#open();
      this.#connecting = attempt;
      attempt
        .catch(() => undefined)
        .finally(() => {
          if (this.#connecting === attempt) this.#connecting = undefined;
        });
    }
    // A caller that gives up does not end the attempt: the next call may use the connection.
    const live = await untilAborted(this.#connecting, signal);
    if (live === ABORTED) throw signal?.reason;
    return live;
  }

  #checkBackoff(operation: McpServerOperation, toolName: string | undefined): void {
    if (!this.#everConnected && this.#failures === 0) return;
    const reconnect = this.#settings.reconnect;
    if (reconnect === false) {
      throw this.#unavailable(
        operation,
        toolName,
        "its connection ended and reconnecting is off (`reconnect: false`).",
      );
    }
    if (this.#failures === 0) return;
    if (this.#failures >= reconnect.maxAttempts) {
      throw this.#unavailable(
        operation,
        toolName,
        `gave up after ${this.#failures} failed connection attempts in a row (\`reconnect.maxAttempts\`).`,
      );
    }
    const wait = this.#retryAt - Date.now();
    if (wait > 0) {
      throw this.#unavailable(
        operation,
        toolName,
        `${this.#failures} connection attempt(s) failed; the next one is made on a call after ${wait} ms.`,
      );
    }
  }

  #unavailable(operation: McpServerOperation, toolName: string | undefined, detail: string): McpServerError {
    const last = this.#lastError;
    return new McpServerError({
      server: this.name,
      operation,
      toolName,
      reason: "unavailable",
      detail: last ? `${detail} Last error: ${last.message}` : detail,
      stderr: last?.stderr,
      cause: last,
    });
  }

  #closedError(operation: McpServerOperation, toolName?: string): McpServerError {
    return new McpServerError({
      server: this.name,
      operation,
      toolName,
      reason: "unavailable",
      detail: "the client was closed.",
    });
  }

  async #open(): Promise<Live> {
    let operation: McpServerOperation = "connect";
    let live: Live | undefined;
    const noiseBefore = this.#noiseCount;
    this.#stderr = "";
    try {
      const sdk = await loadClientSdk();
      this.#sdk = sdk;
      const client = new sdk.Client({ ...this.#settings.clientInfo }, { capabilities: {} });
      const opened: Live = { client, transport: this.#createTransport(sdk), pid: undefined };
      live = opened;
      this.#trackProcess(opened);
      this.#opening = opened;
      client.onclose = () => this.#onClose(opened);
      client.onerror = (error) => this.#onTransportError(opened, error);
      // Handled here rather than by the SDK's `listChanged` option: its refresh calls `listTools()`,
      // which compiles output validators with Ajv (a schema Ajv rejects would fail the whole listing).
      client.setNotificationHandler(sdk.ToolListChangedNotificationSchema, () => this.#onListChanged(opened));
      if (this.#closing) throw this.#closedError("connect");
      await client.connect(opened.transport, { timeout: this.#settings.timeoutMs });
      operation = "listTools";
      const tools = await this.#fetchTools(opened);
      if (this.#closing) throw this.#closedError("connect");
      const changed = this.#everConnected && !sameTools(this.#tools, tools);
      this.#live = opened;
      this.#tools = tools;
      this.#failures = 0;
      this.#retryAt = 0;
      this.#everConnected = true;
      this.#lastError = undefined;
      if (changed) this.#settings.onToolsChanged();
      return opened;
    } catch (error) {
      const failure = this.#toError(error, operation, undefined, noiseBefore);
      if (!this.#closing) {
        this.#failures += 1;
        this.#retryAt = Date.now() + this.#backoffDelay();
        this.#lastError = failure;
      }
      if (live) await this.#dispose(live, false);
      throw failure;
    } finally {
      if (this.#opening === live) this.#opening = undefined;
    }
  }

  /** Records the stdio process as soon as it is spawned (before the handshake), so it is always ended. */
  #trackProcess(live: Live): void {
    const transport = live.transport;
    if (!("pid" in transport)) return;
    const start = transport.start.bind(transport);
    transport.start = async () => {
      await start();
      const pid = transport.pid ?? undefined;
      if (pid === undefined) return;
      live.pid = pid;
      if (live.disposing === undefined) this.#pid = pid;
      trackChildProcess(pid);
    };
  }

  #backoffDelay(): number {
    const reconnect = this.#settings.reconnect;
    if (reconnect === false) return 0;
    return Math.min(
      reconnect.initialDelayMs * reconnect.multiplier ** (this.#failures - 1),
      reconnect.maxDelayMs,
    );
  }

  #createTransport(sdk: ClientSdk): Live["transport"] {
    const config = this.#settings.config;
    if (config.command !== undefined) {
      const transport = new sdk.StdioClientTransport({
        command: config.command,
        args: [...(config.args ?? [])],
        ...(config.env ? { env: { ...config.env } } : {}),
        ...(config.cwd ? { cwd: config.cwd } : {}),
        // Always piped: the tail is kept for errors, then passed on as `stderr` asks.
        stderr: "pipe",
      });
      const forward = config.stderr ?? "inherit";
      transport.stderr?.on("data", (chunk: unknown) => {
        const text = String(chunk);
        this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL);
        if (forward === "inherit") process.stderr.write(text);
        else if (typeof forward === "function") {
          try {
            forward(text);
          } catch {
            // A failing log sink must not break the connection.
          }
        }
      });
      return transport;
    }
    const headers: Record<string, string> = { ...config.headers };
    if (config.bearerToken !== undefined) headers.Authorization = `Bearer ${config.bearerToken}`;
    return new sdk.StreamableHTTPClientTransport(new URL(String(config.url)), {
      requestInit: { headers },
      ...(config.fetch ? { fetch: config.fetch } : {}),
      // A stream that broke is resumed a couple of times, then the connection counts as lost.
      reconnectionOptions: {
        initialReconnectionDelay: 250,
        maxReconnectionDelay: 2000,
        reconnectionDelayGrowFactor: 2,
        maxRetries: 2,
      },
    });
  }

  async #fetchTools(live: Live): Promise<McpToolDefinition[]> {
    const sdk = this.#sdk as ClientSdk;
    if (!live.client.getServerCapabilities()?.tools) return [];
    const tools: McpToolDefinition[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      // `request` rather than `listTools()`: see the notification handler in `#open`.
      const result = await live.client.request(
        { method: "tools/list", ...(cursor === undefined ? {} : { params: { cursor } }) },
        sdk.ListToolsResultSchema,
        { timeout: this.#settings.timeoutMs },
      );
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return tools;
  }

  #onListChanged(live: Live): void {
    if (this.#live !== live) return; // The listing at the end of the handshake is newer.
    if (live.refreshing) {
      live.refreshAgain = true;
      return;
    }
    const refresh = async () => {
      do {
        live.refreshAgain = false;
        const noiseBefore = this.#noiseCount;
        try {
          const tools = await this.#fetchTools(live);
          if (this.#live !== live) return;
          if (!sameTools(this.#tools, tools)) {
            this.#tools = tools;
            this.#settings.onToolsChanged();
          }
        } catch (error) {
          this.#fail(error, live, "listTools", undefined, noiseBefore);
          return;
        }
      } while (live.refreshAgain);
    };
    live.refreshing = refresh().finally(() => {
      live.refreshing = undefined;
    });
  }

  #onClose(live: Live): void {
    if (live.pid !== undefined) {
      untrackChildProcess(live.pid);
      if (this.#pid === live.pid) this.#pid = undefined;
    }
    if (this.#live === live) this.#live = undefined;
  }

  #onTransportError(live: Live, error: Error): void {
    // Lines on stdout that are not JSON-RPC (a server that logs to stdout) are skipped by the SDK;
    // remember them, so a request that then gets no answer says why.
    if (error instanceof SyntaxError || isZodError(error)) {
      this.#noiseCount += 1;
      this.#noiseSample = error.message.slice(0, NOISE_SAMPLE);
      return;
    }
    // The HTTP stream could not be resumed: the server is gone; let the next call reconnect.
    if (/Maximum reconnection attempts/i.test(error.message) && this.#live === live) {
      this.#live = undefined;
      void this.#dispose(live, false);
    }
  }

  /** Records a failed request; a lost connection is dropped so the next call reconnects. */
  #fail(
    error: unknown,
    live: Live,
    operation: McpServerOperation,
    toolName: string | undefined,
    noiseBefore: number,
  ): McpServerError {
    const failure = this.#toError(error, operation, toolName, noiseBefore);
    if (!this.#closing) this.#lastError = failure;
    if (isConnectionLost(failure) && this.#live === live) {
      this.#live = undefined;
      void this.#dispose(live, false);
    }
    return failure;
  }

  #toError(
    error: unknown,
    operation: McpServerOperation,
    toolName: string | undefined,
    noiseBefore: number,
  ): McpServerError {
    const config = this.#settings.config;
    return toServerError(
      error,
      {
        server: this.name,
        operation,
        toolName,
        timeoutMs: this.#settings.timeoutMs,
        command: config.command,
        endpoint: config.url === undefined ? undefined : safeEndpoint(config.url),
        stderr: this.#stderr,
        noise: this.#noiseCount > noiseBefore ? this.#noiseSample : undefined,
      },
      this.#sdk,
    );
  }

  /** Closes a connection once; for stdio, resolves when the process is gone. */
  #dispose(live: Live, terminateSession: boolean): Promise<void> {
    live.disposing ??= (async () => {
      const transport = live.transport;
      if (terminateSession && "terminateSession" in transport && transport.sessionId !== undefined) {
        // Tell the HTTP server the session is over (best effort, bounded).
        await withTimeout(transport.terminateSession(), TERMINATE_SESSION_MS).catch(() => undefined);
      }
      await live.client.close().catch(() => undefined);
      if (live.pid !== undefined) {
        await waitForExit(live.pid);
        untrackChildProcess(live.pid);
        if (this.#pid === live.pid) this.#pid = undefined;
      }
    })();
    return live.disposing;
  }
}

function sameTools(
  before: readonly McpToolDefinition[] | undefined,
  after: readonly McpToolDefinition[],
): boolean {
  return before !== undefined && JSON.stringify(before) === JSON.stringify(after);
}

function safeEndpoint(url: string | URL): string {
  try {
    return endpointOf(new URL(String(url)));
  } catch {
    return "the server's url";
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
