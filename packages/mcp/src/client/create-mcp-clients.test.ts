import { getEventListeners } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidDefinitionError, type ToolExecutionContext } from "@flowmaestro/runtime";
import { mcpTool, type ToolImportContext } from "@flowmaestro/tools";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { McpServerError } from "../errors/mcp-server-error.js";
import {
  type EverythingHttp,
  everythingStdio,
  filesystemStdio,
  fixtureStdio,
  isRunning,
  killAndWait,
  startEverythingHttp,
  until,
} from "./__fixtures__/servers.js";
import { createMcpClients, type McpClients } from "./create-mcp-clients.js";
import type { McpAgentTool } from "./mcp-agent-tool.js";

const open: McpClients[] = [];
/** A client closed after the test, whatever happens. */
function clients(options: Parameters<typeof createMcpClients>[0]): McpClients {
  const mcp = createMcpClients(options);
  open.push(mcp);
  return mcp;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((mcp) => mcp.close()));
});

function context(overrides: Partial<ToolExecutionContext> = {}): ToolExecutionContext {
  return {
    toolCallId: "call_1",
    runId: "run_1",
    agentId: "agent_1",
    signal: new AbortController().signal,
    messages: [],
    context: {},
    ...overrides,
  } as ToolExecutionContext;
}

