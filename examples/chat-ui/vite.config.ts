import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The chat page of `examples/chat-server.ts`: built into `examples/chat-ui/dist`, which the server
 * serves. `npm run build:chat-ui -w @flowmaestro/examples` builds it; `vite --config
 * chat-ui/vite.config.ts` serves it with hot reload and proxies `/api` to a server on port 3000.
 */
export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL("./dist", import.meta.url)), emptyOutDir: true },
  server: { proxy: { "/api": process.env.CHAT_SERVER_URL ?? "http://localhost:3000" } },
});
