/**
 * The known key closest to a misspelt one (`maxIteration` → `maxIterations`), or `undefined` when
 * none is close: a case-insensitive match, a prefix of either, or an edit distance of at most a
 * third of the key's length, rounded up (at least 2).
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    if (other === lower) return candidate;
    const distance =
      lower.length >= 4 && (other.startsWith(lower) || lower.startsWith(other))
        ? 1
        : editDistance(lower, other);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.ceil(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** `; did you mean \`x\`?` or, with no close key, the list of valid keys. */
export function unknownKeyHint(key: string, known: readonly string[]): string {
  const close = closestKey(key, known);
  return close === undefined
    ? `not a known field (known: ${known.map((name) => `\`${name}\``).join(", ")})`
    : `not a known field; did you mean \`${close}\`?`;
}
