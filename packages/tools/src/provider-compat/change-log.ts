import type { SchemaChange, SchemaChangeAction, StrictModeBlocker } from "./schema-change.js";

/**
 * @internal Collects the changes and strict-mode blockers of one adaptation, deduplicated: a
 * definition inlined at several places reports its own changes once, at its own path.
 */
export class ChangeLog {
  readonly changes: SchemaChange[] = [];
  readonly blockers: StrictModeBlocker[] = [];
  readonly #seen = new Set<string>();

  record(path: string, keyword: string, action: SchemaChangeAction, detail: string): void {
    const key = JSON.stringify([path, keyword, action, detail]);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.changes.push({ path, keyword, action, detail });
  }

  block(path: string, keyword: string, detail: string): void {
    const key = JSON.stringify(["blocker", path, keyword, detail]);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.blockers.push({ path, keyword, detail });
  }
}

/** @internal Short JSON rendering of a keyword's value for change details. */
export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
