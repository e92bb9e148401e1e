/**
 * Encryption at rest by default (issue 52): `levelStorage({ location })`
 * is locked until it gets a key; an old unencrypted store is re-encrypted
 * on unlock in one atomic batch; `plaintext: true` is the opt-out.
 */
import { join } from 'node:path'
import { AbortError } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { Backend } from '../src/backend.js'
import {
  type Storage,
  StorageEncryptionKeyError,
  StorageError,
  StorageInputError,
  StorageLockedError,
  StorageClosedError,
  deriveStorageKey,
  levelStorage,
  memoryStorage,
} from '../src/index.js'
import { META_KEY, openKvStorage } from '../src/kv-storage.js'
import { LevelBackend } from '../src/level.js'
import { bytes, collect } from './conformance.js'
import { diskBytes, rawLevel, rawRecords, tempDirs } from './helpers.js'

const dir = tempDirs()
const KEY = new Uint8Array(32).fill(1)
const OTHER_KEY = new Uint8Array(32).fill(2)

const CONV = 'conversation-name-QX7'
const MEMBER = 'f39fd6e51aad88f6f4ce6ab8827279cfffb92266' // a member id, hex
const MEMBER_BYTES = Buffer.from(MEMBER, 'hex')

/** What a member's store holds: its owner record and a few slices per conversation. */
function sampleOps(conversations = 3, slices = 20) {
  const ops: { type: 'put'; key: string[]; value: Uint8Array }[] = [{ type: 'put', key: ['user', 'member-id'], value: Uint8Array.from(MEMBER_BYTES) }]
  for (let c = 0; c < conversations; c++) {
    for (let i = 0; i < slices; i++) {
      ops.push({ type: 'put', key: ['conv', `${CONV}-${c}`, `slice-${String(i).padStart(4, '0')}`], value: bytes(`member ${MEMBER} said ${c}/${i}`) })
    }
  }
  return ops
}

const sorted = (ops: { key: string[]; value: Uint8Array }[]) =>
  [...ops].sort((a, b) => Buffer.compare(Buffer.from(a.key.join('\u0000')), Buffer.from(b.key.join('\u0000'))))

/** Every data operation of `store`, each expected to reject. */
function dataOperations(store: Storage): [string, () => Promise<unknown>][] {
  return [
    ['get', () => store.get(['user', 'member-id'])],
    ['getMany', () => store.getMany([['user', 'member-id']])],
    ['entries', () => collect(store.entries([]))],
    ['batch', () => store.batch([{ type: 'put', key: ['a'], value: bytes('x') }])],
    ['put', () => store.put(['a'], bytes('x'))],
    ['del', () => store.del(['a'])],
    ['delete', () => store.delete(['conv'])],
    ...('compact' in store ? ([['compact', () => (store as { compact(): Promise<void> }).compact()]] as [string, () => Promise<unknown>][]) : []),
  ]
}

/** A plaintext store at a new location holding {@link sampleOps}, closed, with its records moved into table files. */
async function oldPlaintextStore(): Promise<string> {
  const location = join(dir(), 'db')
  const s = await levelStorage({ location, plaintext: true })
  await s.batch(sampleOps())
  await s.close()
  const again = await levelStorage({ location, plaintext: true }) // reopening moves the log into a table file
  await again.close()
  expect(diskBytes(location).includes(CONV)).toBe(true)
  return location
}

