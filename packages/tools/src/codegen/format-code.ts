/**
 * @internal Lays out generated Zod code: each `z.object({ ... })` shape gets one property per
 * line, indented, with a trailing comma. Everything else (string literals, template literals,
 * refinement bodies) is copied as it is. `baseIndent` is the indentation of the first line.
 */
export function formatZodCode(code: string, baseIndent = ""): string {
  let out = "";
  // One entry per open bracket: whether it is an expanded object shape, and its indentation.
  const stack: { char: string; expanded: boolean; indent: string }[] = [];
  let index = 0;
  const indentOf = () => stack.at(-1)?.indent ?? baseIndent;
  while (index < code.length) {
    const char = code[index]!;
    if (char === '"' || char === "'" || char === "`") {
      const end = skipString(code, index);
      out += code.slice(index, end);
      index = end;
      continue;
    }
    if (char === "{" || char === "(" || char === "[") {
      const expanded = char === "{" && out.endsWith("z.object(") && code[index + 1] === " ";
      const indent = expanded ? `${indentOf()}  ` : indentOf();
      stack.push({ char, expanded, indent });
      if (expanded) {
        out += `{\n${indent}`;
        index += 2;
        continue;
      }
      out += char;
      index++;
      continue;
    }
    if (char === "}" || char === ")" || char === "]") {
      const open = stack.pop();
      if (open?.expanded && out.endsWith(" ")) {
        out = `${out.slice(0, -1)},\n${indentOf()}}`;
        index++;
        continue;
      }
      out += char;
      index++;
      continue;
    }
    if (char === "," && code[index + 1] === " " && stack.at(-1)?.expanded) {
      out += `,\n${indentOf()}`;
      index += 2;
      continue;
    }
    out += char;
    index++;
  }
  return out;
}

/** Index just past the string or template literal starting at `start`. */
function skipString(code: string, start: number): number {
  const quote = code[start];
  let index = start + 1;
  while (index < code.length) {
    const char = code[index];
    if (char === "\\") {
      index += 2;
      continue;
    }
    if (quote === "`" && char === "$" && code[index + 1] === "{") {
      // Skip the substitution, which may itself contain braces and strings.
      let depth = 1;
      index += 2;
      while (index < code.length && depth > 0) {
        const inner = code[index];
        if (inner === '"' || inner === "'" || inner === "`") {
          index = skipString(code, index);
          continue;
        }
        if (inner === "{") depth++;
        if (inner === "}") depth--;
        index++;
      }
      continue;
    }
    if (char === quote) return index + 1;
    index++;
  }
  return index;
}
