/**
 * Deterministic generator of hostile tool-argument payloads (JSON text), for fuzzing how a runtime
 * copes with what a misbehaving model sends: very deep nesting of objects and arrays, malformed
 * JSON, huge strings, odd keys. Seeded, so a failure names the seed and the case reproduces.
 *
 * @internal
 */
export function hostileToolArguments(seed: number, count: number): string[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const cases: string[] = [];
  for (let index = 0; index < count; index++) {
    const kind = pick(["deep-object", "deep-array", "mixed", "malformed", "wide", "keys"] as const);
    const depth = pick([65, 500, 2_000, 10_000, 50_000]);
    switch (kind) {
      case "deep-object":
        cases.push(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);
        break;
      case "deep-array":
        cases.push(`{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`);
        break;
      case "mixed": {
        let open = "";
        let close = "";
        for (let level = 0; level < depth; level++) {
          if (random() < 0.5) {
            open += '{"a":';
            close = `}${close}`;
          } else {
            open += "[";
            close = `]${close}`;
          }
        }
        cases.push(`{"a":${open}null${close}}`);
        break;
      }
      case "malformed": {
        const valid = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
        cases.push(valid.slice(0, Math.floor(random() * valid.length)));
        break;
      }
      case "wide":
        cases.push(JSON.stringify({ a: "x".repeat(100_000 + Math.floor(random() * 100_000)) }));
        break;
      case "keys":
        cases.push('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"a":1}');
        break;
    }
  }
  return cases;
}

/** A small, fast, seedable PRNG (mulberry32). @internal */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
