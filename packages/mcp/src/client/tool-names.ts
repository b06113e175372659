/** The tool-name rule of every runtime (and of most providers). */
const MAX_LENGTH = 64;
const HASH_SUFFIX_LENGTH = 9; // "_" + 8 hex digits

/** One tool that needs an agent tool name. @internal */
export interface ToolNameRequest {
  /** Identifies the tool across servers (server name + tool name); breaks ties. */
  readonly key: string;
  /** The name wanted, e.g. `<server>_<tool>`; may break the rule. */
  readonly wanted: string;
}

/**
 * Agent tool names for MCP tools: each fits `^[A-Za-z0-9_-]{1,64}$` and all are unique. The result
 * depends only on the set of requests, never on their order, so a suspended run resumed in another
 * process (or after the server listed its tools in another order) finds its tools by the same names.
 *
 * - Characters outside the rule become `_` (`weather.get` → `weather_get`).
 * - A name longer than 64 characters is cut and ends in `_` + 8 hex digits of a hash of the name.
 * - When several tools end up with the same name, the one whose wanted name already fit keeps it
 *   (else the one with the smallest key); the others get the hash suffix of their key.
 *
 * Returns the names in the order of `requests`.
 * @internal
 */
export function toToolNames(requests: readonly ToolNameRequest[]): string[] {
  const bases = requests.map((request) => sanitize(request.wanted));
  const byBase = new Map<string, number[]>();
  bases.forEach((base, index) => {
    const group = byBase.get(base);
    if (group) group.push(index);
    else byBase.set(base, [index]);
  });
  const names: string[] = new Array(requests.length);
  const taken = new Set<string>();
  const suffixed: number[] = [];
  for (const [base, group] of byBase) {
    const ordered = [...group].sort((a, b) => {
      const exactA = requests[a]!.wanted === base ? 0 : 1;
      const exactB = requests[b]!.wanted === base ? 0 : 1;
      return exactA - exactB || compare(requests[a]!.key, requests[b]!.key);
    });
    names[ordered[0]!] = base;
    taken.add(base);
    suffixed.push(...ordered.slice(1));
  }
  // Suffixes are assigned in key order, so which tool gets which name never depends on list order.
  suffixed.sort((a, b) => compare(requests[a]!.key, requests[b]!.key));
  for (const index of suffixed) {
    const base = bases[index]!;
    let salt = 0;
    let name = withHash(base, requests[index]!.key);
    while (taken.has(name)) name = withHash(base, `${requests[index]!.key}\u0000${++salt}`);
    names[index] = name;
    taken.add(name);
  }
  return names;
}

function sanitize(wanted: string): string {
  const replaced = wanted.replace(/[^A-Za-z0-9_-]/g, "_") || "tool";
  return replaced.length <= MAX_LENGTH ? replaced : withHash(replaced, wanted);
}

function withHash(base: string, key: string): string {
  return `${base.slice(0, MAX_LENGTH - HASH_SUFFIX_LENGTH)}_${fnv1a(key)}`;
}

/** 32-bit FNV-1a of the UTF-16 code units, as 8 hex digits: short, stable, no crypto import. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