function named(tools: readonly McpAgentTool[], name: string): McpAgentTool {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name}; have ${tools.map((candidate) => candidate.name).join(", ")}`);
  return tool;
}

async function failure(promise: Promise<unknown>): Promise<McpServerError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(McpServerError.isInstance(error), `expected an McpServerError, got ${String(error)}`).toBe(true);
  return error as McpServerError;
}

describe("createMcpClients options", () => {
  it("names every bad field at once, without echoing secrets", () => {
    const attempt = () =>
      createMcpClients({
        servers: {
          "bad name": { command: "" },
          both: { command: "x", url: "http://x" } as never,
          web: {
            url: "ftp://example.com",
            bearerToken: "",
            timeoutMs: 0,
            headers: { Authorization: 5 } as never,
          },
        },
        reconnect: { maxAttempts: 0 },
      });
    expect(attempt).toThrow(InvalidDefinitionError);
    try {
      attempt();
    } catch (error) {
      const fields = (error as InvalidDefinitionError).issues.map((issue) => issue.field);
      expect(fields).toEqual([
        "servers.bad name",
        "servers.bad name.command",
        "servers.both",
        "servers.web.url",
        "servers.web.headers",
        "servers.web.bearerToken",
        "servers.web.timeoutMs",
        "reconnect.maxAttempts",
      ]);
    }
    expect(() => createMcpClients({ servers: {} })).toThrow(/at least one server/);
  });

  it("starts nothing until first use", async () => {
    const mcp = clients({ servers: { everything: everythingStdio() } });
    expect(mcp.clients.everything?.status).toBe("idle");
    expect(mcp.clients.everything?.pid).toBeUndefined();
  });
});

describe("server-everything over stdio", () => {
  let mcp: McpClients;
  let tools: McpAgentTool[];
  beforeAll(async () => {
    mcp = createMcpClients({ servers: { everything: everythingStdio() } });
    tools = await mcp.tools();
  });
  afterAll(() => mcp.close());

  it("lists its tools namespaced per server, sanitized to the tool-name rule, task-only tools left out", () => {
    const names = tools.map((tool) => tool.name);
    expect(names).toContain("everything_echo");
    expect(names).toContain("everything_get-tiny-image");
    expect(names).not.toContain("everything_simulate-research-query"); // taskSupport: required
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    const echo = named(tools, "everything_echo");
    expect(echo).toMatchObject({
      kind: "mcp",
      description: "Echoes back the input string",
      mcp: { server: "everything", toolName: "echo" },
      needsApproval: false,
    });
    expect(echo.jsonSchema).toMatchObject({ type: "object", properties: { message: { type: "string" } } });
    expect(mcp.clients.everything?.status).toBe("connected");
    expect(isRunning(mcp.clients.everything?.pid ?? -1)).toBe(true);
  });

  it("validates arguments with the converted input schema and calls the tool", async () => {
    const echo = named(tools, "everything_echo");
    expect(echo.parseInput({ message: 5 }).success).toBe(false);
    const parsed = echo.parseInput({ message: "hi" });
    expect(parsed).toEqual({ success: true, value: { message: "hi" } });
    const output = await echo.execute({ message: "hi" }, context());
    expect(output).toEqual({ content: [{ type: "text", text: "Echo: hi" }] });
    expect(echo.toModelOutput(output)).toEqual({ type: "text", value: "Echo: hi" });
  });

  it("maps an image to image-data content for the model, text around it kept in order", async () => {
    const tool = named(tools, "everything_get-tiny-image");
    const output = await tool.execute({}, context());
    const model = tool.toModelOutput(output);
    expect(model.type).toBe("content");
    const parts = model.value as { type: string; mediaType?: string; data?: string; text?: string }[];
    expect(parts.map((part) => part.type)).toEqual(["text", "image-data", "text"]);
    expect(parts[1]).toMatchObject({ mediaType: "image/png" });
    expect(Buffer.from(parts[1]!.data!, "base64").subarray(1, 4).toString()).toBe("PNG");
  });

  it("validates structuredContent with the declared output schema", async () => {
    const tool = named(tools, "everything_get-structured-content");
    expect(tool.parseOutput).toBeDefined();
    const output = await tool.execute({ location: "Chicago" }, context());
    expect(output.structuredContent).toMatchObject({ temperature: expect.any(Number) });
    expect(tool.parseOutput!(output).success).toBe(true);
    const bad = tool.parseOutput!({ content: [], structuredContent: { temperature: "hot" } });
    expect(bad.success).toBe(false);
    expect(!bad.success && bad.issues[0]?.field).toMatch(/^structuredContent\./);
    expect(tool.parseOutput!({ content: [] }).success).toBe(false);
  });

  it("shows resource links and embedded resources to the model", async () => {
    const links = named(tools, "everything_get-resource-links");
    const linked = links.toModelOutput(await links.execute({ count: 1 }, context()));
    expect(linked).toMatchObject({ type: "text" });
    expect(linked.value).toMatch(/\[Resource link .+ <demo:\/\/resource\/dynamic\/\w+\/1>/);
    const reference = named(tools, "everything_get-resource-reference");
    const embedded = reference.toModelOutput(
      await reference.execute({ resourceType: "Text", resourceId: 2 }, context()),
    );
    expect(embedded.type).toBe("text");
    expect(embedded.value).toMatch(/\[Resource demo:\/\/resource\/dynamic\/text\/2/);
  });

  it("turns isError into an McpToolError the model sees, and keeps the connection", async () => {
    const reference = named(tools, "everything_get-resource-reference");
    const error = await Promise.resolve(
      reference.execute({ resourceType: "Text", resourceId: -1 }, context()),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "McpToolError", code: "TOOL_EXECUTION_FAILED", category: "tool" });
    expect((error as Error).message).toMatch(/Tool "everything_get-resource-reference" failed: .*resourceId/);
    expect(mcp.clients.everything?.status).toBe("connected");
  });

  it("satisfies the tools package's McpClient: raw results, isError included", async () => {
    const client = mcp.clients.everything!;
    const result = await client.callTool({ name: "echo", arguments: { message: "raw" } });
    expect(result.content).toEqual([{ type: "text", text: "Echo: raw" }]);
    const unknown = await failure(client.callTool({ name: "no-such-tool" }));
    expect(unknown).toMatchObject({ server: "everything", reason: "unknown_tool", toolName: "no-such-tool" });
    expect(unknown.message).toMatch(/It offers: echo, /);
  });

  it("backs the stored `mcp` tool kind: `clients` is the `mcpClients` of a tool import", async () => {
    const importContext: ToolImportContext = { mcpClients: mcp.clients };
    const stored = mcpTool(
      {
        name: "say",
        serverId: "everything",
        toolName: "echo",
        inputSchema: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
      },
      importContext,
    );
    const output = await stored.execute({ message: "stored" }, context());
    expect(output).toEqual({ content: [{ type: "text", text: "Echo: stored" }] });
    expect(stored.toModelOutput?.(output as never)).toEqual({ type: "text", value: "Echo: stored" });
  });
});

describe("per-server options", () => {
  it("include and exclude pick tools by their server names; a predicate sees the definition", async () => {
    const mcp = clients({
      servers: {
        a: everythingStdio({ include: ["echo", "get-sum", "get-env"], exclude: ["get-env"] }),
        b: everythingStdio({
          include: (tool) => tool.annotations?.readOnlyHint === true && tool.name.startsWith("get-s"),
        }),
      },
    });
    const names = (await mcp.tools()).map((tool) => tool.name).sort();
    expect(names).toEqual(["a_echo", "a_get-sum", "b_get-structured-content", "b_get-sum"]);
  });

  it("toolPrefix renames, and colliding names are made unique deterministically", async () => {
    const mcp = clients({
      servers: {
        one: everythingStdio({ include: ["echo"], toolPrefix: "" }),
        two: everythingStdio({ include: ["echo"], toolPrefix: "" }),
        three: everythingStdio({ include: ["echo"], toolPrefix: "my" }),
      },
    });
    const names = (await mcp.tools()).map((tool) => tool.name);
    expect(names[0]).toBe("echo");
    expect(names[1]).toMatch(/^echo_[0-9a-f]{8}$/);
    expect(names[2]).toBe("my_echo");
    // The same servers listed again give the same names.
    expect((await mcp.tools()).map((tool) => tool.name)).toEqual(names);
  });

  it("a timeout is a typed error naming the server and tool; the connection stays usable", async () => {
    // Generous: the timeout covers the handshake too, and the machine may be slow.
    const mcp = clients({ servers: { slow: everythingStdio({ timeoutMs: 8_000 }) } });
    const tools = await mcp.tools();
    const long = named(tools, "slow_trigger-long-running-operation");
    const error = await failure(Promise.resolve(long.execute({ duration: 60, steps: 1 }, context())));
    expect(error).toMatchObject({
      server: "slow",
      operation: "callTool",
      reason: "timeout",
      code: "TOOL_TIMEOUT",
    });
    expect(error.message).toBe(
      'MCP server "slow" failed (tool "trigger-long-running-operation"): no answer within 8000 ms (the server\'s `timeoutMs`); the request was cancelled.',
    );
    const echo = await named(tools, "slow_echo").execute({ message: "still here" }, context());
    expect(echo.content).toEqual([{ type: "text", text: "Echo: still here" }]);
  });

  it("needsApproval: true or a function of the server's tool name, input and run", async () => {
    const seen: unknown[] = [];
    const mcp = clients({
      servers: {
        all: everythingStdio({ include: ["echo"], needsApproval: true }),
        some: everythingStdio({
          include: ["echo", "get-sum"],
          needsApproval: (toolName, input, approval) => {
            seen.push({ toolName, input, server: approval.server, runId: approval.runId });
            return toolName === "get-sum" && approval.tool.name === "get-sum";
          },
        }),
      },
    });
    const tools = await mcp.tools();
    expect(named(tools, "all_echo").needsApproval).toBe(true);
    const approval = { toolCallId: "c", runId: "r", agentId: "a", context: {}, messages: [] };
    const sum = named(tools, "some_get-sum").needsApproval as (input: unknown, context: unknown) => boolean;
    const echo = named(tools, "some_echo").needsApproval as (input: unknown, context: unknown) => boolean;
    expect(await sum({ a: 1, b: 2 }, approval)).toBe(true);
    expect(await echo({ message: "x" }, approval)).toBe(false);
    expect(seen[0]).toEqual({ toolName: "get-sum", input: { a: 1, b: 2 }, server: "some", runId: "r" });
  });
});

describe("faults", () => {
  it("a command that cannot start is spawn_failed naming the server; other servers' tools still work", async () => {
    const mcp = clients({
      servers: {
        broken: { command: "/nonexistent/mcp-server", stderr: "ignore" },
        everything: everythingStdio({ include: ["echo"] }),
      },
    });
    const { tools, errors } = await mcp.toolsWithErrors();
    expect(tools.map((tool) => tool.name)).toEqual(["everything_echo"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ server: "broken", operation: "connect", reason: "spawn_failed" });
    expect(errors[0]!.message).toMatch(
      /^MCP server "broken" failed \(connecting\): could not start `\/nonexistent/,
    );
    const strict = await failure(mcp.tools());
    expect(strict.server).toBe("broken");
    expect(mcp.clients.broken?.status).toBe("disconnected");
  });

  it("a server that exits at start-up is closed, with its stderr kept on the error (not in the message)", async () => {
    const mcp = clients({ servers: { fixture: fixtureStdio("fail-start") } });
    const error = await failure(mcp.clients.fixture!.connect());
    expect(error).toMatchObject({ server: "fixture", operation: "connect", reason: "closed" });
    expect(error.stderr).toContain("FIXTURE_CONFIG is missing");
    expect(error.message).not.toContain("FIXTURE_CONFIG");
  });

  it("tolerates a banner on stdout; a call answered only by garbage fails as protocol", async () => {
    const mcp = clients({ servers: { fixture: fixtureStdio("noisy", { timeoutMs: 8_000 }) } });
    const client = mcp.clients.fixture!;
    await client.connect();
    const garbage = await failure(client.callTool({ name: "garbage" }));
    expect(garbage).toMatchObject({ reason: "protocol", toolName: "garbage" });
    expect(garbage.message).toMatch(/output that is not MCP/);
    const malformed = await failure(client.callTool({ name: "bad_result" }));
    expect(malformed).toMatchObject({ reason: "protocol" });
    expect(malformed.message).toMatch(/not a valid MCP result \(content: /);
    expect((await client.callTool({ name: "add_tool", arguments: { name: "ok" } })).content).toEqual([
      { type: "text", text: "added ok" },
    ]);
  });

  it("structured content that breaks its output schema is rejected by the tool's parseOutput", async () => {
    const mcp = clients({ servers: { fixture: fixtureStdio() } });
    const total = named(await mcp.tools(), "fixture_total");
    const good = await total.execute({ valid: true }, context());
    expect(total.parseOutput!(good)).toEqual({ success: true, value: good });
    const bad = await total.execute({ valid: false }, context());
    const checked = total.parseOutput!(bad);
    expect(checked.success).toBe(false);
    expect(!checked.success && checked.issues[0]).toMatchObject({ field: "structuredContent.total" });
  });

  it("a server that dies mid-call gives closed; the next call starts it again; old process gone", async () => {
    const mcp = clients({ servers: { fixture: fixtureStdio() } });
    const client = mcp.clients.fixture!;
    await client.connect();
    const first = client.pid!;
    const error = await failure(client.callTool({ name: "exit" }));
    expect(error).toMatchObject({ server: "fixture", reason: "closed", toolName: "exit" });
    expect(error.message).toMatch(/started again on the next call/);
    await until(() => !isRunning(first), "the dead server to be reaped");
    const result = await client.callTool({ name: "add_tool", arguments: { name: "again" } });
    expect(result.content).toEqual([{ type: "text", text: "added again" }]);
    expect(client.pid).not.toBe(first);
  });

  it("a killed server is reconnected on the next call", async () => {
    const mcp = clients({ servers: { everything: everythingStdio({ include: ["echo"] }) } });
    const client = mcp.clients.everything!;
    await client.connect();
    const pid = client.pid!;
    process.kill(pid, "SIGKILL");
    await until(() => client.status === "disconnected", "the client to notice");
    expect(client.pid).toBeUndefined();
    const result = await client.callTool({ name: "echo", arguments: { message: "back" } });
    expect(result.content).toEqual([{ type: "text", text: "Echo: back" }]);
    expect(client.pid).not.toBe(pid);
    expect(isRunning(pid)).toBe(false);
  });

  it("backs off after failed attempts: calls fail fast as unavailable until the delay passed", async () => {
    const mcp = clients({
      servers: { broken: { command: "/nonexistent/mcp-server", stderr: "ignore" } },
      reconnect: { initialDelayMs: 3_600_000 },
    });
    const client = mcp.clients.broken!;
    expect((await failure(client.connect())).reason).toBe("spawn_failed");
    const second = await failure(client.callTool({ name: "x" }));
    expect(second).toMatchObject({ reason: "unavailable", operation: "callTool" });
    expect(second.message).toMatch(
      /1 connection attempt\(s\) failed; the next one is made on a call after \d+ ms\. Last error: /,
    );
  });

  it("gives up after maxAttempts, and reconnect: false never reconnects", async () => {
    const limited = clients({
      servers: { broken: { command: "/nonexistent/mcp-server", stderr: "ignore" } },
      reconnect: { initialDelayMs: 0, maxAttempts: 2 },
    });
    expect((await failure(limited.clients.broken!.connect())).reason).toBe("spawn_failed");
    expect((await failure(limited.clients.broken!.connect())).reason).toBe("spawn_failed");
    expect((await failure(limited.clients.broken!.connect())).message).toMatch(/gave up after 2 failed/);

    const never = clients({ servers: { everything: everythingStdio() }, reconnect: false });
    const client = never.clients.everything!;
    await client.connect();
    process.kill(client.pid!, "SIGKILL");
    await until(() => client.status === "disconnected", "the client to notice");
    expect((await failure(client.connect())).message).toMatch(/reconnecting is off/);
  });
});

