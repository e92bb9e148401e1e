import type { AbortOptions } from '@demls/wire'

/**
 * A key: a tuple of string segments, outermost namespace first, e.g.
 * `['conv', conversationId, 'mls', 'state']`. A key has at least one
 * segment; a prefix (for {@link Storage.entries} and {@link Storage.delete})
 * may have none, and matches whole segments only: `['conv', 'a']` matches
 * `['conv', 'a', 'x']` but not `['conv', 'ab']`.
 *
 * Keys sort segment by segment, each by its UTF-8 bytes, a shorter tuple
 * before its extensions. Encode numbers that must sort (epochs, counters)
 * as fixed-width strings, e.g. zero-padded decimal or hex.
 *
 * @example
 * ```ts
 * import { type StorageKey, memoryStorage } from '@demls/storage'
 * const key: StorageKey = ['conv', 'chat', 'epoch'] // a tuple of strings, never a joined path
 * const store = await memoryStorage()
 * await store.put(key, new Uint8Array([5]))
 * ```
 */
export type StorageKey = readonly string[]

/**
 * Write `value` under `key` (replacing any value there).
 *
 * @example
 * ```ts
 * import { type PutOperation, memoryStorage } from '@demls/storage'
 * const write: PutOperation = { type: 'put', key: ['conv', 'chat', 'mls'], value: new Uint8Array([1, 2, 3]) }
 * await (await memoryStorage()).batch([write])
 * ```
 */
export interface PutOperation {
  type: 'put'
  key: StorageKey
  value: Uint8Array
}

/**
 * Delete `key` (a no-op when it is absent).
 *
 * @example
 * ```ts
 * import { type DelOperation, memoryStorage } from '@demls/storage'
 * const drop: DelOperation = { type: 'del', key: ['conv', 'chat', 'secret', '0000000041'] }
 * await (await memoryStorage()).batch([drop])
 * ```
 */
export interface DelOperation {
  type: 'del'
  key: StorageKey
}

/**
 * One operation of an atomic {@link Storage.batch}.
 *
 * @example
 * ```ts
 * import { type BatchOperation, memoryStorage } from '@demls/storage'
 * const ops: BatchOperation[] = [
 *   { type: 'put', key: ['conv', 'chat', 'epoch'], value: new Uint8Array([3]) },
 *   { type: 'del', key: ['conv', 'chat', 'pending'] },
 * ]
 * await (await memoryStorage()).batch(ops) // all or nothing
 * ```
 */
export type BatchOperation = PutOperation | DelOperation

/**
 * One entry yielded by {@link Storage.entries}.
 *
 * @example
 * ```ts
 * import { type StorageEntry, memoryStorage } from '@demls/storage'
 * const store = await memoryStorage()
 * await store.put(['conv', 'chat', 'epoch'], new Uint8Array([4]))
 * for await (const entry of store.entries(['conv', 'chat'])) {
 *   const { key, value }: StorageEntry = entry // key: ['conv', 'chat', 'epoch']
 *   console.log(key.join('/'), value)
 * }
 * ```
 */
export interface StorageEntry {
  key: string[]
  value: Uint8Array
}

/**
 * The storage the session writes its state through: an ordered map from
 * {@link StorageKey} to bytes, with atomic, durable batches.
 *
 * Guarantees every implementation gives (and `test/conformance.ts` checks):
 *
 * - **Atomic.** A {@link Storage.batch} is applied whole or not at all, also
 *   across a crash or power loss, and also when one of its operations is
 *   invalid (it is then rejected before anything is written).
 * - **Durable.** When a `batch`, `put`, `del` or `delete` promise resolves,
 *   its effect survives a crash of the process (LevelDB writes with
 *   `sync: true`).
 * - **Isolated values.** Values are copied in and out; mutating a buffer
 *   after `put` or after `get` changes nothing stored.
 * - **Abortable.** Every async call takes `{ signal }` and rejects with
 *   `AbortError` when it is aborted before it writes; a write that has been
 *   handed to the backend completes (so it stays atomic).
 * - **Bounded.** Keys, values and batches above {@link STORAGE_LIMITS} are
 *   rejected with `StorageLimitError`.
 *
 * @example
 * ```ts
 * import { type Storage, memoryStorage } from '@demls/storage'
 * async function conversationIds(store: Storage): Promise<string[]> {
 *   const ids = new Set<string>()
 *   for await (const { key } of store.entries(['conv'])) ids.add(key[1] ?? '')
 *   return [...ids]
 * }
 * console.log(await conversationIds(await memoryStorage()))
 * ```
 */
