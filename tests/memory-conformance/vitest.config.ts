import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["src/**/*.test.ts"], passWithNoTests: false, testTimeout: 20_000, hookTimeout: 20_000 },
});
