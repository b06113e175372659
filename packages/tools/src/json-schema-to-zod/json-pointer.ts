/**
 * JSON pointers (RFC 6901) as used by `$ref` fragments and by error paths.
 */

/** Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Appends reference tokens to a pointer, escaping each. */
export function appendPointer(pointer: string, ...tokens: ReadonlyArray<string | number>): string {
  let result = pointer;
  for (const token of tokens) result += `/${escapePointerToken(String(token))}`;
  return result;
}

/**
 * Splits a pointer into unescaped tokens, or returns undefined when it is not a valid pointer
 * (it must be empty or start with `/`, and `~` must be followed by `0` or `1`).
 */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  const tokens: string[] = [];
  for (const raw of pointer.slice(1).split("/")) {
    if (/~(?![01])/.test(raw)) return undefined;
    tokens.push(raw.replace(/~1/g, "/").replace(/~0/g, "~"));
  }
  return tokens;
}

/** Rebuilds the canonical (escaped, not percent-encoded) form of a parsed pointer. */
export function formatPointer(tokens: readonly string[]): string {
  return appendPointer("", ...tokens);
}

/**
 * Follows unescaped tokens through a JSON document using own properties only, so inherited
 * members such as `constructor` are never mistaken for document content.
 */
export function walkPointer(
  document: unknown,
  tokens: readonly string[],
): { found: boolean; value: unknown } {
  let current: unknown = document;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!/^(?:0|[1-9][0-9]*)$/.test(token)) return { found: false, value: undefined };
      const index = Number(token);
      if (index >= current.length) return { found: false, value: undefined };
      current = current[index];
    } else if (typeof current === "object" && current !== null) {
      if (!Object.hasOwn(current, token)) return { found: false, value: undefined };
      current = (current as Record<string, unknown>)[token];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: current };
}
