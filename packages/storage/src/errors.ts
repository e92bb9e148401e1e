import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * Base class of every error `@demls/storage` throws (besides `AbortError`
 * from `@demls/wire` for an aborted call). Also thrown as is, with the
 * backend's error as `cause`, when the backend fails (an I/O error, a full
 * disk).
 *
 * @example
 * ```ts
 * import { StorageError, memoryStorage } from '@demls/storage'
 * const store = await memoryStorage()
 * try {
 *   await store.put(['conv', 'chat'], new Uint8Array([1]))
 * } catch (err) {
 *   if (err instanceof StorageError) console.log(err.code, err.shortMessage) // every storage failure
 * }
 * ```
 */
export class StorageError extends DemlsError {
  constructor(message: string, code = 'STORAGE_ERROR', options: DemlsErrorOptions = {}) {
    super(message, code, options)
    this.name = 'StorageError'
  }
}

/**
 * The store was closed before or during the call.
 *
 * @example
 * ```ts
 * import { StorageClosedError, memoryStorage } from '@demls/storage'
 * const store = await memoryStorage()
 * await store.close()
 * await store.get(['conv']).catch((err) => {
 *   if (err instanceof StorageClosedError) console.log(err.code) // 'STORAGE_CLOSED'
 * })
 * ```
 */
export class StorageClosedError extends StorageError {
  constructor() {
    super('the storage is closed', 'STORAGE_CLOSED')
    this.name = 'StorageClosedError'
  }
}

/**
 * The store could not be opened: the location is locked by another process
 * (LevelDB allows one process per directory), not writable, or not a store.
 *
 * @example
 * ```ts
 * import { StorageOpenError, levelStorage } from '@demls/storage'
 * try {
 *   await levelStorage({ location: '/read-only/state' })
 * } catch (err) {
 *   if (err instanceof StorageOpenError) console.log('cannot open the store:', err.shortMessage)
 * }
 * ```
 */
export class StorageOpenError extends StorageError {
  constructor(message: string, options: DemlsErrorOptions = {}) {
    super(message, 'STORAGE_OPEN_FAILED', options)
    this.name = 'StorageOpenError'
  }
}

/**
 * A stored record failed authentication (it was changed, truncated, or moved
 * from another key) or is not in the format this version writes. Nothing in
 * the record is returned.
 *
 * @example
 * ```ts
 * import { StorageCorruptError, levelStorage } from '@demls/storage'
 * const store = await levelStorage({ location: './state', encryptionKey: new Uint8Array(32).fill(7) })
 * try {
 *   await store.get(['conv', 'chat', 'epoch'])
 * } catch (err) {
 *   if (err instanceof StorageCorruptError) console.log('tampered with on disk') // 'STORAGE_CORRUPT'
 * }
 * ```
 */
export class StorageCorruptError extends StorageError {
  constructor(message: string, options: DemlsErrorOptions = {}) {
    super(message, 'STORAGE_CORRUPT', options)
    this.name = 'StorageCorruptError'
  }
}

/**
 * The `encryptionKey` does not match the store: a different key than the one
 * the store was created with (also when `User.create` unlocks another
 * member's store: its key is derived from another private key), an
 * encrypted store opened with `plaintext: true`, or a key given to
 * `unlock` of a store opened with `plaintext: true`.
 *
 * @example
 * ```ts
 * import { levelStorage } from '@demls/storage'
 * await levelStorage({ location: './state', encryptionKey: new Uint8Array(32).fill(9) }).catch((err) => {
 *   if (err.code === 'STORAGE_ENCRYPTION_KEY') console.log('this key does not open this store')
 * })
 * ```
 */
export class StorageEncryptionKeyError extends StorageError {
  constructor(message: string) {
    super(message, 'STORAGE_ENCRYPTION_KEY')
    this.name = 'StorageEncryptionKeyError'
  }
}

/**
 * Why a store is locked (see {@link StorageLockedError}):
 *
 * - `'new'`: the location holds no store yet; unlocking creates it,
 *   encrypted.
 * - `'encrypted'`: an encrypted store waiting for its key.
 * - `'unencrypted'`: a store written without encryption (before
 *   encryption was the default, or opened with `plaintext: true`);
 *   unlocking re-encrypts it in one atomic batch.
 *
 * @example
 * ```ts
 * import { type StorageLockedReason, levelStorage } from '@demls/storage'
 * const store = await levelStorage({ location: './state' })
 * await store.get(['user']).catch((err) => {
 *   const reason: StorageLockedReason | undefined = err.code === 'STORAGE_LOCKED' ? err.reason : undefined
 *   if (reason === 'unencrypted') console.log('an old plaintext store: the first unlock encrypts it')
 * })
 * ```
 */
