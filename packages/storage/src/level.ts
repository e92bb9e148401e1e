import { type AbortOptions, throwIfAborted } from '@demls/wire'
import type { Level } from 'level'
import type { Backend, RawOperation } from './backend.js'
import { StorageInputError, StorageOpenError } from './errors.js'
import { openKvStorage, openMode } from './kv-storage.js'
import type { Storage, StorageInit } from './types.js'

/**
 * Options of {@link levelStorage}.
 *
 * @example
 * ```ts
 * import { type LevelStorageInit, levelStorage } from '@demls/storage'
 * const init: LevelStorageInit = { location: './demls-state', signal: AbortSignal.timeout(5_000) } // locked until User.create unlocks it
 * const store = await levelStorage(init)
 * ```
 */
export interface LevelStorageInit extends StorageInit {
  /**
   * Where the store lives: a directory in Node (created if missing; one
   * process at a time), an IndexedDB database name in a browser.
   */
  location: string
}

/**
 * The store {@link levelStorage} returns: a {@link Storage} that can also
 * compact its files, and that is locked until it has a key (see
 * {@link Storage.locked}).
 *
 * @example
 * ```ts
 * import { type LevelStorage, levelStorage } from '@demls/storage'
 * const store: LevelStorage = await levelStorage({ location: './demls-state', encryptionKey: new Uint8Array(32).fill(3) })
 * await store.compact() // reclaim the space of deleted conversations
 * await store.close()
 * ```
 */
export interface LevelStorage extends Storage {
  /** See {@link Storage.locked}. */
  readonly locked: boolean
  /** See {@link Storage.unlock}. */
  unlock(encryptionKey: Uint8Array, options?: AbortOptions): Promise<void>
  /**
   * Rewrite LevelDB's files so that records removed by `del` and `delete`
   * are gone from them, not only marked deleted (LevelDB otherwise keeps
   * the old bytes in its log and table files until a later compaction).
   * Call it after deleting secrets that must not outlive their retention,
   * e.g. after an epoch's secrets fall out of the window. It runs after
   * every earlier write, and later writes wait for it. It cannot erase
   * copies the file system or an SSD keeps, and is a no-op in browsers.
   */
  compact(options?: AbortOptions): Promise<void>
}

type Db = Level<Uint8Array, Uint8Array>
const ALL_START = new Uint8Array([0x00])
const ALL_END = new Uint8Array([0xff])

/** Node's Buffer is a Uint8Array subclass; hand out plain copies. */
function plain(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length)
  out.set(bytes)
  return out
}

/** The {@link Backend} over one LevelDB (exported for tests, not from the package). */
export class LevelBackend implements Backend {
  constructor(private readonly db: Db) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const v = await this.db.get(key)
    return v === undefined ? undefined : plain(v)
  }

  async getMany(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const values = await this.db.getMany(keys)
    return values.map((v) => (v === undefined ? undefined : plain(v)))
  }

  async *iterate(gte: Uint8Array, lt: Uint8Array): AsyncGenerator<[Uint8Array, Uint8Array]> {
    for await (const [k, v] of this.db.iterator({ gte, lt })) yield [plain(k), plain(v)]
  }

  async *keys(gte: Uint8Array, lt: Uint8Array): AsyncGenerator<Uint8Array> {
    for await (const k of this.db.keys({ gte, lt })) yield plain(k)
  }

  async write(operations: RawOperation[]): Promise<void> {
    // sync: the promise resolves after LevelDB's log is fsynced, so a
    // resolved batch survives a crash; a LevelDB batch is all-or-nothing.
    await this.db.batch(operations, { sync: true })
  }

  async compact(): Promise<void> {
    // classic-level has compactRange; browser-level (IndexedDB) does not.
    const db = this.db as Db & { compactRange?: (start: Uint8Array, end: Uint8Array) => Promise<void> }
    if (typeof db.compactRange === 'function') await db.compactRange(ALL_START, ALL_END)
  }

  close(): Promise<void> {
    return this.db.close()
  }
}

/**
 * The embedded default {@link Storage}: LevelDB in Node (`classic-level`,
 * prebuilt binaries inside the package, no compiler needed), IndexedDB in
 * browsers (`browser-level`), through `level`'s browser field.
 *
 * Every write is one LevelDB batch written with `sync: true`: atomic, and
 * durable when its promise resolves. Encrypted at rest by default: values
 * are sealed with AES-256-GCM and key names replaced by keyed hashes (see
 * the README for the format and the threat model).
 *
 * - `levelStorage({ location })` opens the store **locked**
 *   ({@link Storage.locked}): hand it to `User.create` of
 *   `@demls/session`, which unlocks it with `deriveStorageKey(privateKey)`
 *   before it reads anything, or call {@link Storage.unlock} yourself. An
 *   unencrypted store from an earlier version is re-encrypted by the
 *   unlock, in one atomic batch.
 * - `levelStorage({ location, encryptionKey })` opens it with your key.
 * - `levelStorage({ location, plaintext: true })` keeps it unencrypted:
 *   the explicit opt-out.
 *
 * @example
 * ```ts
 * import { levelStorage } from '@demls/storage'
 * const store = await levelStorage({ location: './demls-state', encryptionKey: crypto.getRandomValues(new Uint8Array(32)) })
 * await store.batch([
 *   { type: 'put', key: ['conv', 'chat', 'mls'], value: new Uint8Array([1, 2, 3]) },
 *   { type: 'del', key: ['conv', 'chat', 'epoch-secret', '0000000041'] },
 * ])
 * await store.close()
 * ```
 *
 * @throws {StorageInputError} without a `location`, on an `encryptionKey` that is not 32 bytes, or on both `encryptionKey` and `plaintext: true`
 * @throws {StorageOpenError} when the location cannot be opened (another process holds it)
 * @throws {StorageEncryptionKeyError} on the wrong key, or `plaintext: true` for an encrypted store
 * @throws {AbortError} when `init.signal` is aborted
 */
export async function levelStorage(init: LevelStorageInit): Promise<LevelStorage> {
  if (typeof init?.location !== 'string' || init.location.length === 0) {
    throw new StorageInputError('levelStorage needs a location (a directory in Node, a database name in a browser)')
  }
  openMode(init, false)
  throwIfAborted(init.signal)
  // Loaded here, not at import: importing the package (deriveStorageKey,
  // memoryStorage) does not load LevelDB's native addon.
  const { Level } = await import('level')
  const db: Db = new Level<Uint8Array, Uint8Array>(init.location, { keyEncoding: 'view', valueEncoding: 'view' })
  try {
    await db.open()
  } catch (cause) {
    throw new StorageOpenError(`cannot open the store at ${JSON.stringify(init.location)}`, { cause })
  }
  try {
    return await openKvStorage(new LevelBackend(db), init, false)
  } catch (err) {
    await db.close().catch(() => undefined)
    throw err
  }
}
