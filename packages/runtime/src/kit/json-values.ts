/**
 * Whether a JSON-like value nests objects and arrays deeper than `limit` (a value that is not an
 * object has depth 0, `{}` depth 1). Iterative: safe on any depth, stops as soon as it knows.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  const stack: Array<[unknown, number]> = [[value, 1]];
  let visited = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (depth > limit) return true;
    // A value parsed from JSON has no cycles; a runaway object graph is treated as too deep.
    if (++visited > 1_000_000) return true;
    const children = Array.isArray(current) ? current : Object.values(current as object);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Deepest nesting of a tool's output that is sent to the model (JSON.stringify recurses). */
const MAX_OUTPUT_DEPTH = 512;

/** A value's JSON text, or why it has none that represents it faithfully. */
export type JsonText =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly problem: string };

/**
 * Serialises a tool's output, refusing what `JSON.stringify` would drop or mangle silently
 * (functions, symbols, Maps, Sets, promises) as well as what makes it throw (cycles, BigInts,
 * nesting deeper than 512). `undefined` properties are dropped and `NaN` becomes `null`, as in JSON.
 * Values with a `toJSON` method (dates…) are serialised the way `JSON.stringify` does.
 */
export function toJsonText(value: unknown): JsonText {
  const problem = findSilentLoss(value);
  if (problem) return { ok: false, problem };
  try {
    const json = JSON.stringify(value);
    return json === undefined ? { ok: false, problem: "no JSON value (undefined)" } : { ok: true, json };
  } catch (error) {
    if (error instanceof TypeError && /circular/i.test(error.message)) {
      return { ok: false, problem: "a circular reference" };
    }
    if (error instanceof TypeError && /BigInt/i.test(error.message))
      return { ok: false, problem: "a BigInt" };
    if (error instanceof RangeError)
      return { ok: false, problem: `nesting deeper than ${MAX_OUTPUT_DEPTH} levels` };
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * What `JSON.stringify` would lose without a word, and where; `undefined` when nothing. Iterative,
 * each object visited once (a cycle is left for `JSON.stringify` to report).
 */
function findSilentLoss(value: unknown): string | undefined {
  const top = describeLoss(value, "the result");
  if (top !== undefined || typeof value !== "object" || value === null) return top;
  const stack: Array<[object, number]> = [[value, 1]];
  const seen = new Set<object>([value]);
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [object, number];
    if (depth > MAX_OUTPUT_DEPTH) return `nesting deeper than ${MAX_OUTPUT_DEPTH} levels`;
    // `toJSON` decides what is serialised (e.g. a Date's string); its own output is not walked.
    if (typeof (current as { toJSON?: unknown }).toJSON === "function") continue;
    const isArray = Array.isArray(current);
    for (const key of Object.keys(current)) {
      const item = (current as Record<string, unknown>)[key];
      const where = isArray ? `index ${key}` : `\`${key}\``;
      const loss = describeLoss(item, where);
      if (loss !== undefined) return loss;
      if (typeof item === "object" && item !== null && !seen.has(item)) {
        seen.add(item);
        stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

function describeLoss(item: unknown, where: string): string | undefined {
  switch (typeof item) {
    case "function":
      return `a function at ${where}`;
    case "symbol":
      return `a symbol at ${where}`;
    case "bigint":
      return `a BigInt at ${where}`;
    case "object":
      if (item === null) return undefined;
      if (item instanceof Map || item instanceof Set || item instanceof WeakMap || item instanceof WeakSet) {
        return `a ${item.constructor.name} at ${where} (convert it to an object or array)`;
      }
      if (typeof (item as { then?: unknown }).then === "function")
        return `a promise at ${where} (await it in the tool)`;
      return undefined;
    default:
      return undefined;
  }
}
