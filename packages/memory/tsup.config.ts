import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "adapters/libsql/index": "src/adapters/libsql/index.ts",
    "adapters/postgres/index": "src/adapters/postgres/index.ts",
    "testing/index": "src/testing/index.ts",
  },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node22",
  // Backends are optional peers, loaded when an adapter is first used; vitest only by ./testing.
  external: ["vitest", "@libsql/client", "pg"],
});
