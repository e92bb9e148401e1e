import { join } from 'node:path'
import { AbortError } from '@demls/wire'
import { Level } from 'level'
import { describe, expect, it } from 'vitest'
import {
  StorageCorruptError,
  StorageEncryptionKeyError,
  StorageInputError,
  StorageOpenError,
  levelStorage,
} from '../src/index.js'
import { bytes, collect } from './conformance.js'
import { diskBytes, tempDirs } from './helpers.js'

const dir = tempDirs()
const KEY = new Uint8Array(32).fill(1)
const OTHER_KEY = new Uint8Array(32).fill(2)

/** Open the LevelDB under a store directly, bypassing the storage layer. */
async function raw(location: string) {
  const db = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  const data: [Uint8Array, Uint8Array][] = []
  for await (const [k, v] of db.iterator({ gte: new Uint8Array([1]), lt: new Uint8Array([2]) })) data.push([k, v])
  return { db, data }
}

describe('levelStorage', () => {
  it('keeps what was written across close and reopen (plain and encrypted)', async () => {
    for (const encryptionKey of [undefined, KEY]) {
      const location = join(dir(), 'db')
      const open = () => levelStorage(encryptionKey === undefined ? { location, plaintext: true } : { location, encryptionKey })
      const a = await open()
      await a.batch([
        { type: 'put', key: ['conv', 'chat', 'mls'], value: bytes('state') },
        { type: 'put', key: ['conv', 'chat', 'epoch'], value: bytes('42') },
        { type: 'put', key: ['conv', 'other', 'epoch'], value: bytes('7') },
      ])
      await a.del(['conv', 'other', 'epoch'])
      await a.close()
      const b = await open()
      expect(b.encrypted).toBe(encryptionKey !== undefined)
      expect(await b.get(['conv', 'chat', 'mls'])).toEqual(bytes('state'))
      expect((await collect(b.entries([]))).map((e) => e.key)).toEqual([
        ['conv', 'chat', 'epoch'],
        ['conv', 'chat', 'mls'],
      ])
      await b.close()
    }
  })

  it('encrypted: neither values nor key names appear on disk; a plain store shows both', async () => {
    const secretValue = 'SECRET-VALUE-0123456789'
    const convId = 'conversation-id-visible?'
    for (const encryptionKey of [KEY, undefined]) {
      const location = join(dir(), 'db')
      const s = await levelStorage(encryptionKey === undefined ? { location, plaintext: true } : { location, encryptionKey })
      for (let i = 0; i < 20; i++) await s.put(['conv', convId, `slice-${i}`], bytes(`${secretValue}-${i}`))
      await s.close()
      const disk = diskBytes(location)
      const visible = disk.includes(secretValue) || disk.includes(convId)
      expect(visible).toBe(encryptionKey === undefined)
    }
  })

  it('encrypted: a tampered value fails with StorageCorruptError on get and on iteration', async () => {
    const location = join(dir(), 'db')
    const s = await levelStorage({ location, encryptionKey: KEY })
    await s.put(['conv', 'c', 'state'], bytes('hello state'))
    await s.close()
    const { db, data } = await raw(location)
    expect(data.length).toBe(1)
    const [k, v] = data[0]!
    for (const i of [0, 5, v.length - 1]) {
      const bad = Uint8Array.from(v)
      bad[i]! ^= 0x01
      await db.put(k, bad)
      await db.close()
      const t = await levelStorage({ location, encryptionKey: KEY })
      await expect(t.get(['conv', 'c', 'state'])).rejects.toBeInstanceOf(StorageCorruptError)
      await expect(collect(t.entries(['conv']))).rejects.toBeInstanceOf(StorageCorruptError)
      await t.close()
      await db.open()
    }
    await db.put(k, v.subarray(0, 10)) // truncated
    await db.close()
    const t = await levelStorage({ location, encryptionKey: KEY })
    const err = await t.get(['conv', 'c', 'state']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageCorruptError)
    expect((err as StorageCorruptError).code).toBe('STORAGE_CORRUPT')
    await t.close()
  })

  it('encrypted: a value moved to another key fails authentication', async () => {
    const location = join(dir(), 'db')
    const s = await levelStorage({ location, encryptionKey: KEY })
    await s.put(['conv', 'a', 'secret'], bytes('for a'))
    await s.put(['conv', 'b', 'secret'], bytes('for b'))
    await s.close()
    const { db, data } = await raw(location)
    const [[k0, v0], [k1, v1]] = data as [[Uint8Array, Uint8Array], [Uint8Array, Uint8Array]]
    await db.batch([
      { type: 'put', key: k0, value: v1 },
      { type: 'put', key: k1, value: v0 },
    ])
    await db.close()
    const t = await levelStorage({ location, encryptionKey: KEY })
    await expect(t.get(['conv', 'a', 'secret'])).rejects.toBeInstanceOf(StorageCorruptError)
    await expect(t.get(['conv', 'b', 'secret'])).rejects.toBeInstanceOf(StorageCorruptError)
    await t.close()
  })

  it('encryption key mismatches are typed errors at open', async () => {
    const location = join(dir(), 'db')
    const s = await levelStorage({ location, encryptionKey: KEY })
    await s.put(['k'], bytes('v'))
    await s.close()
    await expect(levelStorage({ location, encryptionKey: OTHER_KEY })).rejects.toBeInstanceOf(StorageEncryptionKeyError)
    const err = await levelStorage({ location, plaintext: true }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageEncryptionKeyError)
    expect((err as Error).message).toMatch(/encrypted.*encryptionKey/)
    // the right key still opens it after the failed attempts
    const again = await levelStorage({ location, encryptionKey: KEY })
    expect(await again.get(['k'])).toEqual(bytes('v'))
    await again.close()
  })

  it('rejects bad options with StorageInputError', async () => {
    await expect(levelStorage({ location: '' })).rejects.toBeInstanceOf(StorageInputError)
    await expect(levelStorage({ location: join(dir(), 'db'), encryptionKey: new Uint8Array(16) })).rejects.toBeInstanceOf(
      StorageInputError,
    )
    await expect(levelStorage({ location: join(dir(), 'db'), encryptionKey: KEY, plaintext: true })).rejects.toBeInstanceOf(
      StorageInputError,
    )
    await expect(levelStorage({ location: join(dir(), 'db'), plaintext: 'yes' as unknown as boolean })).rejects.toBeInstanceOf(
      StorageInputError,
    )
  })

  it('an aborted open rejects with AbortError and leaves the location free', async () => {
    const location = join(dir(), 'db')
    await expect(levelStorage({ location, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError)
    await (await levelStorage({ location })).close()
  })

  it('a directory in use by another open store fails with StorageOpenError', async () => {
    const location = join(dir(), 'db')
    const a = await levelStorage({ location })
    const err = await levelStorage({ location }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageOpenError)
    expect((err as StorageOpenError).code).toBe('STORAGE_OPEN_FAILED')
    await a.close()
    await (await levelStorage({ location })).close()
  })

  it('a LevelDB with records but no format record is not taken for a store', async () => {
    const location = join(dir(), 'db')
    const db = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' })
    await db.put(new Uint8Array([1, 2, 3]), new Uint8Array([4]))
    await db.close()
    await expect(levelStorage({ location })).rejects.toBeInstanceOf(StorageCorruptError)
  })
})

describe('levelStorage compact', () => {
  it('removes the bytes of deleted records from the files', async () => {
    const location = join(dir(), 'db')
    const s = await levelStorage({ location, plaintext: true }) // plain, so the bytes are searchable
    const secret = 'EPOCH-SECRET-41-abcdefghijklmnop'
    await s.put(['conv', 'c', 'secret', '0000000041'], bytes(secret))
    await s.put(['conv', 'c', 'state'], bytes('kept'))
    await s.close()
    const t = await levelStorage({ location, plaintext: true }) // reopening moves the log into a table file
    await t.del(['conv', 'c', 'secret', '0000000041'])
    await t.close()
    expect(diskBytes(location).includes(secret)).toBe(true) // a delete alone leaves the bytes
    const u = await levelStorage({ location, plaintext: true })
    await u.compact()
    expect(await u.get(['conv', 'c', 'state'])).toEqual(bytes('kept'))
    await u.close()
    expect(diskBytes(location).includes(secret)).toBe(false)
    const v = await levelStorage({ location, plaintext: true })
    expect(await v.get(['conv', 'c', 'state'])).toEqual(bytes('kept'))
    await v.close()
    await expect(v.compact()).rejects.toThrow('closed')
  })
})
