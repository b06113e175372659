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
 */
export function toJsonText(value: unknown): JsonText {
  let problem: string | undefined;
  const depths = new WeakMap<object, number>();
  try {
    const json = JSON.stringify(value, function replacer(this: unknown, key: string, item: unknown) {
      const where = key === "" ? "the result" : `\`${key}\``;
      switch (typeof item) {
        case "function":
          problem = `a function at ${where}`;
          throw UNSERIALISABLE;
        case "symbol":
          problem = `a symbol at ${where}`;
          throw UNSERIALISABLE;
        case "bigint":
          problem = `a BigInt at ${where}`;
          throw UNSERIALISABLE;
        case "object": {
          if (item === null) return item;
          if (
            item instanceof Map ||
            item instanceof Set ||
            item instanceof WeakMap ||
            item instanceof WeakSet
          ) {
            problem = `a ${item.constructor.name} at ${where} (convert it to an object or array)`;
            throw UNSERIALISABLE;
          }
          if (typeof (item as { then?: unknown }).then === "function") {
            problem = `a promise at ${where} (await it in the tool)`;
            throw UNSERIALISABLE;
          }
          const parentDepth = typeof this === "object" && this !== null ? (depths.get(this) ?? 0) : 0;
          if (parentDepth + 1 > MAX_OUTPUT_DEPTH) {
            problem = `nesting deeper than ${MAX_OUTPUT_DEPTH} levels`;
            throw UNSERIALISABLE;
          }
          depths.set(item, parentDepth + 1);
          return item;
        }
        default:
          return item;
      }
    });
    if (json === undefined) return { ok: false, problem: "no JSON value (undefined)" };
    return { ok: true, json };
  } catch (error) {
    if (error === UNSERIALISABLE && problem) return { ok: false, problem };
    if (error instanceof TypeError && /circular/i.test(error.message)) {
      return { ok: false, problem: "a circular reference" };
    }
    if (error instanceof RangeError)
      return { ok: false, problem: `nesting deeper than ${MAX_OUTPUT_DEPTH} levels` };
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

const UNSERIALISABLE = Symbol("unserialisable");
