/**
 * Testing tools for storage adapters: the conformance suite every adapter (ours or yours) must
 * pass, {@link describeStorageAdapterContract} (needs `vitest`, an optional peer), and
 * {@link createFaultyStorage}, an adapter wrapper that fails on demand (needs no test runner).
 * @packageDocumentation
 */

export {
  createFaultyStorage,
  type FaultyStorage,
  type FaultyStorageCall,
  type FaultyStorageOptions,
} from "./create-faulty-storage.js";
export {
  describeStorageAdapterContract,
  type StorageAdapterCapabilities,
  type StorageAdapterContractOptions,
  type StorageContractContext,
} from "./describe-storage-adapter-contract.js";
