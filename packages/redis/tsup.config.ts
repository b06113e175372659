import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node22",
  // The backend client is a peer, loaded on first use.
  external: ["@dbos-inc/dbos-sdk", "redis"],
});
