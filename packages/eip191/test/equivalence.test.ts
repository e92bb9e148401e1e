import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Secp256k1Backend,
  ethereumAddress,
  hashPersonalMessage,
  parseRecoverableSignature,
  recoverHashAddress,
  recoverPersonalMessageAddress,
  signPersonalMessage,
  verifyPersonalMessage,
} from '../src/index.js'
import { DEV_KEYS, N, P, mod, native, noble, rsv, to32, toBig } from './helpers.js'

const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : bytesToHex(b))

/** Recover with both backends; they must agree; returns the common answer. */
function both(message: Uint8Array, signature: Uint8Array): string | undefined {
  const a = hex(recoverPersonalMessageAddress(message, signature, native()))
  const b = hex(recoverPersonalMessageAddress(message, signature, noble))
  expect(a).toBe(b)
  return a
}

const key = DEV_KEYS[0]!
const addr = bytesToHex(ethereumAddress(key))
const msg = new TextEncoder().encode('vote payload')
const sig = signPersonalMessage(key, msg, noble)
const r = toBig(sig.subarray(0, 32))
const s = toBig(sig.subarray(32, 64))
const v = sig[64]!

describe('native and noble backends: identical results on the same inputs', () => {
  it('sign byte-identically (RFC 6979, low-s, v = 27/28) and recover the signer', () => {
    for (const k of DEV_KEYS) {
      for (const m of [new Uint8Array(0), msg, new Uint8Array(1000).fill(7)]) {
        const a = signPersonalMessage(k, m, native())
        expect(bytesToHex(a)).toBe(bytesToHex(signPersonalMessage(k, m, noble)))
        expect([27, 28]).toContain(a[64])
        expect(toBig(a.subarray(32, 64)) <= N / 2n).toBe(true)
        expect(both(m, a)).toBe(bytesToHex(ethereumAddress(k)))
      }
    }
  })

  it('v = 0/1 is read as 27/28', () => {
    expect(both(msg, rsv(r, s, v - 27))).toBe(addr)
    expect(both(msg, rsv(r, s, v))).toBe(addr)
  })

  it('a high-s (malleated) signature with the parity flipped recovers the same signer, like alloy (normalized_s)', () => {
    const flipped = v === 27 ? 28 : 27
    expect(both(msg, rsv(r, N - s, flipped))).toBe(addr)
    expect(both(msg, rsv(r, N - s, flipped - 27))).toBe(addr)
    // The normalised form handed to the backends is the original low-s one.
    const parsed = parseRecoverableSignature(rsv(r, N - s, flipped))!
    expect(bytesToHex(parsed.compact)).toBe(bytesToHex(sig.subarray(0, 64)))
    expect(parsed.recovery).toBe(v - 27)
  })

  it('a high-s signature without the parity flip, and a wrong recovery id, recover someone else', () => {
    const wrongV = v === 27 ? 28 : 27
    const other = both(msg, rsv(r, s, wrongV))
    expect(other).not.toBe(addr)
    const highSameV = both(msg, rsv(r, N - s, v))
    expect(highSameV).not.toBe(addr)
    expect(verifyPersonalMessage(ethereumAddress(key), msg, rsv(r, s, wrongV), native())).toBe(false)
    expect(verifyPersonalMessage(ethereumAddress(key), msg, rsv(r, s, wrongV), noble)).toBe(false)
  })

  it('reject other v values, wrong lengths and out-of-range r, s', () => {
    for (const bad of [2, 3, 26, 29, 30, 35, 36, 255]) expect(both(msg, rsv(r, s, bad))).toBeUndefined()
    for (const len of [0, 64, 66, 130]) {
      const b = new Uint8Array(len)
      b.set(sig.subarray(0, Math.min(len, 65)))
      expect(both(msg, b)).toBeUndefined()
    }
    const all: [bigint, bigint][] = [
      [0n, s],
      [r, 0n],
      [0n, 0n],
      [N, s],
      [r, N],
      [N + 1n, s],
      [r, N + 1n],
      [(1n << 256n) - 1n, s],
      [r, (1n << 256n) - 1n],
      [r + N, s], // r ≥ n: only the x ≥ n recovery ids (2, 3) could use it, and EIP-191 has none
    ]
    const cases = all.filter(([x]) => x < 1n << 256n)
    expect(cases.length).toBeGreaterThanOrEqual(9)
    for (const [rr, ss] of cases) expect(both(msg, rsv(rr, ss, v))).toBeUndefined()
  })

  it('r just below n and s = n − 1 are in range (accepted or not by the curve, identically)', () => {
    both(msg, rsv(N - 1n, s, 27))
    both(msg, rsv(r, N - 1n, 27))
    both(msg, rsv(1n, 1n, 28))
  })

  it('reject an r that is not the x-coordinate of a curve point', () => {
    let x = 1n
    for (;; x++) {
      try {
        secp256k1.Point.fromBytes(new Uint8Array([2, ...to32(x)]))
      } catch {
        break
      }
    }
    expect(both(msg, rsv(x, s, 27))).toBeUndefined()
    expect(both(msg, rsv(x, s, 28))).toBeUndefined()
  })

  it('reject a signature whose recovered key is the point at infinity', () => {
    // Q = r⁻¹(sR − zG) is infinity when s = z·k⁻¹ with R = kG.
    const z = mod(toBig(hashPersonalMessage(msg)), N)
    let k = 12345n
    let R = secp256k1.Point.BASE.multiply(k)
    while (R.x >= N) R = secp256k1.Point.BASE.multiply(++k)
    const kInv = secp256k1.Point.Fn.inv(k)
    const ss = mod(z * kInv, N)
    const parity = R.y & 1n ? 28 : 27
    expect(both(msg, rsv(R.x, ss, parity))).toBeUndefined()
    // Its high-s twin too (normalised back to the same input).
    expect(both(msg, rsv(R.x, N - ss, parity === 27 ? 28 : 27))).toBeUndefined()
    // Sanity: the same r with a different s recovers a real key.
    expect(both(msg, rsv(R.x, mod(ss + 1n, N), parity))).toMatch(/^[0-9a-f]{40}$/)
  })

  it('the hash must be 32 bytes', () => {
    for (const backend of [native(), noble] as Secp256k1Backend[]) {
      expect(recoverHashAddress(new Uint8Array(31), sig, backend)).toBeUndefined()
      expect(recoverHashAddress(new Uint8Array(33), sig, backend)).toBeUndefined()
    }
  })

  it('field-size sanity: p > n, so some x-coordinates are not valid r values', () => {
    expect(P > N).toBe(true)
  })
})

