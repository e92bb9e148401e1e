import { type AbortOptions, DemlsError, bytesEqual, compareBytes, concatBytes, throwIfAborted, toHex, fromHex } from '@demls/wire'
import type { Backend, RawOperation } from './backend.js'
import { StoreKeys, randomBytes } from './crypto.js'
import {
  StorageClosedError,
  StorageCorruptError,
  StorageEncryptionKeyError,
  StorageError,
  StorageInputError,
  StorageLimitError,
  StorageLockedError,
} from './errors.js'
import { decodeKey, encodeSegments, keySegments, prefixUpperBound } from './keys.js'
import {
  type BatchOperation,
  STORAGE_LIMITS,
  type Storage,
  type StorageEntry,
  type StorageInit,
  type StorageKey,
} from './types.js'

/** On-disk key of the format record (outside the data range). */
export const META_KEY = new Uint8Array([0x00, ...new TextEncoder().encode('demls-storage')])
/** First byte of every data record's on-disk key. */
export const DATA_TAG = 0x01
const DATA_START = new Uint8Array([DATA_TAG])
const DATA_END = new Uint8Array([DATA_TAG + 1])
const SEGMENT_END = new Uint8Array([0xff])
const FORMAT = 'demls-storage'
const VERSION = 1
const SALT_BYTES = 16
const ENCRYPTION_KEY_BYTES = 32
const DECRYPT_CONCURRENCY = 64

/** The format record, stored as JSON under {@link META_KEY}. */
interface Meta {
  format: string
  version: number
  encrypted: boolean
  /** Hex; HKDF salt of an encrypted store. */
  salt?: string
  /** Hex; HMAC proving the encryption key (see `StoreKeys.check`). */
  check?: string
  /**
   * Set by the batch that re-encrypts an unencrypted store, cleared once
   * the files were compacted: a crash in between leaves plaintext in the
   * old files, so the next unlock compacts first.
   */
  compactPending?: true
}

function wrap(err: unknown, what: string): unknown {
  if (err instanceof DemlsError) return err
  return new StorageError(`storage backend failed to ${what}`, 'STORAGE_ERROR', { cause: err })
}

/** Check an `encryptionKey` option. */
export function checkEncryptionKey(key: unknown): Uint8Array | undefined {
  if (key === undefined) return undefined
  if (!(key instanceof Uint8Array) || key.length !== ENCRYPTION_KEY_BYTES) {
    throw new StorageInputError(`encryptionKey must be a Uint8Array of ${ENCRYPTION_KEY_BYTES} bytes`)
  }
  return key
}

/** How a store is opened, from its {@link StorageInit}. */
export type OpenMode = { type: 'key'; encryptionKey: Uint8Array } | { type: 'plaintext' } | { type: 'locked' }

/**
 * Check the encryption options of `init`: an `encryptionKey`, or
 * `plaintext: true`, or neither (then `plaintextByDefault` decides).
 */
export function openMode(init: StorageInit, plaintextByDefault: boolean): OpenMode {
  const encryptionKey = checkEncryptionKey(init.encryptionKey)
  const plaintext = init.plaintext
  if (plaintext !== undefined && typeof plaintext !== 'boolean') {
    throw new StorageInputError(`plaintext must be a boolean (got ${typeof plaintext})`)
  }
  if (encryptionKey !== undefined) {
    if (plaintext === true) throw new StorageInputError('pass either encryptionKey or plaintext: true, not both')
    return { type: 'key', encryptionKey }
  }
  return (plaintext ?? plaintextByDefault) ? { type: 'plaintext' } : { type: 'locked' }
}

/** The format record of `backend`, or `undefined` for an empty backend. */
async function readMeta(backend: Backend): Promise<Meta | undefined> {
  let metaBytes: Uint8Array | undefined
  try {
    metaBytes = await backend.get(META_KEY)
  } catch (err) {
    throw wrap(err, 'read the format record')
  }
  if (metaBytes === undefined) {
    try {
      for await (const _ of backend.keys(DATA_START, DATA_END)) {
        throw new StorageCorruptError('the store has records but no format record')
      }
    } catch (err) {
      throw wrap(err, 'read the store')
    }
    return undefined
  }
  let meta: Meta
  try {
    meta = JSON.parse(new TextDecoder().decode(metaBytes)) as Meta
  } catch (cause) {
    throw new StorageCorruptError('the format record is not readable', { cause })
  }
  if (typeof meta !== 'object' || meta === null || meta.format !== FORMAT || meta.version !== VERSION) {
    throw new StorageCorruptError(`unknown store format ${JSON.stringify(meta?.format)} v${meta?.version}`)
  }
  if (meta.encrypted && (typeof meta.salt !== 'string' || typeof meta.check !== 'string')) {
    throw new StorageCorruptError('the format record of an encrypted store lacks its salt or key check')
  }
  return meta
}

