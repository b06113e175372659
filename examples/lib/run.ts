import { existsSync } from "node:fs";
import { AgentSdkError } from "@flowmaestro/runtime";

/**
 * Runs an example: loads `.env` from the repo root or the examples folder when present, and
 * prints typed error details (code, category, message) instead of a bare stack on failure.
 */
export function run(main: () => Promise<void>): void {
  for (const file of ["../.env", ".env"]) {
    if (existsSync(file)) process.loadEnvFile(file);
  }
  main().catch((error: unknown) => {
    if (AgentSdkError.isInstance(error)) {
      console.error(`\n${error.name} [${error.code}, ${error.category}]: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  });
}