describe("tools/list_changed", () => {
  it("refreshes the tool list: new tools appear in tools(), removed ones fail as unknown_tool", async () => {
    const changes: string[] = [];
    const mcp = clients({
      servers: { fixture: fixtureStdio() },
      onToolsChanged: (server) => changes.push(server),
    });
    const before = await mcp.tools();
    expect(before.map((tool) => tool.name)).not.toContain("fixture_greet");
    await named(before, "fixture_add_tool").execute({ name: "greet" }, context());
    await until(() => changes.length > 0, "onToolsChanged");
    expect(changes).toEqual(["fixture"]);
    const after = await mcp.tools();
    const greet = named(after, "fixture_greet");
    expect((await greet.execute({}, context())).content).toEqual([
      { type: "text", text: "hello from greet" },
    ]);
    await named(after, "fixture_remove_tool").execute({ name: "greet" }, context());
    await until(() => changes.length > 1, "the second change");
    const error = await failure(Promise.resolve(greet.execute({}, context())));
    expect(error).toMatchObject({ reason: "unknown_tool", toolName: "greet" });
    expect((await mcp.tools()).map((tool) => tool.name)).not.toContain("fixture_greet");
  });
});

describe("closing", () => {
  it("close() ends every child process, and is idempotent", async () => {
    const mcp = createMcpClients({ servers: { a: everythingStdio(), b: fixtureStdio() } });
    await mcp.tools();
    const pids = [mcp.clients.a!.pid!, mcp.clients.b!.pid!];
    expect(pids.every(isRunning)).toBe(true);
    await Promise.all([mcp.close(), mcp.close()]);
    expect(pids.filter(isRunning)).toEqual([]);
    expect(mcp.clients.a!.status).toBe("closed");
    expect((await failure(mcp.clients.a!.callTool({ name: "echo" }))).reason).toBe("unavailable");
  });

  it("the host's abort signal closes the client and ends its processes", async () => {
    const controller = new AbortController();
    const mcp = createMcpClients({ servers: { a: everythingStdio() }, signal: controller.signal });
    await mcp.clients.a!.connect();
    const pid = mcp.clients.a!.pid!;
    controller.abort();
    await mcp.close();
    expect(isRunning(pid)).toBe(false);
  });

  it("closing while a server is starting ends it too", async () => {
    const mcp = createMcpClients({ servers: { a: everythingStdio() } });
    const connecting = mcp.clients.a!.connect().catch((error: unknown) => error);
    await mcp.close();
    expect(McpServerError.isInstance(await connecting)).toBe(true);
    expect(mcp.clients.a!.pid).toBeUndefined();
  });

  it("calls sharing one signal (a run's) leave no listener on it", async () => {
    const mcp = clients({ servers: { a: everythingStdio({ include: ["echo"] }) } });
    const signal = new AbortController().signal;
    for (let index = 0; index < 15; index++) {
      await mcp.clients.a!.callTool({ name: "echo", arguments: { message: String(index) } }, { signal });
    }
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("an aborted call rejects with the signal's reason and leaves the server running", async () => {
    const mcp = clients({ servers: { a: everythingStdio() } });
    const client = mcp.clients.a!;
    await client.connect();
    const controller = new AbortController();
    const call = client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 60, steps: 1 } },
      { signal: controller.signal },
    );
    controller.abort(new Error("host aborted"));
    await expect(call).rejects.toThrow("host aborted");
    expect(client.status).toBe("connected");
    const pid = client.pid!;
    await mcp.close();
    expect(isRunning(pid)).toBe(false);
  });
});