const encodeMeta = (meta: Meta): Uint8Array => new TextEncoder().encode(JSON.stringify(meta))

/**
 * Open a store over `backend`: read (or, on an empty backend opened with a
 * key or as plaintext, write) the format record, and check the encryption
 * key against it, re-encrypt an unencrypted store opened with a key, or
 * leave the store locked (neither a key nor `plaintext`, see
 * {@link openMode}). Closes nothing on failure: the caller owns `backend`.
 */
export async function openKvStorage(backend: Backend, init: StorageInit, plaintextByDefault: boolean): Promise<CompactableStorage> {
  const mode = openMode(init, plaintextByDefault)
  throwIfAborted(init.signal)
  const meta = await readMeta(backend)
  const store = new KvStorage(backend, meta)
  if (mode.type === 'key') {
    await store.unlockNow(mode.encryptionKey, init.signal)
  } else if (mode.type === 'plaintext') {
    if (meta?.encrypted === true) {
      throw new StorageEncryptionKeyError(
        'the store is encrypted, so it cannot be opened with plaintext: true: open it with its encryptionKey, or without plaintext and hand it to User.create, which unlocks it with the key derived from the private key',
      )
    }
    if (meta === undefined) {
      throwIfAborted(init.signal)
      const created: Meta = { format: FORMAT, version: VERSION, encrypted: false }
      try {
        await backend.write([{ type: 'put', key: META_KEY, value: encodeMeta(created) }])
      } catch (err) {
        throw wrap(err, 'write the format record')
      }
      store.openPlain(created)
    } else {
      store.openPlain(meta)
    }
  }
  if (init.signal?.aborted) {
    await backend.close()
    throwIfAborted(init.signal)
  }
  return store
}

/** A {@link Storage} with `compact`, `locked` and `unlock` (what both backends get; only level exposes `compact`). */
export interface CompactableStorage extends Storage {
  readonly locked: boolean
  unlock(encryptionKey: Uint8Array, options?: AbortOptions): Promise<void>
  compact(options?: AbortOptions): Promise<void>
}

interface PreparedKey {
  encoded: Uint8Array
  stored: Uint8Array
}

/** The one {@link Storage} implementation; backends differ only below it. */
class KvStorage implements CompactableStorage {
  private isClosed = false
  private readonly pending = new Set<Promise<unknown>>()
  /** Writes reach the backend in call order. */
  private writeChain: Promise<void> = Promise.resolve()
  /** Unlocks run one at a time. */
  private unlockChain: Promise<void> = Promise.resolve()
  /** Set once the store is open: `undefined` keys for a plain store. */
  private unlocked: { keys: StoreKeys | undefined } | undefined

  constructor(
    private readonly backend: Backend,
    /** The format record as last read or written; `undefined` while none is written. */
    private meta: Meta | undefined,
  ) {}

  private get keys(): StoreKeys | undefined {
    return this.unlocked?.keys
  }

  get closed(): boolean {
    return this.isClosed
  }

  get encrypted(): boolean {
    return this.meta?.encrypted === true
  }

  get locked(): boolean {
    return this.unlocked === undefined
  }

  private lockedError(): StorageLockedError {
    return new StorageLockedError(this.meta === undefined ? 'new' : this.meta.encrypted ? 'encrypted' : 'unencrypted')
  }

  /** Open as a plain store whose format record is `meta` (written). */
  openPlain(meta: Meta): void {
    this.meta = meta
    this.unlocked = { keys: undefined }
  }

  private track<T>(work: () => Promise<T>, signal: AbortSignal | undefined, whileLocked = false): Promise<T> {
    if (this.isClosed) return Promise.reject(new StorageClosedError())
    if (!whileLocked && this.unlocked === undefined) return Promise.reject(this.lockedError())
    try {
      throwIfAborted(signal)
    } catch (err) {
      return Promise.reject(err)
    }
    const p = work()
    this.pending.add(p)
    const done = () => this.pending.delete(p)
    p.then(done, done)
    return p
  }

  unlock(encryptionKey: Uint8Array, options: AbortOptions = {}): Promise<void> {
    return this.track(
      () => {
        const run = this.unlockChain.then(() => {
          if (this.isClosed) throw new StorageClosedError()
          return this.unlockNow(encryptionKey, options.signal)
        })
        this.unlockChain = run.then(
          () => undefined,
          () => undefined,
        )
        return run
      },
      options.signal,
      true,
    )
  }

