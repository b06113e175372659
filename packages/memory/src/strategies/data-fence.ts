/**
 * JSON text of `value` that is safe inside a prompt fence: besides JSON's own escaping, `<`, `>`
 * and `&` become `\u003c`, `\u003e` and `\u0026` (and U+2028/U+2029 are escaped), so stored text
 * can never close a fence such as `</working_memory>` or open a tag of its own. A model reads the
 * escapes as the characters they stand for.
 * @internal
 */
export function escapeAsData(value: unknown): string {
  return (JSON.stringify(value) ?? "null")
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

/**
 * A block for the system prompt: a sentence saying what the data is (and that it is not
 * instructions), then one `<tag>` fence holding each value as escaped JSON, one per line.
 * @internal
 */
export function fenceData(preamble: string, tag: string, values: readonly unknown[]): string {
  return [preamble, `<${tag}>`, ...values.map(escapeAsData), `</${tag}>`].join("\n");
}
