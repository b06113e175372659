import { z } from "zod";
import { addIssue } from "../issues.js";
import { canonicalJson, jsonEqual } from "../json-equal.js";
import type { NodeBuilder } from "../node-builder.js";

type Primitive = string | number | boolean | null;

/**
 * Above this many members an enum is checked through a hash set instead of `z.enum` /
 * `z.literal`, whose construction time grows far faster than linearly with the member count.
 */
const NATIVE_ENUM_LIMIT = 1000;

function isPrimitive(value: unknown): value is Primitive {
  return (
    value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number"
  );
}

/**
 * `const` and `enum`. Primitive values map to `z.literal` / `z.enum` (JavaScript already treats
 * `1` and `1.0` as the same number); objects and arrays need JSON deep equality, checked through a
 * canonical-text set so even large enums stay O(1) per instance.
 */
export function compileEnumConst(builder: NodeBuilder): void {
  if (builder.has("const")) {
    const expected = builder.get("const");
    if (isPrimitive(expected)) {
      builder.addPart(z.literal(expected));
    } else {
      builder.addCheck("const", (value, context) => {
        if (!jsonEqual(value, expected)) addIssue(context, `Must equal ${JSON.stringify(expected)}`, value);
      });
    }
  }
  if (!builder.has("enum")) return;
  const members = builder.get("enum");
  if (!Array.isArray(members)) builder.fail("enum", "an array");
  const limit = builder.context.options.maxEnumSize;
  if (members.length > limit) {
    builder.fail(
      "enum",
      `an array of at most maxEnumSize (${limit}) values`,
      `an array of ${members.length} values`,
    );
  }
  if (members.length === 0) {
    builder.addPart(z.never());
    return;
  }
  if (members.length <= NATIVE_ENUM_LIMIT && members.every((member) => typeof member === "string")) {
    builder.addPart(z.enum([...new Set(members as string[])] as [string, ...string[]]));
    return;
  }
  if (members.length <= NATIVE_ENUM_LIMIT && members.every(isPrimitive)) {
    builder.addPart(z.literal([...new Set(members as Primitive[])] as [Primitive, ...Primitive[]]));
    return;
  }
  const allowed = new Set(members.map(canonicalJson));
  const shown = members.length <= 10 ? JSON.stringify(members) : `one of ${members.length} values`;
  builder.addCheck("enum", (value, context) => {
    if (!allowed.has(canonicalJson(value))) addIssue(context, `Must be ${shown}`, value);
  });
}
