import { z } from "zod";
import { getFormatValidator } from "../formats/index.js";
import { readNonNegativeInteger, readString } from "../keyword-values.js";
import type { NodeBuilder } from "../node-builder.js";
import { compilePattern, NATIVE_PATTERN_MAX_INPUT } from "../regex.js";

/** Checks for the string keywords, applied to a `z.string()` branch in one `.check()` call. */
export type StringChecks = Array<z.core.$ZodCheck<string>>;

/** Length in Unicode code points (a surrogate pair counts once), as JSON Schema specifies. */
export function codePointLength(value: string): number {
  let length = value.length;
  for (let index = 0; index < value.length - 1; index++) {
    const unit = value.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        index++;
      }
    }
  }
  return length;
}

/**
 * `minLength` / `maxLength` are refinements because Zod's `min`/`max` count UTF-16 code units
 * while JSON Schema counts code points. `pattern` runs on RE2 (see regex.ts). `format` uses the
 * validators in formats/ (unknown formats are annotations and are ignored, per the spec).
 */
export function compileStringKeywords(builder: NodeBuilder): StringChecks | undefined {
  const steps: StringChecks = [];
  const minLength = readNonNegativeInteger(builder, "minLength");
  if (minLength !== undefined) {
    steps.push(
      z.refine<string>((value) => value.length >= minLength && codePointLength(value) >= minLength, {
        message: `Must be at least ${minLength} characters long`,
      }),
    );
  }
  const maxLength = readNonNegativeInteger(builder, "maxLength");
  if (maxLength !== undefined) {
    steps.push(
      z.refine<string>((value) => value.length <= maxLength || codePointLength(value) <= maxLength, {
        message: `Must be at most ${maxLength} characters long`,
      }),
    );
  }
  const source = readString(builder, "pattern");
  if (source !== undefined) {
    const compiled = compilePattern(source);
    if (!compiled.ok && compiled.reason === "invalid") {
      builder.fail("pattern", `a valid ECMA-262 regular expression (${compiled.message})`);
    }
    if (compiled.ok) {
      const { pattern } = compiled;
      steps.push(
        z.superRefine<string>((value, context) => {
          const matched = pattern.test(value);
          if (matched === true) return;
          context.addIssue({
            code: "custom",
            message:
              matched === undefined
                ? `Strings longer than ${NATIVE_PATTERN_MAX_INPUT} characters cannot be checked against pattern ${source}`
                : `Must match pattern ${source}`,
            input: value,
          });
        }),
      );
    } else {
      builder.unsupported("pattern", compiled.message);
    }
  }
  const format = readString(builder, "format");
  if (format !== undefined && builder.context.options.formats === "validate") {
    const validator = getFormatValidator(format);
    if (validator !== undefined) {
      steps.push(z.refine<string>(validator, { message: `Must be a valid ${format}` }));
    }
  }
  return steps.length === 0 ? undefined : steps;
}
