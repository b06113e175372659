import { unknownKeyHint } from "../definition/did-you-mean.js";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";

/**
 * Checks a runtime factory's options: anything but the `known` keys is an
 * {@link InvalidDefinitionError} naming the key (with a did-you-mean). `providers`, which runtimes
 * used to take, points to `createAgent`, which now resolves model strings.
 */
export function checkRuntimeOptions(runtime: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidDefinitionError({
      subject: `${runtime} runtime options`,
      issues: [{ field: "(root)", expected: "an object" }],
    });
  }
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  throw new InvalidDefinitionError({
    subject: `${runtime} runtime options`,
    issues: unknown.map((key) => ({
      field: key,
      expected:
        key === "providers"
          ? "absent: pass `providers` to createAgent, which resolves model strings"
          : known.length === 0
            ? "absent: this runtime takes no options"
            : `absent: it is ${unknownKeyHint(key, known)}`,
    })),
  });
}