describe("server-filesystem on a temp folder", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "fm-mcp-fs-"));
    await writeFile(join(dir, "notes.txt"), "first line\nsecond line\n");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("lists and reads files; a path outside the folder is an isError tool error", async () => {
    const mcp = clients({ servers: { fs: filesystemStdio(dir) } });
    const tools = await mcp.tools();
    const list = named(tools, "fs_list_directory");
    const listing = list.toModelOutput(await list.execute({ path: dir }, context()));
    expect(listing).toEqual({ type: "text", value: expect.stringContaining("[FILE] notes.txt") });
    const read = named(tools, "fs_read_text_file");
    const output = await read.execute({ path: join(dir, "notes.txt") }, context());
    expect(read.parseOutput!(output).success).toBe(true);
    expect(read.toModelOutput(output)).toEqual({ type: "text", value: "first line\nsecond line\n" });
    const error = await Promise.resolve(read.execute({ path: "/etc/passwd" }, context())).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: "McpToolError", serverId: "fs", mcpToolName: "read_text_file" });
    expect((error as Error).message).toMatch(/Access denied|outside allowed/);
  });

  it("reads an image file as image-data for the model", async () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "base64",
    );
    await writeFile(join(dir, "dot.png"), png);
    const mcp = clients({ servers: { fs: filesystemStdio(dir, { include: ["read_media_file"] }) } });
    const [media] = await mcp.tools();
    const model = media!.toModelOutput(await media!.execute({ path: join(dir, "dot.png") }, context()));
    expect(model).toEqual({
      type: "content",
      value: [{ type: "image-data", data: png.toString("base64"), mediaType: "image/png" }],
    });
  });
});