  /**
   * {@link Storage.unlock} without the queue: create, check or migrate
   * according to the format record in the backend (read again, so a
   * failed earlier attempt leaves nothing stale).
   */
  async unlockNow(encryptionKey: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    const key = checkEncryptionKey(encryptionKey)
    if (key === undefined) throw new StorageInputError(`unlock needs an encryptionKey of ${ENCRYPTION_KEY_BYTES} bytes`)
    throwIfAborted(signal)
    if (this.unlocked !== undefined) {
      const current = this.meta
      if (this.unlocked.keys === undefined || current?.salt === undefined) {
        throw new StorageEncryptionKeyError('the store is open unencrypted (plaintext: true); it cannot be unlocked with a key')
      }
      const keys = await StoreKeys.derive(key, fromHex(current.salt))
      if (!bytesEqual(keys.check, this.unlocked.keys.check)) {
        throw new StorageEncryptionKeyError('the encryptionKey is not the key this store was created with')
      }
      return
    }
    const meta = await readMeta(this.backend)
    this.meta = meta
    if (meta === undefined) {
      const salt = randomBytes(SALT_BYTES)
      const keys = await StoreKeys.derive(key, salt)
      const created: Meta = { format: FORMAT, version: VERSION, encrypted: true, salt: toHex(salt), check: toHex(keys.check) }
      throwIfAborted(signal)
      try {
        await this.backend.write([{ type: 'put', key: META_KEY, value: encodeMeta(created) }])
      } catch (err) {
        throw wrap(err, 'write the format record')
      }
      this.meta = created
      this.unlocked = { keys }
    } else if (meta.encrypted) {
      const keys = await StoreKeys.derive(key, fromHex(meta.salt!))
      if (!bytesEqual(keys.check, fromHex(meta.check!))) {
        throw new StorageEncryptionKeyError('the encryptionKey is not the key this store was created with')
      }
      throwIfAborted(signal)
      this.unlocked = { keys }
      if (meta.compactPending) await this.finishMigration(meta)
    } else {
      await this.migrate(key, signal)
    }
  }

  /**
   * Re-encrypt an unencrypted store: in one atomic backend write, delete
   * every plain record, put its encrypted form, and rewrite the format
   * record; then compact, so the plaintext leaves the files.
   */
  private async migrate(encryptionKey: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    const salt = randomBytes(SALT_BYTES)
    const keys = await StoreKeys.derive(encryptionKey, salt)
    const plain: [Uint8Array, Uint8Array][] = []
    try {
      for await (const record of this.backend.iterate(DATA_START, DATA_END)) {
        throwIfAborted(signal)
        plain.push(record)
      }
    } catch (err) {
      throw wrap(err, 'read the store to encrypt it')
    }
    const dels: RawOperation[] = plain.map(([stored]) => ({ type: 'del', key: stored }))
    const puts: RawOperation[] = []
    // Seal DECRYPT_CONCURRENCY records at once (WebCrypto is asynchronous).
    for (let i = 0; i < plain.length; i += DECRYPT_CONCURRENCY) {
      throwIfAborted(signal)
      const chunk = plain.slice(i, i + DECRYPT_CONCURRENCY)
      puts.push(
        ...(await Promise.all(
          chunk.map(async ([stored, value]): Promise<RawOperation> => {
            const segments = keySegments(decodeStoredKey(stored.subarray(1)), false)
            const hashed = concatBytes([DATA_START, await keys.hashKey(segments)])
            return { type: 'put', key: hashed, value: await keys.seal(hashed, encodeSegments(segments), value) }
          }),
        )),
      )
    }
    const meta: Meta = { format: FORMAT, version: VERSION, encrypted: true, salt: toHex(salt), check: toHex(keys.check), compactPending: true }
    throwIfAborted(signal)
    // One batch: deletes first, so an (astronomically unlikely) hashed key
    // equal to a plain one keeps its encrypted value.
    try {
      await this.backend.write([...dels, ...puts, { type: 'put', key: META_KEY, value: encodeMeta(meta) }])
    } catch (err) {
      throw wrap(err, 'write the encrypted store')
    }
    this.meta = meta
    this.unlocked = { keys }
    await this.finishMigration(meta)
  }

  /**
   * Compact the files after the re-encryption batch, so the plaintext
   * records are gone from them, then clear `compactPending`. Runs again on
   * the next unlock when a crash or an error stopped it.
   */
  private async finishMigration(meta: Meta): Promise<void> {
    const done: Meta = { ...meta }
    delete done.compactPending
    try {
      await this.backend.compact?.()
      await this.backend.write([{ type: 'put', key: META_KEY, value: encodeMeta(done) }])
    } catch (err) {
      throw wrap(err, 'compact after encrypting the store (it is encrypted and unlocked; the next unlock compacts again)')
    }
    this.meta = done
  }

