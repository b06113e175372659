import { z } from "zod";
import { schemaOf, validates } from "../compiled-node.js";
import { addIssue, checkSubschema } from "../issues.js";
import { readSchema, readSchemaArray } from "../keyword-values.js";
import type { NodeBuilder } from "../node-builder.js";

/**
 * In-place applicators. `allOf` members become intersection parts, `anyOf` a `z.union`, `oneOf` a
 * `z.xor` (exactly one must match). `not` and `if`/`then`/`else` have no Zod counterpart and are
 * keyword checks that run the compiled subschemas.
 */
export function compileApplicators(builder: NodeBuilder): void {
  const annotations = builder.node.annotations;
  const allOf = readSchemaArray(builder, "allOf", true);
  if (allOf !== undefined) {
    allOf.forEach((member, index) => {
      const node = builder.child(member, true, "allOf", index);
      annotations.allOf.push(node);
      builder.addPart(schemaOf(node));
    });
  }
  const anyOf = readSchemaArray(builder, "anyOf", true);
  if (anyOf !== undefined) {
    const nodes = anyOf.map((member, index) => builder.child(member, true, "anyOf", index));
    annotations.anyOf.push(...nodes);
    const options = nodes.map(schemaOf);
    builder.addPart(options.length === 1 ? (options[0] as z.ZodType) : z.union(options));
  }
  const oneOf = readSchemaArray(builder, "oneOf", true);
  if (oneOf !== undefined) {
    const nodes = oneOf.map((member, index) => builder.child(member, true, "oneOf", index));
    annotations.oneOf.push(...nodes);
    const options = nodes.map(schemaOf);
    builder.addPart(options.length === 1 ? (options[0] as z.ZodType) : z.xor(options));
  }
  if (builder.has("not")) {
    const node = builder.child(readSchema(builder, "not"), true, "not");
    builder.addCheck("not", (value, context) => {
      if (validates(node.schema, value)) addIssue(context, 'Must not match the schema in "not"', value);
    });
  }
  if (builder.has("if")) {
    const condition = builder.child(readSchema(builder, "if"), true, "if");
    const consequent = builder.has("then")
      ? builder.child(readSchema(builder, "then"), true, "then")
      : undefined;
    const alternative = builder.has("else")
      ? builder.child(readSchema(builder, "else"), true, "else")
      : undefined;
    annotations.condition = condition;
    annotations.consequent = consequent;
    annotations.alternative = alternative;
    if (consequent !== undefined || alternative !== undefined) {
      builder.addCheck("if", (value, context) => {
        if (validates(condition.schema, value)) {
          if (consequent !== undefined)
            checkSubschema(consequent.schema, value, context, [], '"then" (because "if" matched)');
        } else if (alternative !== undefined) {
          checkSubschema(alternative.schema, value, context, [], '"else" (because "if" did not match)');
        }
      });
    }
  } else {
    // Without "if", "then" and "else" are ignored, but they must still be well-formed schemas.
    readSchema(builder, "then");
    readSchema(builder, "else");
  }
}
