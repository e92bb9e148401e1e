import { type AbortOptions, throwIfAborted } from '@demls/wire'
import { Level } from 'level'
import type { Backend, RawOperation } from './backend.js'
import { StorageInputError, StorageOpenError } from './errors.js'
import { checkEncryptionKey, openKvStorage } from './kv-storage.js'
import type { Storage, StorageInit } from './types.js'

/**
 * Options of {@link levelStorage}.
 *
 * @example
 * ```ts
 * import { type LevelStorageInit, deriveStorageKey, levelStorage } from '@demls/storage'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32))
 * const init: LevelStorageInit = { location: './demls-state', encryptionKey: await deriveStorageKey(privateKey), signal: AbortSignal.timeout(5_000) }
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
 * compact its files.
 *
 * @example
 * ```ts
 * import { type LevelStorage, levelStorage } from '@demls/storage'
 * const store: LevelStorage = await levelStorage({ location: './demls-state' })
 * await store.compact() // reclaim the space of deleted conversations
 * await store.close()
 * ```
 */
export interface LevelStorage extends Storage {
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

class LevelBackend implements Backend {
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
 * durable when its promise resolves. With `encryptionKey`, values are
 * sealed with AES-256-GCM and key names replaced by keyed hashes (see the
 * README for the format and the threat model).
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
 */
export async function levelStorage(init: LevelStorageInit): Promise<LevelStorage> {
  if (typeof init?.location !== 'string' || init.location.length === 0) {
    throw new StorageInputError('levelStorage needs a location (a directory in Node, a database name in a browser)')
  }
  checkEncryptionKey(init.encryptionKey)
  throwIfAborted(init.signal)
  const db: Db = new Level<Uint8Array, Uint8Array>(init.location, { keyEncoding: 'view', valueEncoding: 'view' })
  try {
    await db.open()
  } catch (cause) {
    throw new StorageOpenError(`cannot open the store at ${JSON.stringify(init.location)}`, { cause })
  }
  try {
    return await openKvStorage(new LevelBackend(db), init)
  } catch (err) {
    await db.close().catch(() => undefined)
    throw err
  }
}
