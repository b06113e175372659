/**
 * The stored memory settings moved to `@flowmaestro/memory` (next to the strategies they configure,
 * with `memoryStrategiesFromStored` mapping them onto `createMemory`); this package re-exports them
 * so its API is unchanged.
 */
export {
  type BufferMemorySettings,
  type MemorySettings,
  parseMemorySettings,
  type SummaryMemorySettings,
  type VectorMemorySettings,
} from "@flowmaestro/memory";

import { storedMemorySettingsSchema } from "@flowmaestro/memory";

/** @internal Zod schema of the stored memory settings (owned by `@flowmaestro/memory`). */
export const memorySettingsSchema: typeof storedMemorySettingsSchema = storedMemorySettingsSchema;

/** @internal Drops keys whose value is `undefined`, so settings compare and print cleanly. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
