import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { nodeCryptoBackend } from '../src/crypto/node-backend.js'
import { HMAC_SCRATCH_BYTES, loadLibsodiumHash } from '../src/crypto/node-libsodium.js'
import { toHex } from '../src/internal/bytes.js'

/**
 * SHA-256 and HMAC-SHA-256 on libsodium (the node backend's hash when
 * `sodium-native` loads) against OpenSSL's, byte for byte: key lengths on
 * both sides of the 64-byte block (longer keys are hashed first), messages
 * across block boundaries and past the HMAC's scratch buffer, and calls
 * alternating long and short keys (the padded key blocks are reused).
 */
describe('libsodium SHA-256 and HMAC-SHA-256', () => {
  const hash = loadLibsodiumHash()

  it('loads here, and the node backend uses it unless DEMLS_HASH_BACKEND=openssl', () => {
    expect(hash).toBeDefined()
    expect(nodeCryptoBackend().hash).toBe('libsodium')
    process.env.DEMLS_HASH_BACKEND = 'openssl'
    try {
      expect(loadLibsodiumHash()).toBeUndefined()
      expect(nodeCryptoBackend().hash).toBe('openssl')
    } finally {
      delete process.env.DEMLS_HASH_BACKEND
    }
  })

  it('gives OpenSSL’s bytes for every key and message length', () => {
    const { sha256, hmacSha256 } = hash!
    const keyLengths = [0, 1, 31, 32, 33, 63, 64, 65, 100, 200]
    const dataLengths = [0, 1, 55, 56, 63, 64, 65, 191, 192, 200, 1000, HMAC_SCRATCH_BYTES - 1, HMAC_SCRATCH_BYTES, HMAC_SCRATCH_BYTES + 1, 5000]
    for (const n of dataLengths) {
      const data = crypto.getRandomValues(new Uint8Array(n))
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'))
      for (const k of keyLengths) {
        const key = crypto.getRandomValues(new Uint8Array(k))
        expect(toHex(hmacSha256(key, data)), `key ${k} B, data ${n} B`).toBe(createHmac('sha256', key).update(data).digest('hex'))
      }
    }
  })

  it('returns a fresh array per call, unaffected by the next call', () => {
    const { hmacSha256 } = hash!
    const long = new Uint8Array(64).fill(7)
    const short = new Uint8Array(1).fill(9)
    const data = new Uint8Array(10).fill(1)
    const first = hmacSha256(long, data)
    const copy = first.slice()
    const second = hmacSha256(short, data)
    expect(first).toEqual(copy)
    expect(toHex(second)).toBe(createHmac('sha256', short).update(data).digest('hex'))
    expect(toHex(hmacSha256(long, data))).toBe(toHex(copy))
  })

  it('a message beyond the scratch buffer, then short ones: each gives OpenSSL’s bytes (the large one does not linger in the scratch)', () => {
    const { hmacSha256 } = hash!
    const key = crypto.getRandomValues(new Uint8Array(32))
    for (const n of [100, HMAC_SCRATCH_BYTES * 64, 3, HMAC_SCRATCH_BYTES, 0]) {
      const data = crypto.getRandomValues(new Uint8Array(n))
      expect(toHex(hmacSha256(key, data)), `data ${n} B`).toBe(createHmac('sha256', key).update(data).digest('hex'))
    }
  })
})
