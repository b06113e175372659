import { InvalidDefinitionError } from "@flowmaestro/runtime";
import type { McpCaller } from "./sdk-server.js";

/**
 * Checks a caller as the host produced it (`authenticate()`, `connectStdio()` options), with the
 * rules of run options: a resource id of 1 to 200 characters, a context object.
 * @throws {InvalidDefinitionError} naming the field.
 * @internal
 */
export function checkCaller(caller: McpCaller, source: string): void {
  const { resourceId, context } = (caller ?? {}) as Partial<McpCaller>;
  if (typeof resourceId !== "string" || resourceId.length < 1 || resourceId.length > 200) {
    throw new InvalidDefinitionError({
      subject: "MCP caller",
      issues: [
        {
          field: `${source}.resourceId`,
          expected: "a string of 1 to 200 characters (the authenticated user or tenant)",
          received: typeof resourceId === "string" ? `${resourceId.length} characters` : typeof resourceId,
        },
      ],
    });
  }
  if (context !== undefined && (typeof context !== "object" || context === null || Array.isArray(context))) {
    throw new InvalidDefinitionError({
      subject: "MCP caller",
      issues: [{ field: `${source}.context`, expected: "an object", received: typeof context }],
    });
  }
}
