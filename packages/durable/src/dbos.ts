import type { DBOS as DBOSClass } from "@dbos-inc/dbos-sdk";
import { InvalidDefinitionError } from "@flowmaestro/runtime";

/**
 * The DBOS class the host configures and launches (`import { DBOS } from "@dbos-inc/dbos-sdk"`).
 * The runtime uses the host's instead of importing its own, so workflows are registered with the
 * very DBOS the host launches, even when a bundler or a second copy of the SDK is involved.
 */
export type Dbos = typeof DBOSClass;

const USED = [
  "registerWorkflow",
  "runStep",
  "startWorkflow",
  "getResult",
  "send",
  "recv",
  "setEvent",
  "getEvent",
];

/** The `dbos` option, checked: a clear error rather than a failure inside the first run. @internal */
export function checkDbos(dbos: unknown): Dbos {
  const value = dbos as Record<string, unknown> | null | undefined;
  const missing =
    (typeof value === "function" || (typeof value === "object" && value !== null)) && value
      ? USED.filter((name) => typeof value[name] !== "function")
      : USED;
  if (missing.length > 0) {
    throw new InvalidDefinitionError({
      subject: "durable runtime",
      issues: [
        {
          field: "dbos",
          expected: `the DBOS class of @dbos-inc/dbos-sdk 5 (\`import { DBOS } from "@dbos-inc/dbos-sdk"\`; install it with \`npm install @dbos-inc/dbos-sdk\`)${
            value ? ` (missing: ${missing.join(", ")})` : ""
          }`,
        },
      ],
    });
  }
  return dbos as Dbos;
}