export interface Storage {
  /** Whether {@link Storage.close} was called. */
  readonly closed: boolean
  /**
   * Whether values (and key names) are encrypted at rest. On a locked
   * store, whether the records already there are (`false` for a new
   * location); `true` once it is unlocked.
   */
  readonly encrypted: boolean
  /**
   * Whether the store waits for {@link Storage.unlock}: every data
   * operation rejects with `StorageLockedError` until then (`close` works).
   * `levelStorage({ location })` opened with neither `encryptionKey` nor
   * `plaintext: true` is locked. Absent on stores that are never locked
   * (a custom `Storage` need not have it); `User.create` unlocks a store
   * whose `locked` is `true`.
   */
  readonly locked?: boolean
  /**
   * Unlock a locked store with its 32-byte `encryptionKey`: a new location
   * becomes an encrypted store; an encrypted store checks the key
   * (`StorageEncryptionKeyError` for another one, and the store stays
   * locked); an unencrypted store is re-encrypted in one atomic batch and
   * its files compacted, so a crash leaves either the old plain store or
   * the new encrypted one. On a store that is not locked it resolves when
   * the key is the store's own and rejects with
   * `StorageEncryptionKeyError` otherwise. An abort before anything is
   * written leaves the store locked and unchanged. `User.create` calls it
   * with `deriveStorageKey(privateKey)`.
   */
  unlock?(encryptionKey: Uint8Array, options?: AbortOptions): Promise<void>
  /** The value under `key`, or `undefined`. */
  get(key: StorageKey, options?: AbortOptions): Promise<Uint8Array | undefined>
  /** The values under `keys`, in the same order (`undefined` where absent). */
  getMany(keys: readonly StorageKey[], options?: AbortOptions): Promise<(Uint8Array | undefined)[]>
  /**
   * Every entry whose key starts with `prefix` (whole segments; `[]` for
   * all), in key order. Encrypted stores read the whole range before
   * yielding its first entry (their on-disk order is by keyed hash); plain
   * stores stream. Writes made during the iteration may or may not be seen.
   */
  entries(prefix: StorageKey, options?: AbortOptions): AsyncIterableIterator<StorageEntry>
  /** Apply `operations` atomically and durably, in order (a later operation on the same key wins). */
  batch(operations: readonly BatchOperation[], options?: AbortOptions): Promise<void>
  /** `batch([{ type: 'put', key, value }])`. */
  put(key: StorageKey, value: Uint8Array, options?: AbortOptions): Promise<void>
  /** `batch([{ type: 'del', key }])`. */
  del(key: StorageKey, options?: AbortOptions): Promise<void>
  /**
   * Delete every entry under `prefix` (e.g. a whole conversation) in one
   * atomic, durable batch, and resolve with how many were deleted. `[]`
   * deletes everything.
   */
  delete(prefix: StorageKey, options?: AbortOptions): Promise<number>
  /**
   * Close the store. Pending calls settle first; later calls reject with
   * `StorageClosedError`. Closing twice is a no-op.
   */
  close(): Promise<void>
}

/**
 * Options shared by every store: how it is encrypted at rest.
 *
 * - `encryptionKey`: encrypted with this key (created encrypted if new; an
 *   unencrypted store is re-encrypted with it on open).
 * - `plaintext: true`: the explicit opt-out, kept unencrypted (an
 *   encrypted store refuses it with `StorageEncryptionKeyError`).
 * - Neither: the backend's default. {@link levelStorage} opens the store
 *   *locked* ({@link Storage.locked}) until {@link Storage.unlock} gives
 *   it a key, which `User.create` of `@demls/session` does with
 *   `deriveStorageKey(privateKey)`; {@link memoryStorage} keeps nothing at
 *   rest and is plain unless `plaintext: false`, which locks it like a
 *   level store.
 *
 * Both `encryptionKey` and `plaintext: true` is a `StorageInputError`.
 *
 * @example
 * ```ts
 * import { type StorageInit, levelStorage, memoryStorage } from '@demls/storage'
 * const init: StorageInit = { encryptionKey: crypto.getRandomValues(new Uint8Array(32)), signal: AbortSignal.timeout(1_000) }
 * const store = await memoryStorage(init)
 * const cache = await levelStorage({ location: './cache', plaintext: true }) // explicit opt-out: nothing secret in it
 * ```
 */
export interface StorageInit extends AbortOptions {
  /**
   * 32 bytes. When given, values are encrypted with AES-256-GCM and key
   * names replaced by keyed hashes (see the package README). A store
   * created with a key must be reopened with the same key; an unencrypted
   * store opened with a key is re-encrypted with it.
   * @default undefined (the backend's default: see {@link StorageInit})
   */
  encryptionKey?: Uint8Array
  /**
   * `true`: keep the store unencrypted (the explicit opt-out of encryption
   * at rest; pass it at every open, since a plain store opened without it
   * is re-encrypted by the first unlock). `false`: require encryption
   * (a {@link memoryStorage} without `encryptionKey` is then locked).
   * @default false for {@link levelStorage}, true for {@link memoryStorage}
   */
  plaintext?: boolean
}

/**
 * Byte limits on inputs. Keys are measured in their encoded form (each
 * segment's UTF-8 bytes plus one terminator byte, plus one more byte per
 * 0x00 byte); values in plaintext bytes.
 */
export const STORAGE_LIMITS = Object.freeze({
  /** Encoded key or prefix length. */
  maxKeyBytes: 1024,
  /** Segments in a key or prefix. */
  maxKeySegments: 16,
  /** Value length: 16 MiB. */
  maxValueBytes: 16 * 1024 * 1024,
  /** Operations in one batch. */
  maxBatchOperations: 10_000,
  /** Keys plus values of one batch: 64 MiB. */
  maxBatchBytes: 64 * 1024 * 1024,
})
