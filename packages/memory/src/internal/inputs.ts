import { InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";

/** Longest id (thread, resource, message, run, index) accepted. */
export const MAX_ID_LENGTH = 200;

/**
 * Checks storage inputs and throws one {@link InvalidDefinitionError} (subject "storage input")
 * naming every bad field. Adapters call it first, so every adapter rejects the same inputs the
 * same way.
 *
 * @internal
 */
export class InputCheck {
  private readonly issues: ValidationIssue[] = [];

  constructor(private readonly operation: string) {}

  /** A non-empty string of at most 200 characters. */
  id(field: string, value: unknown): this {
    if (typeof value !== "string" || value.length === 0 || value.length > MAX_ID_LENGTH) {
      this.issues.push({
        field,
        expected: `a string of 1 to ${MAX_ID_LENGTH} characters`,
        received: typeof value === "string" ? `${value.length} characters` : describe(value),
      });
    }
    return this;
  }

  /** `undefined`, or an id. */
  optionalId(field: string, value: unknown): this {
    return value === undefined ? this : this.id(field, value);
  }

  /** `undefined`, or an integer within the bounds. */
  optionalInteger(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): this {
    if (value === undefined) return this;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.issues.push({ field, expected: `an integer from ${min} to ${max}`, received: describe(value) });
    }
    return this;
  }

  /** A custom condition. */
  require(condition: boolean, issue: ValidationIssue): this {
    if (!condition) this.issues.push(issue);
    return this;
  }

  /** Throws when anything failed. */
  done(): void {
    if (this.issues.length === 0) return;
    throw new InvalidDefinitionError({ subject: `storage input (${this.operation})`, issues: this.issues });
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === "number" || typeof value === "boolean" ? String(value) : typeof value;
}

/** A new random id with a readable prefix, e.g. `thread_…`. @internal */
export function randomId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID()}`;
}
