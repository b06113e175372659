import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { expect, vi } from "vitest";

/**
 * Calls the `sleeper` agent and the `wait_for_abort` tool, cancels each once it runs on the
 * server (its `started:<name>` event), and expects the call to reject and the server-side signal
 * to fire (`aborted:<name>`). `events` is what the server's probe heard.
 */
export async function expectCancellationStopsCalls(client: Client, events: readonly string[]): Promise<void> {
  for (const name of ["sleeper", "wait_for_abort"]) {
    const controller = new AbortController();
    const call = client.callTool({ name, arguments: { message: "wait" } }, undefined, {
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(events).toContain(`started:${name}`), { timeout: 15_000 });
    controller.abort("test cancels");
    await expect(call).rejects.toThrow();
    await vi.waitFor(() => expect(events).toContain(`aborted:${name}`), { timeout: 15_000 });
  }
}