// Every run does a few noble (pure-JS) curve operations, a few ms each, and
// the whole workspace's tests run in parallel on 2 cores: generous timeouts.
describe('randomised equivalence (fast-check)', () => {
  const privateKey = fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .filter((k) => secp256k1.utils.isValidSecretKey(k))
  const message = fc.uint8Array({ maxLength: 300 })

  it('random keys and messages: identical signatures, identical recovered signer', () => {
    fc.assert(
      fc.property(privateKey, message, (k, m) => {
        const a = signPersonalMessage(k, m, native())
        const b = signPersonalMessage(k, m, noble)
        expect(bytesToHex(a)).toBe(bytesToHex(b))
        expect(both(m, a)).toBe(bytesToHex(ethereumAddress(k)))
      }),
      { numRuns: 150 },
    )
  }, 120_000)

  it('random tampering (byte flips, v changes, high-s twins): both backends agree', () => {
    fc.assert(
      fc.property(
        privateKey,
        message,
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 1, max: 255 }),
        fc.boolean(),
        (k, m, at, xor, malleate) => {
          const good = signPersonalMessage(k, m, native())
          const bad = good.slice()
          bad[at] = bad[at]! ^ xor
          both(m, bad)
          if (malleate) {
            const rr = toBig(good.subarray(0, 32))
            const ss = toBig(good.subarray(32, 64))
            const twin = rsv(rr, N - ss, good[64] === 27 ? 28 : 27)
            expect(both(m, twin)).toBe(bytesToHex(ethereumAddress(k)))
          }
        },
      ),
      { numRuns: 150 },
    )
  }, 120_000)

  it('keccak-256: native and noble give the same digest for random inputs (0 to 1,000 bytes, across the 136-byte rate)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (data) => {
        expect(bytesToHex(native().keccak256(data))).toBe(bytesToHex(noble.keccak256(data)))
      }),
      { numRuns: 500 },
    )
    for (const len of [0, 135, 136, 137, 271, 272, 273]) {
      const data = new Uint8Array(len).fill(0xa5)
      expect(bytesToHex(native().keccak256(data))).toBe(bytesToHex(noble.keccak256(data)))
    }
    // Known answer (Ethereum's empty-input hash), and not SHA3-256's.
    expect(bytesToHex(native().keccak256(new Uint8Array(0)))).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
    expect(native().keccak256(new Uint8Array(3))).toBeInstanceOf(Uint8Array)
  }, 120_000)

  it('random 65-byte strings and random hashes: the backends agree on the raw curve operation', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 65, maxLength: 65 }),
        (hash, raw) => {
          raw[64] = 27 + (raw[64]! & 1)
          const a = hex(recoverHashAddress(hash, raw, native()))
          expect(a).toBe(hex(recoverHashAddress(hash, raw, noble)))
          const parsed = parseRecoverableSignature(raw)
          if (parsed !== undefined) {
            expect(hex(native().recoverPublicKey(hash, parsed.compact, parsed.recovery))).toBe(
              hex(noble.recoverPublicKey(hash, parsed.compact, parsed.recovery)),
            )
          }
        },
      ),
      { numRuns: 250 },
    )
  }, 120_000)
})