  private async storedKey(segments: Uint8Array[]): Promise<PreparedKey> {
    const encoded = encodeSegments(segments)
    const stored = this.keys ? concatBytes([DATA_START, await this.keys.hashKey(segments)]) : concatBytes([DATA_START, encoded])
    return { encoded, stored }
  }

  private async decodeValue(key: PreparedKey, raw: Uint8Array | undefined): Promise<Uint8Array | undefined> {
    if (raw === undefined) return undefined
    if (!this.keys) return raw
    const { encodedKey, value } = await this.keys.open(key.stored, raw)
    if (!bytesEqual(encodedKey, key.encoded)) throw new StorageCorruptError('a stored value belongs to another key')
    return value
  }

  get(key: StorageKey, options: AbortOptions = {}): Promise<Uint8Array | undefined> {
    return this.getMany([key], options).then((v) => v[0])
  }

  getMany(keys: readonly StorageKey[], options: AbortOptions = {}): Promise<(Uint8Array | undefined)[]> {
    return this.track(async () => {
      if (!Array.isArray(keys)) throw new StorageInputError('keys must be an array')
      const segments = keys.map((k) => keySegments(k, false))
      const prepared = await Promise.all(segments.map((s) => this.storedKey(s)))
      throwIfAborted(options.signal)
      let raw: (Uint8Array | undefined)[]
      try {
        raw = await this.backend.getMany(prepared.map((p) => p.stored))
      } catch (err) {
        throw wrap(err, 'read')
      }
      return Promise.all(prepared.map((p, i) => this.decodeValue(p, raw[i])))
    }, options.signal)
  }

  private async range(prefix: StorageKey): Promise<[Uint8Array, Uint8Array]> {
    const segments = keySegments(prefix, true)
    if (segments.length === 0) return [DATA_START, DATA_END]
    const { stored } = await this.storedKey(segments)
    // Plain: the next segment never starts with 0xFF (UTF-8 never has it;
    // an escaped 0x00 is 0x00 0xFF), so [p, p‖0xFF) holds exactly the
    // extensions. Encrypted: fixed-width hashes, so the byte successor.
    return [stored, this.keys ? prefixUpperBound(stored)! : concatBytes([stored, SEGMENT_END])]
  }

  entries(prefix: StorageKey, options: AbortOptions = {}): AsyncIterableIterator<StorageEntry> {
    const self = this
    async function* run(): AsyncGenerator<StorageEntry> {
      if (self.isClosed) throw new StorageClosedError()
      if (self.locked) throw self.lockedError()
      throwIfAborted(options.signal)
      const [gte, lt] = await self.range(prefix)
      const keys = self.keys
      if (keys === undefined) {
        try {
          for await (const [k, v] of self.backend.iterate(gte, lt)) {
            if (self.isClosed) throw new StorageClosedError()
            throwIfAborted(options.signal)
            yield { key: decodeStoredKey(k.subarray(1)), value: v }
          }
        } catch (err) {
          throw self.isClosed && !(err instanceof DemlsError) ? new StorageClosedError() : wrap(err, 'iterate')
        }
        return
      }
      // Decrypt up to DECRYPT_CONCURRENCY records at once: WebCrypto calls
      // are asynchronous, and one at a time leaves the crypto threads idle.
      const found: { encodedKey: Uint8Array; value: Uint8Array }[] = []
      let pending: Promise<{ encodedKey: Uint8Array; value: Uint8Array }>[] = []
      const drain = async () => {
        found.push(...(await Promise.all(pending)))
        pending = []
      }
      try {
        for await (const [k, v] of self.backend.iterate(gte, lt)) {
          if (self.isClosed) throw new StorageClosedError()
          throwIfAborted(options.signal)
          const opened = keys.open(k, v)
          opened.catch(() => undefined)
          pending.push(opened)
          if (pending.length >= DECRYPT_CONCURRENCY) await drain()
        }
        await drain()
      } catch (err) {
        throw self.isClosed && !(err instanceof DemlsError) ? new StorageClosedError() : wrap(err, 'iterate')
      }
      found.sort((a, b) => compareBytes(a.encodedKey, b.encodedKey))
      for (const f of found) {
        if (self.isClosed) throw new StorageClosedError()
        throwIfAborted(options.signal)
        yield { key: decodeStoredKey(f.encodedKey), value: f.value }
      }
    }
    return run()
  }

