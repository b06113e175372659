import { InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";
import type { McpClientsOptions } from "./mcp-clients-options.js";

const SERVER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PREFIX = /^[A-Za-z0-9_-]{0,48}$/;

/**
 * Checks the options of `createMcpClients` and throws one {@link InvalidDefinitionError} listing
 * every problem (`servers.fs.command`, `reconnect.maxDelayMs`…). Header values and tokens are
 * never echoed.
 * @internal
 */
export function checkMcpClientsOptions(options: McpClientsOptions): void {
  const issues: ValidationIssue[] = [];
  if (typeof options !== "object" || options === null) {
    throw new InvalidDefinitionError({
      subject: "MCP client options",
      issues: [{ field: "(root)", expected: "an object with `servers`", received: describe(options) }],
    });
  }
  const servers = options.servers;
  if (typeof servers !== "object" || servers === null || Array.isArray(servers)) {
    issues.push({
      field: "servers",
      expected: "a record of server name → server config",
      received: describe(servers),
    });
  } else {
    const names = Object.keys(servers);
    if (names.length === 0)
      issues.push({ field: "servers", expected: "at least one server", received: "{}" });
    for (const name of names) checkServer(name, servers[name], issues);
  }
  const reconnect = options.reconnect;
  if (reconnect !== undefined && reconnect !== false) {
    if (typeof reconnect !== "object" || reconnect === null) {
      issues.push({ field: "reconnect", expected: "an object or false", received: describe(reconnect) });
    } else {
      for (const key of ["initialDelayMs", "maxDelayMs", "multiplier"] as const) {
        const value = reconnect[key];
        if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
          issues.push({
            field: `reconnect.${key}`,
            expected: "a number of at least 0",
            received: describe(value),
          });
        }
      }
      const attempts = reconnect.maxAttempts;
      if (
        attempts !== undefined &&
        !(attempts === Number.POSITIVE_INFINITY || (Number.isInteger(attempts) && attempts >= 1))
      ) {
        issues.push({
          field: "reconnect.maxAttempts",
          expected: "a positive integer or Infinity",
          received: describe(attempts),
        });
      }
    }
  }
  for (const key of ["onToolsChanged"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "function") {
      issues.push({ field: key, expected: "a function", received: describe(options[key]) });
    }
  }
  const info = options.clientInfo;
  if (info !== undefined && !(typeof info?.name === "string" && typeof info?.version === "string")) {
    issues.push({
      field: "clientInfo",
      expected: "{ name: string, version: string }",
      received: describe(info),
    });
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "MCP client options", issues });
}

function checkServer(name: string, config: unknown, issues: ValidationIssue[]): void {
  const field = `servers.${name}`;
  if (!SERVER_NAME.test(name)) {
    issues.push({
      field,
      expected: "a server name of 1 to 64 characters from A-Z a-z 0-9 _ - (it prefixes tool names)",
      received: JSON.stringify(name),
    });
  }
  if (typeof config !== "object" || config === null) {
    issues.push({ field, expected: "a server config ({ command } or { url })", received: describe(config) });
    return;
  }
  const server = config as Record<string, unknown>;
  const hasCommand = server.command !== undefined;
  const hasUrl = server.url !== undefined;
  if (hasCommand === hasUrl) {
    issues.push({
      field,
      expected: "either `command` (a stdio server) or `url` (a Streamable HTTP server), not both",
      received: hasCommand ? "both" : "neither",
    });
  }
  if (hasCommand) {
    if (typeof server.command !== "string" || server.command.trim() === "") {
      issues.push({
        field: `${field}.command`,
        expected: "a non-empty string",
        received: describe(server.command),
      });
    }
    if (server.args !== undefined && !isStringArray(server.args)) {
      issues.push({
        field: `${field}.args`,
        expected: "an array of strings",
        received: describe(server.args),
      });
    }
    if (server.env !== undefined && !isStringRecord(server.env)) {
      issues.push({ field: `${field}.env`, expected: "a record of strings" });
    }
    if (server.cwd !== undefined && typeof server.cwd !== "string") {
      issues.push({ field: `${field}.cwd`, expected: "a string", received: describe(server.cwd) });
    }
    const stderr = server.stderr;
    if (stderr !== undefined && stderr !== "inherit" && stderr !== "ignore" && typeof stderr !== "function") {
      issues.push({
        field: `${field}.stderr`,
        expected: '"inherit", "ignore" or a function',
        received: describe(stderr),
      });
    }
  }
  if (hasUrl) {
    const url = parseUrl(server.url);
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      issues.push({
        field: `${field}.url`,
        expected: "an http(s) URL",
        received: url ? url.protocol : describe(server.url),
      });
    }
    if (server.headers !== undefined && !isStringRecord(server.headers)) {
      issues.push({ field: `${field}.headers`, expected: "a record of strings" });
    }
    if (
      server.bearerToken !== undefined &&
      (typeof server.bearerToken !== "string" || server.bearerToken === "")
    ) {
      issues.push({ field: `${field}.bearerToken`, expected: "a non-empty string" });
    }
    if (server.fetch !== undefined && typeof server.fetch !== "function") {
      issues.push({ field: `${field}.fetch`, expected: "a function", received: describe(server.fetch) });
    }
  }
  const include = server.include;
  if (include !== undefined && typeof include !== "function" && !isStringArray(include)) {
    issues.push({
      field: `${field}.include`,
      expected: "an array of tool names or a function",
      received: describe(include),
    });
  }
  if (server.exclude !== undefined && !isStringArray(server.exclude)) {
    issues.push({
      field: `${field}.exclude`,
      expected: "an array of tool names",
      received: describe(server.exclude),
    });
  }
  const timeout = server.timeoutMs;
  if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) > 0)) {
    issues.push({ field: `${field}.timeoutMs`, expected: "a positive integer", received: describe(timeout) });
  }
  const approval = server.needsApproval;
  if (approval !== undefined && typeof approval !== "boolean" && typeof approval !== "function") {
    issues.push({
      field: `${field}.needsApproval`,
      expected: "a boolean or a function",
      received: describe(approval),
    });
  }
  const prefix = server.toolPrefix;
  if (prefix !== undefined && (typeof prefix !== "string" || !PREFIX.test(prefix))) {
    issues.push({
      field: `${field}.toolPrefix`,
      expected: "up to 48 characters from A-Z a-z 0-9 _ - (or an empty string for none)",
      received: typeof prefix === "string" ? JSON.stringify(prefix) : describe(prefix),
    });
  }
}

function parseUrl(value: unknown): URL | undefined {
  if (!(typeof value === "string" || value instanceof URL)) return undefined;
  try {
    return new URL(String(value));
  } catch {
    return undefined;
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isStringRecord(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === "string")
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return String(value);
  return typeof value;
}
