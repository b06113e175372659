import { defineConfig } from "vitest/config";

// One browser and a few servers for the whole file, on a slow shared machine: generous timeouts
// (waiting is not asserted on) and no parallel files.
export default defineConfig({
  test: {
    include: ["src/**/*.e2e.test.ts"],
    passWithNoTests: false,
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
