import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { defaultSecp256k1Backend } from '@demls/eip191'
import { DEFAULT_RECOVERY_CACHE_SIZE, EthereumSigner, InvalidConsensusArgumentError, type Secp256k1Backend, ethereumAddress, signPersonalMessage } from '../src/index.js'
import { DEV_KEYS } from './helpers.js'

// Issue 18: EthereumSigner.verify keeps the signers it recovered, so a
// signature met again (a vote inside a certificate, a replayed certificate,
// one attestation judged by several flows) costs a keccak, not a secp256k1
// recovery. The cache must never change a verdict.

const N = secp256k1.Point.CURVE().n

/** The platform backend, counting its recoveries. */
function counting(): Secp256k1Backend & { recoveries: number } {
  const inner = defaultSecp256k1Backend()
  const b = {
    name: inner.name,
    keccak: inner.keccak,
    recoveries: 0,
    keccak256: (d: Uint8Array) => inner.keccak256(d),
    sign: (h: Uint8Array, k: Uint8Array) => inner.sign(h, k),
    recoverPublicKey(hash: Uint8Array, compact: Uint8Array, recovery: 0 | 1) {
      b.recoveries++
      return inner.recoverPublicKey(hash, compact, recovery)
    },
  }
  return b as Secp256k1Backend & { recoveries: number }
}

const alice = ethereumAddress(DEV_KEYS.ALICE)
const bob = ethereumAddress(DEV_KEYS.BOB)
const msg = new TextEncoder().encode('a vote of 180 bytes, more or less')
const sig = signPersonalMessage(DEV_KEYS.ALICE, msg)

/** Every kind of signature a member meets: genuine, of another message, malleated, wrong v, truncated, zero. */
function cases(): { label: string; identity: Uint8Array; payload: Uint8Array; signature: Uint8Array }[] {
  const s = BigInt(`0x${bytesToHex(sig.subarray(32, 64))}`)
  const high = sig.slice()
  high.set(hexToBytes((N - s).toString(16).padStart(64, '0')), 32)
  high[64] = sig[64] === 27 ? 28 : 27
  const wrongV = sig.slice()
  wrongV[64] = sig[64] === 27 ? 28 : 27
  const badV = sig.slice()
  badV[64] = 35
  const zero = new Uint8Array(65)
  zero[64] = 27
  return [
    { label: 'genuine', identity: alice, payload: msg, signature: sig },
    { label: 'genuine, claimed by another', identity: bob, payload: msg, signature: sig },
    { label: 'another message', identity: alice, payload: new Uint8Array([9]), signature: sig },
    { label: 'high-s twin (accepted, as alloy)', identity: alice, payload: msg, signature: high },
    { label: 'wrong recovery id', identity: alice, payload: msg, signature: wrongV },
    { label: 'v = 35', identity: alice, payload: msg, signature: badV },
    { label: 'truncated', identity: alice, payload: msg, signature: sig.subarray(0, 64) },
    { label: 'zero r and s', identity: alice, payload: msg, signature: zero },
    { label: '19-byte identity', identity: alice.subarray(0, 19), payload: msg, signature: sig },
  ]
}

describe('EthereumSigner recovery cache', () => {
  it('gives the uncached verdict for every kind of signature, first time and again', () => {
    const cached = new EthereumSigner(DEV_KEYS.CHARLIE)
    const uncached = new EthereumSigner(DEV_KEYS.CHARLIE, { recoveryCacheSize: 0 })
    const expected = [true, false, false, true, false, false, false, false, false]
    for (let round = 0; round < 2; round++) {
      const verdicts = cases().map((c) => cached.verify(c.identity, c.payload, c.signature))
      expect(verdicts).toEqual(expected)
      expect(cases().map((c) => uncached.verify(c.identity, c.payload, c.signature))).toEqual(expected)
    }
  })

  it('refuses a signature of any other length than 65 bytes without caching it, however long (never throws)', () => {
    const backend = counting()
    const v = new EthereumSigner(DEV_KEYS.CHARLIE, { backend })
    const msg = new TextEncoder().encode('oversized')
    // Two million bytes: as one string argument list it would overflow the stack.
    for (const signature of [new Uint8Array(2_000_000), new Uint8Array(66), new Uint8Array(0)]) {
      expect(v.verify(v.identity, msg, signature)).toBe(false)
    }
    expect(backend.recoveries).toBe(0)
  })

  it('recovers a signature once; a different message or signature is recovered on its own', () => {
    const backend = counting()
    const v = new EthereumSigner(DEV_KEYS.CHARLIE, { backend })
    for (let i = 0; i < 5; i++) expect(v.verify(alice, msg, sig)).toBe(true)
    expect(backend.recoveries).toBe(1)
    // The cached signer is no proof for another identity.
    expect(v.verify(bob, msg, sig)).toBe(false)
    expect(backend.recoveries).toBe(1)
    expect(v.verify(alice, new Uint8Array([1]), sig)).toBe(false)
    expect(v.verify(alice, msg, signPersonalMessage(DEV_KEYS.ALICE, new Uint8Array([2])))).toBe(false)
    expect(backend.recoveries).toBe(3)
  })

  it('keeps at most recoveryCacheSize signers, evicting the least recently used', () => {
    const backend = counting()
    const v = new EthereumSigner(DEV_KEYS.CHARLIE, { backend, recoveryCacheSize: 2 })
    const m = [1, 2, 3].map((i) => new Uint8Array([i]))
    const s = m.map((x) => signPersonalMessage(DEV_KEYS.ALICE, x))
    v.verify(alice, m[0]!, s[0]!)
    v.verify(alice, m[1]!, s[1]!)
    v.verify(alice, m[0]!, s[0]!) // m0 used again: m1 is now the oldest
    v.verify(alice, m[2]!, s[2]!) // evicts m1
    expect(backend.recoveries).toBe(3)
    v.verify(alice, m[0]!, s[0]!)
    v.verify(alice, m[2]!, s[2]!)
    expect(backend.recoveries).toBe(3)
    expect(v.verify(alice, m[1]!, s[1]!)).toBe(true)
    expect(backend.recoveries).toBe(4)
  })

  it('is on by default, off with 0, and refuses a bad size', () => {
    expect(DEFAULT_RECOVERY_CACHE_SIZE).toBeGreaterThanOrEqual(4096)
    const onBackend = counting()
    const on = new EthereumSigner(DEV_KEYS.CHARLIE, { backend: onBackend })
    on.verify(alice, msg, sig)
    on.verify(alice, msg, sig)
    expect(onBackend.recoveries).toBe(1)
    const backend = counting()
    const off = new EthereumSigner(DEV_KEYS.CHARLIE, { backend, recoveryCacheSize: 0 })
    off.verify(alice, msg, sig)
    off.verify(alice, msg, sig)
    expect(backend.recoveries).toBe(2)
    expect(() => new EthereumSigner(DEV_KEYS.CHARLIE, { recoveryCacheSize: -1 })).toThrow(InvalidConsensusArgumentError)
    expect(() => new EthereumSigner(DEV_KEYS.CHARLIE, { recoveryCacheSize: 1.5 })).toThrow(InvalidConsensusArgumentError)
  })
})