describe("server-everything over Streamable HTTP", () => {
  let server: EverythingHttp;
  beforeAll(async () => {
    server = await startEverythingHttp();
  });
  afterAll(() => killAndWait(server.process));

  it("connects with headers and a bearer token (never shown in errors) and calls tools", async () => {
    const sent: Headers[] = [];
    const mcp = clients({
      servers: {
        web: server.config({
          headers: { "X-Api-Key": "key-123" },
          bearerToken: "token-456",
          fetch: (input, init) => {
            sent.push(new Headers(init?.headers));
            return fetch(input, init);
          },
        }),
      },
    });
    const tools = await mcp.tools();
    expect(mcp.clients.web?.transport).toBe("http");
    const echo = await named(tools, "web_echo").execute({ message: "over http" }, context());
    expect(echo.content).toEqual([{ type: "text", text: "Echo: over http" }]);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((headers) => headers.get("authorization") === "Bearer token-456")).toBe(true);
    expect(sent.every((headers) => headers.get("x-api-key") === "key-123")).toBe(true);
  });

  it("an unreachable server is http naming the server, without the query or secrets", async () => {
    const mcp = clients({
      servers: { web: { url: "http://127.0.0.1:9/mcp?key=secret-in-query", bearerToken: "token-789" } },
    });
    const error = await failure(mcp.clients.web!.connect());
    expect(error).toMatchObject({ server: "web", reason: "http", operation: "connect" });
    expect(error.message).toMatch(/could not reach http:\/\/127\.0\.0\.1:9\/mcp \(/);
    expect(JSON.stringify([error.message, error.stderr])).not.toMatch(/secret-in-query|token-789/);
  });

  it("a server that is down keeps its last listing in tools(); its calls fail fast until the backoff passed", async () => {
    const own = await startEverythingHttp();
    try {
      const mcp = clients({
        servers: { web: own.config({ include: ["echo"] }), local: everythingStdio({ include: ["echo"] }) },
        reconnect: { initialDelayMs: 3_600_000 },
      });
      expect((await mcp.tools()).map((tool) => tool.name)).toEqual(["web_echo", "local_echo"]);
      await own.kill();
      // The next use notices and tries to reconnect at once; that fails, so the backoff starts.
      const down = await failure(mcp.clients.web!.callTool({ name: "echo", arguments: { message: "x" } }));
      expect(down.reason).toBe("http");
      const { tools, errors } = await mcp.toolsWithErrors();
      expect(tools.map((tool) => tool.name)).toEqual(["web_echo", "local_echo"]);
      expect(errors).toEqual([expect.objectContaining({ server: "web" })]);
      const [web, local] = await mcp.tools();
      const unavailable = await failure(Promise.resolve(web!.execute({ message: "x" }, context())));
      expect(unavailable).toMatchObject({ server: "web", reason: "unavailable" });
      expect(unavailable.message).toMatch(/Last error: MCP server "web" failed/);
      expect((await local!.execute({ message: "fine" }, context())).content).toEqual([
        { type: "text", text: "Echo: fine" },
      ]);
    } finally {
      await killAndWait(own.process);
    }
  });

  it("a server that went away and came back is reconnected on the next call (new session)", async () => {
    const mcp = clients({
      servers: { web: server.config({ include: ["echo"] }) },
      reconnect: { initialDelayMs: 0 },
    });
    const [echo] = await mcp.tools();
    await server.kill();
    const error = await failure(Promise.resolve(echo!.execute({ message: "down" }, context())));
    expect(error).toMatchObject({ server: "web", reason: "http" });
    await server.restart();
    const output = await echo!.execute({ message: "up" }, context());
    expect(output.content).toEqual([{ type: "text", text: "Echo: up" }]);
  });
});
