import type { ModelMessage } from "ai";
import type { AgentInput } from "../agent-definition.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";

const ROLES = new Set(["system", "user", "assistant", "tool"]);

/**
 * Checks a run's input and returns it as messages. A string becomes one user message.
 * @throws {InvalidInputError} naming the offending message and field.
 */
export function normalizeInput(input: AgentInput): ModelMessage[] {
  if (typeof input === "string") {
    if (input.length === 0)
      throw new InvalidInputError({ field: "input", expected: "a non-empty string or a list of messages" });
    return [{ role: "user", content: input }];
  }
  if (!Array.isArray(input) || input.length === 0) {
    throw new InvalidInputError({
      field: "input",
      expected: "a non-empty string or a non-empty list of messages",
    });
  }
  input.forEach((message: unknown, index) => {
    if (typeof message !== "object" || message === null) {
      throw new InvalidInputError({ field: `input.${index}`, expected: "a message object" });
    }
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (typeof role !== "string" || !ROLES.has(role)) {
      throw new InvalidInputError({
        field: `input.${index}.role`,
        expected: 'one of "system", "user", "assistant", "tool"',
      });
    }
    const stringAllowed = role !== "tool";
    if (!(Array.isArray(content) || (stringAllowed && typeof content === "string"))) {
      throw new InvalidInputError({
        field: `input.${index}.content`,
        expected: stringAllowed ? "a string or an array of parts" : "an array of tool-result parts",
      });
    }
    if (Array.isArray(content)) {
      content.forEach((part: unknown, partIndex) => {
        if (
          typeof part !== "object" ||
          part === null ||
          typeof (part as { type?: unknown }).type !== "string"
        ) {
          throw new InvalidInputError({
            field: `input.${index}.content.${partIndex}.type`,
            expected: "a part with a string `type`",
          });
        }
      });
    }
  });
  return input as ModelMessage[];
}