  /** Run `write` after every earlier write, unless aborted or closed by then. */
  private chained<T>(signal: AbortSignal | undefined, write: () => Promise<T>): Promise<T> {
    const result = this.writeChain.then(() => {
      throwIfAborted(signal)
      return write()
    })
    this.writeChain = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  batch(operations: readonly BatchOperation[], options: AbortOptions = {}): Promise<void> {
    return this.track(async () => {
      const checked = validateBatch(operations)
      const prepared = Promise.all(
        checked.map(async (op): Promise<RawOperation> => {
          const key = await this.storedKey(op.segments)
          if (op.type === 'del') return { type: 'del', key: key.stored }
          const value = this.keys ? await this.keys.seal(key.stored, key.encoded, op.value) : op.value
          return { type: 'put', key: key.stored, value }
        }),
      )
      prepared.catch(() => undefined)
      // The slot in the write order is taken now, synchronously with the call.
      await this.chained(options.signal, async () => {
        const raw = await prepared
        throwIfAborted(options.signal)
        try {
          await this.backend.write(raw)
        } catch (err) {
          throw wrap(err, 'write')
        }
      })
    }, options.signal)
  }

  put(key: StorageKey, value: Uint8Array, options?: AbortOptions): Promise<void> {
    return this.batch([{ type: 'put', key, value }], options)
  }

  del(key: StorageKey, options?: AbortOptions): Promise<void> {
    return this.batch([{ type: 'del', key }], options)
  }

  delete(prefix: StorageKey, options: AbortOptions = {}): Promise<number> {
    return this.track(async () => {
      const range = this.range(prefix)
      range.catch(() => undefined)
      return this.chained(options.signal, async () => {
        const [gte, lt] = await range
        try {
          const ops: RawOperation[] = []
          for await (const key of this.backend.keys(gte, lt)) ops.push({ type: 'del', key })
          throwIfAborted(options.signal)
          if (ops.length > 0) await this.backend.write(ops)
          return ops.length
        } catch (err) {
          throw wrap(err, 'delete')
        }
      })
    }, options.signal)
  }

  /** See {@link LevelStorage.compact}. */
  compact(options: AbortOptions = {}): Promise<void> {
    return this.track(
      () =>
        this.chained(options.signal, async () => {
          try {
            await this.backend.compact?.()
          } catch (err) {
            throw wrap(err, 'compact')
          }
        }),
      options.signal,
    )
  }

  async close(): Promise<void> {
    if (this.isClosed) return
    this.isClosed = true
    await Promise.allSettled([...this.pending])
    try {
      await this.backend.close()
    } catch (err) {
      throw wrap(err, 'close')
    }
  }
}

function decodeStoredKey(encoded: Uint8Array): string[] {
  try {
    return decodeKey(encoded)
  } catch (cause) {
    throw new StorageCorruptError('a stored key is malformed', { cause })
  }
}

type CheckedOperation = { type: 'put'; segments: Uint8Array[]; value: Uint8Array } | { type: 'del'; segments: Uint8Array[] }

/** Validate every operation before anything is written, so an invalid one writes nothing. */
function validateBatch(operations: readonly BatchOperation[]): CheckedOperation[] {
  if (!Array.isArray(operations)) throw new StorageInputError('a batch must be an array of operations')
  if (operations.length > STORAGE_LIMITS.maxBatchOperations) {
    throw new StorageLimitError('batchOps', STORAGE_LIMITS.maxBatchOperations, operations.length)
  }
  let bytes = 0
  const out: CheckedOperation[] = []
  for (const op of operations as readonly unknown[]) {
    if (typeof op !== 'object' || op === null) throw new StorageInputError('a batch operation must be an object')
    const { type, key, value } = op as { type?: unknown; key?: unknown; value?: unknown }
    const segments = keySegments(key as StorageKey, false)
    for (const s of segments) bytes += s.length + 1
    if (type === 'put') {
      if (!(value instanceof Uint8Array)) throw new StorageInputError('a put needs a Uint8Array value')
      if (value.length > STORAGE_LIMITS.maxValueBytes) {
        throw new StorageLimitError('valueBytes', STORAGE_LIMITS.maxValueBytes, value.length)
      }
      bytes += value.length
      out.push({ type, segments, value: value.slice() })
    } else if (type === 'del') {
      out.push({ type, segments })
    } else {
      throw new StorageInputError(`unknown batch operation type ${JSON.stringify(type)}`)
    }
  }
  if (bytes > STORAGE_LIMITS.maxBatchBytes) throw new StorageLimitError('batchBytes', STORAGE_LIMITS.maxBatchBytes, bytes)
  return out
}
