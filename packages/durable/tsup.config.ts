import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node22",
  // DBOS is the host's (passed in as `dbos`); only its types are referenced.
  external: ["@dbos-inc/dbos-sdk"],
});
