/**
 * @internal camelCase identifier for a tool or definition name: words are split on anything
 * that is not a letter or digit, an all-caps first word is lower-cased (`HTTP_get` → `httpGet`),
 * and a leading digit gets a `tool` prefix so the result is a valid identifier.
 */
export function camelCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
  const [first = "tool", ...rest] = words;
  const head = first === first.toUpperCase() ? first.toLowerCase() : lowerFirst(first);
  const result = head + rest.map(upperFirst).join("");
  return /^[0-9]/.test(result) ? `tool${upperFirst(result)}` : result;
}

/** @internal PascalCase form of {@link camelCase}. */
export function pascalCase(name: string): string {
  return upperFirst(camelCase(name));
}

function upperFirst(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function lowerFirst(word: string): string {
  return word.charAt(0).toLowerCase() + word.slice(1);
}

/** @internal Text that is safe inside a `/** ... *\/` comment. */
export function commentText(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/\r\n?/g, "\n");
}
