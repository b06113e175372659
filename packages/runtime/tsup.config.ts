import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "kit/index": "src/kit/index.ts",
    "testing/index": "src/testing/index.ts",
    "testing/contract": "src/testing/contract.ts",
    "ui/index": "src/ui/index.ts",
  },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node22",
  // vitest is an optional peer used only by the conformance suite (./testing/contract).
  external: ["vitest"],
});