export type StorageLockedReason = 'new' | 'encrypted' | 'unencrypted'

const LOCKED_DETAIL: Record<StorageLockedReason, string> = {
  new: 'a new store, created encrypted on unlock',
  encrypted: 'an encrypted store waiting for its key',
  unencrypted: 'an unencrypted store, re-encrypted on unlock',
}

/**
 * A data operation on a locked store. `levelStorage({ location })` opened
 * with neither `encryptionKey` nor `plaintext: true` is locked: encryption
 * at rest is the default, and the store waits for its key. Open it with
 * `encryptionKey`, or with `plaintext: true` to keep it unencrypted, or
 * hand it to `User.create` of `@demls/session`, which unlocks it with a key
 * derived from the member's private key (`deriveStorageKey`). Code
 * `STORAGE_LOCKED`; `close()` works on a locked store.
 *
 * @example
 * ```ts
 * import { StorageLockedError, deriveStorageKey, levelStorage } from '@demls/storage'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32)) // the member's signing key
 * const store = await levelStorage({ location: './state' })
 * await store.get(['user', 'member-id']).catch((err) => {
 *   if (err instanceof StorageLockedError) console.log(err.code, err.reason) // 'STORAGE_LOCKED' 'new'
 * })
 * await store.unlock(await deriveStorageKey(privateKey)) // what User.create does
 * console.log(store.locked, store.encrypted) // false true
 * ```
 */
export class StorageLockedError extends StorageError {
  /** Why the store is locked. */
  readonly reason: StorageLockedReason

  constructor(reason: StorageLockedReason) {
    super(
      `the store is locked (${LOCKED_DETAIL[reason]}): open it with encryptionKey, or with plaintext: true to keep it unencrypted, or hand it to User.create, which unlocks it with a key derived from the private key`,
      'STORAGE_LOCKED',
    )
    this.name = 'StorageLockedError'
    this.reason = reason
  }
}

/**
 * A key, value, operation or option is malformed: not a `string[]` key, an
 * empty key, a segment that is not well-formed UTF-16, a value that is not a
 * `Uint8Array`, an unknown operation type, an `encryptionKey` that is not 32
 * bytes, both `encryptionKey` and `plaintext: true`.
 *
 * @example
 * ```ts
 * import { StorageInputError, deriveStorageKey } from '@demls/storage'
 * await deriveStorageKey(new Uint8Array(5)).catch((err) => {
 *   if (err instanceof StorageInputError) console.log(err.code) // 'STORAGE_INVALID_INPUT'
 * })
 * ```
 */
export class StorageInputError extends StorageError {
  constructor(message: string) {
    super(message, 'STORAGE_INVALID_INPUT')
    this.name = 'StorageInputError'
  }
}

/**
 * What a {@link StorageLimitError} measured.
 *
 * @example
 * ```ts
 * import { type StorageLimitKind, StorageLimitError } from '@demls/storage'
 * function explain(err: unknown): StorageLimitKind | undefined {
 *   return err instanceof StorageLimitError ? err.limit : undefined // 'keyBytes', 'batchOps', …
 * }
 * ```
 */
export type StorageLimitKind = 'keyBytes' | 'keySegments' | 'valueBytes' | 'batchOps' | 'batchBytes'

/**
 * An input is larger than a documented limit (see {@link STORAGE_LIMITS}).
 * Nothing of the call was written.
 *
 * @example
 * ```ts
 * import { STORAGE_LIMITS, StorageLimitError, memoryStorage } from '@demls/storage'
 * const store = await memoryStorage()
 * await store.put(['big'], new Uint8Array(STORAGE_LIMITS.maxValueBytes + 1)).catch((err) => {
 *   if (err instanceof StorageLimitError) console.log(err.limit, err.actual, '>', err.max) // 'valueBytes' …
 * })
 * ```
 */
export class StorageLimitError extends StorageError {
  /** Which limit was exceeded. */
  readonly limit: StorageLimitKind
  /** The limit. */
  readonly max: number
  /** The size of the input. */
  readonly actual: number

  constructor(limit: StorageLimitKind, max: number, actual: number) {
    super(`${limit} ${actual} exceeds the limit of ${max}`, 'STORAGE_LIMIT')
    this.name = 'StorageLimitError'
    this.limit = limit
    this.max = max
    this.actual = actual
  }
}
