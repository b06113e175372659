import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node22",
  // The MCP SDK is a peer, loaded on first use (a missing one names the package to install).
  external: [/^@modelcontextprotocol\//],
});
