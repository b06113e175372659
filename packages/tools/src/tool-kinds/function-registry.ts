import { InvalidDefinitionError, type ToolExecutionContext } from "@flowmaestro/runtime";

/**
 * A host function a `function` tool runs: it gets the validated input and the tool-call context
 * (pass `context.signal` to anything that can be cancelled).
 */
export type HostFunction<INPUT = any, OUTPUT = unknown> = (
  input: INPUT,
  context: ToolExecutionContext,
) => OUTPUT | PromiseLike<OUTPUT>;

/**
 * Host functions by name. `function` tools in stored configs name a function here; their source
 * is never stored or evaluated, so a stored config can only call what the host registered.
 */
export interface FunctionRegistry {
  /**
   * Registers `fn` under `name`. Throws {@link InvalidDefinitionError} when the name is empty or
   * already taken, or `fn` is not a function. Returns the registry, for chaining.
   */
  register(name: string, fn: HostFunction): FunctionRegistry;
  /** The function registered under `name`, if any. */
  get(name: string): HostFunction | undefined;
  /** Every registered name, in registration order. */
  names(): string[];
}

/**
 * Creates a {@link FunctionRegistry}, optionally filled from an object of functions.
 *
 * @example
 * ```ts
 * const functions = createFunctionRegistry({
 *   lookupOrder: async ({ orderId }) => db.orders.find(orderId),
 * }).register("refund", refundOrder);
 * ```
 */
export function createFunctionRegistry(
  functions: Readonly<Record<string, HostFunction>> = {},
): FunctionRegistry {
  // A Map, not an object, so names such as "constructor" or "__proto__" never hit the prototype.
  const entries = new Map<string, HostFunction>();
  const registry: FunctionRegistry = {
    register(name, fn) {
      if (typeof name !== "string" || name.length === 0) {
        throw invalid(`functions.${String(name)}`, "a non-empty function name", JSON.stringify(name));
      }
      if (typeof fn !== "function") {
        throw invalid(`functions.${name}`, "a function", fn === null ? "null" : typeof fn);
      }
      if (entries.has(name)) {
        throw invalid(
          `functions.${name}`,
          "registered once (a function with this name is already registered)",
        );
      }
      entries.set(name, fn);
      return registry;
    },
    get: (name) => entries.get(name),
    names: () => [...entries.keys()],
  };
  for (const [name, fn] of Object.entries(functions)) registry.register(name, fn);
  return registry;
}

function invalid(field: string, expected: string, received?: string): InvalidDefinitionError {
  return new InvalidDefinitionError({
    subject: "function registry",
    issues: [{ field, expected, ...(received === undefined ? {} : { received }) }],
  });
}
