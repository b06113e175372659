import { defineConfig } from "tsup";

export default defineConfig({
  // ./codegen is its own entry so the root import never loads json-schema-to-zod.
  entry: {
    index: "src/index.ts",
    "codegen/index": "src/codegen/index.ts",
    "codegen/cli": "src/codegen/cli.ts",
  },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node22",
});
