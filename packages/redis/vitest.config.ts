import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    passWithNoTests: false,
    // Generous per-test budgets: CI machines are shared and noisy; runs have their own limits.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
