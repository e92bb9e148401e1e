import { hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { StorageInputError, deriveStorageKey } from '../src/index.js'

describe('deriveStorageKey', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1)

  it('is HKDF-SHA-256(private key, salt "", info "demls/storage-encryption-key/v1"), 32 bytes, as node:crypto computes it', async () => {
    const expected = new Uint8Array(hkdfSync('sha256', key, new Uint8Array(0), 'demls/storage-encryption-key/v1', 32))
    const derived = await deriveStorageKey(key)
    expect(derived).toEqual(expected)
    expect(derived.length).toBe(32)
    expect(derived).not.toEqual(key)
  })

  it('is deterministic and differs per private key', async () => {
    const other = key.slice()
    other[31] = (other[31] ?? 0) ^ 1
    expect(await deriveStorageKey(key)).toEqual(await deriveStorageKey(key.slice()))
    expect(await deriveStorageKey(other)).not.toEqual(await deriveStorageKey(key))
  })

  it('refuses anything but 32 bytes, and an aborted signal', async () => {
    await expect(deriveStorageKey(new Uint8Array(31))).rejects.toBeInstanceOf(StorageInputError)
    await expect(deriveStorageKey('00'.repeat(32) as unknown as Uint8Array)).rejects.toBeInstanceOf(StorageInputError)
    await expect(deriveStorageKey(key, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
  })
})
