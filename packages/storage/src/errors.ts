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
 * the store was created with, a key for a store created without one, or no
 * key for an encrypted store.
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
 * A key, value, operation or option is malformed: not a `string[]` key, an
 * empty key, a segment that is not well-formed UTF-16, a value that is not a
 * `Uint8Array`, an unknown operation type, an `encryptionKey` that is not 32
 * bytes.
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