describe('levelStorage({ location }) without a key is locked', () => {
  it('every data operation fails with StorageLockedError (saying what to do); nothing is written; close works', async () => {
    const location = join(dir(), 'db')
    const store = await levelStorage({ location })
    expect(store.locked).toBe(true)
    expect(store.encrypted).toBe(false)
    for (const [name, op] of dataOperations(store)) {
      const err = await op().catch((e: unknown) => e)
      expect(err, name).toBeInstanceOf(StorageLockedError)
      expect((err as StorageLockedError).code).toBe('STORAGE_LOCKED')
      expect((err as StorageLockedError).reason).toBe('new')
      expect((err as StorageLockedError).shortMessage).toMatch(/encryptionKey.*plaintext: true.*User\.create.*private key/)
    }
    await store.close()
    expect(await rawRecords(location)).toEqual([]) // not even a format record: it is created on unlock
    await expect(store.unlock(KEY)).rejects.toBeInstanceOf(StorageClosedError)
  })

  it('unlock creates an encrypted store: no conversation id, member id or value reaches the disk', async () => {
    const location = join(dir(), 'db')
    const store = await levelStorage({ location })
    await store.unlock(await deriveStorageKey(KEY))
    expect(store.locked).toBe(false)
    expect(store.encrypted).toBe(true)
    await store.batch(sampleOps())
    await store.close()
    const disk = diskBytes(location)
    expect(disk.includes(CONV)).toBe(false)
    expect(disk.includes(MEMBER)).toBe(false)
    expect(disk.includes(MEMBER_BYTES)).toBe(false)
    expect(disk.includes('said')).toBe(false)
    for (const [k, v] of await rawRecords(location)) {
      expect(Buffer.from(k).includes(CONV) || Buffer.from(v).includes(CONV)).toBe(false)
      expect(Buffer.from(v).includes(MEMBER_BYTES)).toBe(false)
    }
    // Reopened: locked again (an encrypted store waits for its key), then the same data.
    const again = await levelStorage({ location })
    expect(again.locked).toBe(true)
    expect(again.encrypted).toBe(true)
    await expect(again.get(['user', 'member-id'])).rejects.toMatchObject({ code: 'STORAGE_LOCKED', reason: 'encrypted' })
    await again.unlock(await deriveStorageKey(KEY))
    expect((await collect(again.entries([]))).map((e) => [e.key, e.value])).toEqual(sorted(sampleOps()).map((o) => [o.key, o.value]))
    await again.close()
  })

  it('a wrong key fails with StorageEncryptionKeyError and leaves the store locked; the right key then opens it', async () => {
    const location = join(dir(), 'db')
    const s = await levelStorage({ location, encryptionKey: KEY })
    await s.put(['k'], bytes('v'))
    await s.close()
    const store = await levelStorage({ location })
    await expect(store.unlock(OTHER_KEY)).rejects.toBeInstanceOf(StorageEncryptionKeyError)
    expect(store.locked).toBe(true)
    await expect(store.get(['k'])).rejects.toBeInstanceOf(StorageLockedError)
    await store.unlock(KEY)
    expect(await store.get(['k'])).toEqual(bytes('v'))
    // unlocking an open store: its own key is a no-op, another key an error
    await store.unlock(KEY)
    await expect(store.unlock(OTHER_KEY)).rejects.toBeInstanceOf(StorageEncryptionKeyError)
    await expect(store.unlock(new Uint8Array(16))).rejects.toBeInstanceOf(StorageInputError)
    await store.close()
  })

  it('concurrent unlocks of a new store create it once', async () => {
    const location = join(dir(), 'db')
    const store = await levelStorage({ location })
    const results = await Promise.allSettled([store.unlock(KEY), store.unlock(KEY), store.unlock(OTHER_KEY)])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected'])
    await store.put(['k'], bytes('v'))
    await store.close()
    const again = await levelStorage({ location, encryptionKey: KEY })
    expect(await again.get(['k'])).toEqual(bytes('v'))
    await again.close()
  })

  it('an aborted unlock rejects with AbortError, writes nothing and leaves the store locked', async () => {
    const location = join(dir(), 'db')
    const store = await levelStorage({ location })
    await expect(store.unlock(KEY, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError)
    expect(store.locked).toBe(true)
    await store.close()
    expect(await rawRecords(location)).toEqual([])
  })
})

describe('plaintext: true, the explicit opt-out', () => {
  it('keeps the store unencrypted and unlocked; a key cannot be given to it later', async () => {
    const location = join(dir(), 'db')
    const store = await levelStorage({ location, plaintext: true })
    expect(store.locked).toBe(false)
    expect(store.encrypted).toBe(false)
    await store.batch(sampleOps())
    await expect(store.unlock(KEY)).rejects.toBeInstanceOf(StorageEncryptionKeyError)
    await store.close()
    expect(diskBytes(location).includes(CONV)).toBe(true)
  })

  it('an encrypted store refuses plaintext: true with a typed error saying what to do', async () => {
    const location = join(dir(), 'db')
    await (await levelStorage({ location, encryptionKey: KEY })).close()
    const err = await levelStorage({ location, plaintext: true }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageEncryptionKeyError)
    expect((err as StorageEncryptionKeyError).code).toBe('STORAGE_ENCRYPTION_KEY')
    expect((err as StorageEncryptionKeyError).shortMessage).toMatch(/encryptionKey.*User\.create/)
    await (await levelStorage({ location, encryptionKey: KEY })).close() // the location was released
  })

  it('encryptionKey and plaintext: true together are a StorageInputError', async () => {
    await expect(levelStorage({ location: join(dir(), 'db'), encryptionKey: KEY, plaintext: true })).rejects.toBeInstanceOf(StorageInputError)
    await expect(memoryStorage({ encryptionKey: KEY, plaintext: true })).rejects.toBeInstanceOf(StorageInputError)
  })
})

describe('an old unencrypted store is re-encrypted on unlock', () => {
  it('opened without plaintext: true it is locked; unlock re-encrypts every record, compacts, and the data is intact', async () => {
    const location = await oldPlaintextStore()
    const store = await levelStorage({ location })
    expect(store.locked).toBe(true)
    expect(store.encrypted).toBe(false)
    await expect(store.get(['user', 'member-id'])).rejects.toMatchObject({ code: 'STORAGE_LOCKED', reason: 'unencrypted' })
    await store.unlock(KEY)
    expect(store.encrypted).toBe(true)
    const after = await collect(store.entries([]))
    expect(after.map((e) => [e.key, e.value])).toEqual(sorted(sampleOps()).map((o) => [o.key, o.value]))
    await store.close()

    // The backend's records: the format record says encrypted; no data key or value is plaintext.
    const records = await rawRecords(location)
    expect(records.length).toBe(sampleOps().length + 1)
    const meta = JSON.parse(new TextDecoder().decode(records.find(([k]) => Buffer.from(k).equals(Buffer.from(META_KEY)))![1]))
    expect(meta).toMatchObject({ encrypted: true, salt: expect.any(String), check: expect.any(String) })
    expect(meta.compactPending).toBeUndefined() // compacted
    for (const [k, v] of records) {
      if (Buffer.from(k).equals(Buffer.from(META_KEY))) continue
      for (const needle of [CONV, 'conv', 'slice', MEMBER, 'said']) {
        expect(Buffer.from(k).includes(needle)).toBe(false)
        expect(Buffer.from(v).includes(needle)).toBe(false)
      }
      expect(Buffer.from(v).includes(MEMBER_BYTES)).toBe(false)
    }
    // ... and the plaintext did not linger in LevelDB's files (compacted).
    const disk = diskBytes(location)
    expect(disk.includes(CONV)).toBe(false)
    expect(disk.includes(MEMBER)).toBe(false)
    expect(disk.includes(MEMBER_BYTES)).toBe(false)

    const again = await levelStorage({ location, encryptionKey: KEY })
    expect(await again.get(['user', 'member-id'])).toEqual(Uint8Array.from(MEMBER_BYTES))
    await again.close()
    await expect(levelStorage({ location, plaintext: true })).rejects.toBeInstanceOf(StorageEncryptionKeyError)
  })

  it('opened with an encryptionKey it is re-encrypted at open', async () => {
    const location = await oldPlaintextStore()
    const store = await levelStorage({ location, encryptionKey: KEY })
    expect(store.encrypted).toBe(true)
    expect((await collect(store.entries([]))).length).toBe(sampleOps().length)
    await store.close()
    expect(diskBytes(location).includes(CONV)).toBe(false)
  })

  it('opened with plaintext: true it stays unencrypted', async () => {
    const location = await oldPlaintextStore()
    const store = await levelStorage({ location, plaintext: true })
    expect(store.locked).toBe(false)
    expect(await store.get(['user', 'member-id'])).toEqual(Uint8Array.from(MEMBER_BYTES))
    await store.close()
    expect(diskBytes(location).includes(CONV)).toBe(true)
  })

  it('a failing migration batch leaves the old plaintext store as it was (the batch is atomic)', async () => {
    const location = await oldPlaintextStore()
    const before = await rawRecords(location)
    const db = await rawLevel(location)
    const backend = new LevelBackend(db)
    let writes = 0
    const failing: Backend = {
      get: (k) => backend.get(k),
      getMany: (k) => backend.getMany(k),
      iterate: (gte, lt) => backend.iterate(gte, lt),
      keys: (gte, lt) => backend.keys(gte, lt),
      compact: () => backend.compact(),
      close: () => backend.close(),
      // The migration's one batch fails as a crash or full disk would: LevelDB applies all of it or nothing.
      write: async () => {
        writes++
        throw new Error('disk full')
      },
    }
    const store = await openKvStorage(failing, {}, false)
    expect(store.locked).toBe(true)
    const err = await store.unlock(KEY).catch((e: unknown) => e)
    expect(writes).toBe(1)
    expect(err).toBeInstanceOf(StorageError)
    expect((err as StorageError).code).toBe('STORAGE_ERROR')
    expect(store.locked).toBe(true)
    await expect(store.get(['user', 'member-id'])).rejects.toMatchObject({ code: 'STORAGE_LOCKED', reason: 'unencrypted' })
    await store.close()
    expect(await rawRecords(location)).toEqual(before)

    // It still opens as before, and a later unlock migrates it.
    const plain = await levelStorage({ location, plaintext: true })
    expect((await collect(plain.entries([]))).map((e) => [e.key, e.value])).toEqual(sorted(sampleOps()).map((o) => [o.key, o.value]))
    await plain.close()
    const retry = await levelStorage({ location })
    await retry.unlock(KEY)
    expect((await collect(retry.entries([]))).length).toBe(sampleOps().length)
    await retry.close()
    expect(diskBytes(location).includes(CONV)).toBe(false)
  })

  it('a compaction that fails after the batch is redone by the next unlock', async () => {
    const location = await oldPlaintextStore()
    const db = await rawLevel(location)
    const backend = new LevelBackend(db)
    const noCompaction: Backend = {
      get: (k) => backend.get(k),
      getMany: (k) => backend.getMany(k),
      iterate: (gte, lt) => backend.iterate(gte, lt),
      keys: (gte, lt) => backend.keys(gte, lt),
      write: (ops) => backend.write(ops),
      compact: async () => {
        throw new Error('I/O error')
      },
      close: () => backend.close(),
    }
    const store = await openKvStorage(noCompaction, {}, false)
    await expect(store.unlock(KEY)).rejects.toThrow(/compact/)
    expect(store.locked).toBe(false) // the batch was written: encrypted and open
    expect(store.encrypted).toBe(true)
    expect(await store.get(['user', 'member-id'])).toEqual(Uint8Array.from(MEMBER_BYTES))
    await store.close()
    expect(diskBytes(location).includes(CONV)).toBe(true) // the plaintext lingers in the old files ...
    const again = await levelStorage({ location })
    await again.unlock(KEY) // ... until the next unlock compacts
    await again.close()
    expect(diskBytes(location).includes(CONV)).toBe(false)
    const meta = JSON.parse(new TextDecoder().decode((await rawRecords(location)).find(([k]) => Buffer.from(k).equals(Buffer.from(META_KEY)))![1]))
    expect(meta.compactPending).toBeUndefined()
  })

  it('an abort during the migration writes nothing and leaves the store locked', async () => {
    const location = await oldPlaintextStore()
    const before = await rawRecords(location)
    const db = await rawLevel(location)
    const backend = new LevelBackend(db)
    const controller = new AbortController()
    const aborting: Backend = {
      get: (k) => backend.get(k),
      getMany: (k) => backend.getMany(k),
      async *iterate(gte, lt) {
        for await (const record of backend.iterate(gte, lt)) {
          yield record
          controller.abort() // after the first record of the migration's read
        }
      },
      keys: (gte, lt) => backend.keys(gte, lt),
      write: (ops) => backend.write(ops),
      compact: () => backend.compact(),
      close: () => backend.close(),
    }
    const store = await openKvStorage(aborting, {}, false)
    await expect(store.unlock(KEY, { signal: controller.signal })).rejects.toBeInstanceOf(AbortError)
    expect(store.locked).toBe(true)
    const now: [Uint8Array, Uint8Array][] = []
    for await (const record of backend.iterate(new Uint8Array([0]), new Uint8Array([0xff]))) now.push(record)
    expect(now).toEqual(before)
    await store.unlock(KEY) // a later unlock without the signal completes
    expect((await collect(store.entries([]))).length).toBe(sampleOps().length)
    await store.close()
  })
})

describe('memoryStorage keeps nothing at rest: plain by default, same options', () => {
  it('is plain and unlocked by default; plaintext: false locks it like a level store', async () => {
    const plain = await memoryStorage()
    expect(plain.locked).toBe(false)
    expect(plain.encrypted).toBe(false)
    await plain.put(['a'], bytes('x'))
    await plain.close()
    expect((await memoryStorage({ plaintext: true })).encrypted).toBe(false)

    const locked = await memoryStorage({ plaintext: false })
    expect(locked.locked).toBe(true)
    for (const [name, op] of dataOperations(locked)) await expect(op(), name).rejects.toBeInstanceOf(StorageLockedError)
    await locked.unlock!(KEY)
    expect(locked.encrypted).toBe(true)
    await locked.put(['a'], bytes('x'))
    expect(await locked.get(['a'])).toEqual(bytes('x'))
    await locked.close()
  })
})
