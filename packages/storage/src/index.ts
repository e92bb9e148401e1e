/**
 * Durable state for de-MLS: the {@link Storage} interface the session
 * writes through, {@link memoryStorage} for tests, and the embedded default
 * {@link levelStorage} (LevelDB in Node, IndexedDB in browsers), encrypted
 * at rest with AES-256-GCM by default: `levelStorage({ location })` is
 * locked until `User.create` (or {@link Storage.unlock}) gives it a key,
 * and `plaintext: true` is the explicit opt-out.
 *
 * Keys are tuples of strings (`['conv', id, 'slice']`), values are bytes.
 * Every write is an atomic batch that is durable when its promise
 * resolves, which is what lets the session persist the state a protocol
 * step produced before any packet of that step leaves.
 *
 * @example
 * ```ts
 * import { levelStorage, StorageCorruptError } from '@demls/storage'
 *
 * const encryptionKey = crypto.getRandomValues(new Uint8Array(32)) // keep it in the OS keychain
 * const store = await levelStorage({ location: './demls-state', encryptionKey })
 *
 * // One protocol step = one atomic batch, awaited before its packets are sent.
 * await store.batch([
 *   { type: 'put', key: ['conv', 'chat', 'mls', 'state'], value: new Uint8Array([1, 2, 3]) },
 *   { type: 'put', key: ['conv', 'chat', 'epoch'], value: new TextEncoder().encode('42') },
 *   { type: 'del', key: ['conv', 'chat', 'secret', '0000000040'] },
 * ])
 *
 * for await (const { key, value } of store.entries(['conv', 'chat'])) {
 *   console.log(key.join('/'), value.length)
 * }
 *
 * try {
 *   await store.get(['conv', 'chat', 'epoch'])
 * } catch (err) {
 *   if (err instanceof StorageCorruptError) console.log('tampered on disk')
 * }
 *
 * await store.delete(['conv', 'chat']) // leave the conversation: drop all its state atomically
 * await store.close()
 * ```
 *
 * @packageDocumentation
 */
export {
  StorageClosedError,
  StorageCorruptError,
  StorageEncryptionKeyError,
  StorageError,
  StorageInputError,
  StorageLimitError,
  type StorageLimitKind,
  StorageLockedError,
  type StorageLockedReason,
  StorageOpenError,
} from './errors.js'
export { deriveStorageKey } from './derive-key.js'
export { type LevelStorage, type LevelStorageInit, levelStorage } from './level.js'
export { type MemoryStorageInit, memoryStorage } from './memory.js'
export {
  type BatchOperation,
  type DelOperation,
  type PutOperation,
  STORAGE_LIMITS,
  type Storage,
  type StorageEntry,
  type StorageInit,
  type StorageKey,
} from './types.js'
