import { createRequire } from 'node:module'
import { bls12_381 } from '@noble/curves/bls12-381.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type BlsBackend,
  BLS_CURVE_ORDER,
  blsAggregateSignatures,
  blsKeyFromSeed,
  blsProvePossession,
  blsPublicKey,
  blsSign,
  blsVerify,
  blsVerifyPossession,
  prepareMemberKeys,
  signerBitmap,
  verifyBitmapAggregate,
} from '../src/index.js'
import { g1NotInSubgroup, g1NotOnCurve, g2NotInSubgroup, identity, native, negateG1, noble, plusP, secretKeys } from './helpers.js'

const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : bytesToHex(b))
const msg = new TextEncoder().encode('vote payload')
const sks = secretKeys(6)
const pks = sks.map((sk) => blsPublicKey(sk, noble))
const sigs = sks.map((sk) => blsSign(sk, msg, noble))

/** A point (key or signature of `msg`) of a key among the first 64 whose x (or x half) + p still fits: its second encoding. */
function secondEncoding(kind: 'key' | 'sig', half: 0 | 1 = 0): { canonical: Uint8Array; second: Uint8Array; publicKey: Uint8Array } {
  for (const sk of secretKeys(64, 99)) {
    const canonical = kind === 'key' ? blsPublicKey(sk) : blsSign(sk, msg)
    const second = plusP(canonical, half)
    if (second !== undefined) return { canonical, second, publicKey: blsPublicKey(sk) }
  }
  throw new Error('no point with a small enough x')
}
const keyPlusP = secondEncoding('key')
const sigPlusP0 = secondEncoding('sig', 0)
const sigPlusP1 = secondEncoding('sig', 1)

/** Verify with both backends; they must agree; returns the common answer. */
function bothVerify(pk: Uint8Array, m: Uint8Array, sig: Uint8Array): boolean {
  const a = blsVerify(pk, m, sig, native())
  expect(blsVerify(pk, m, sig, noble)).toBe(a)
  return a
}

/** Aggregate-verify over a bitmap with both backends; they must agree. */
function bothBitmap(keys: Uint8Array[], bitmap: Uint8Array, m: Uint8Array, sig: Uint8Array): unknown {
  const results = [native(), noble].map((b: BlsBackend) => verifyBitmapAggregate(prepareMemberKeys(keys, b), bitmap, m, sig))
  expect(results[0]).toEqual(results[1])
  return results[0]
}

describe('native blst and noble: identical results on the same inputs', () => {
  it('public keys and signatures are byte-identical, and each verifies the other', () => {
    for (const sk of sks) {
      expect(hex(blsPublicKey(sk, native()))).toBe(hex(blsPublicKey(sk, noble)))
      for (const m of [new Uint8Array(0), msg, new Uint8Array(1000).fill(7)]) {
        const a = blsSign(sk, m, native())
        expect(hex(a)).toBe(hex(blsSign(sk, m, noble)))
        expect(a).toHaveLength(96)
        expect(bothVerify(blsPublicKey(sk), m, a)).toBe(true)
      }
    }
  })

  it('the extreme secret keys 1 and r − 1 agree', () => {
    const one = new Uint8Array(32)
    one[31] = 1
    const top = new Uint8Array(32)
    let r = BLS_CURVE_ORDER - 1n
    for (let i = 31; i >= 0; i--, r >>= 8n) top[i] = Number(r & 0xffn)
    for (const sk of [one, top]) {
      expect(hex(blsPublicKey(sk, native()))).toBe(hex(blsPublicKey(sk, noble)))
      expect(hex(blsSign(sk, msg, native()))).toBe(hex(blsSign(sk, msg, noble)))
    }
    // 1 and r − 1 are negations of each other: their public keys are each other's negation.
    expect(hex(negateG1(blsPublicKey(one)))).toBe(hex(blsPublicKey(top)))
  })

  it('keys from a seed are IETF KeyGen: the same scalar as blst SecretKey.fromKeygen', async () => {
    const { createRequire } = await import('node:module')
    const blst = createRequire(import.meta.url)('@chainsafe/blst') as { SecretKey: { fromKeygen(ikm: Uint8Array, info?: Uint8Array): { toBytes(): Uint8Array } } }
    for (let i = 0; i < 20; i++) {
      const seed = crypto.getRandomValues(new Uint8Array(32 + i))
      const info = i % 2 === 0 ? new Uint8Array(0) : crypto.getRandomValues(new Uint8Array(i))
      expect(hex(blsKeyFromSeed(seed, info))).toBe(hex(blst.SecretKey.fromKeygen(seed, info).toBytes()))
    }
  })

  it('aggregates are byte-identical and verify over a bitmap on both', () => {
    const agg = blsAggregateSignatures([sigs[0]!, sigs[2]!, sigs[5]!], native())!
    expect(hex(agg)).toBe(hex(blsAggregateSignatures([sigs[0]!, sigs[2]!, sigs[5]!], noble)))
    expect(bothBitmap(pks, signerBitmap([0, 2, 5], 6), msg, agg)).toEqual([0, 2, 5])
    // The right signature over the wrong signer set, the wrong message, a missing signer.
    expect(bothBitmap(pks, signerBitmap([0, 2, 4], 6), msg, agg)).toBe('bad-signature')
    expect(bothBitmap(pks, signerBitmap([0, 2, 5], 6), new Uint8Array([1]), agg)).toBe('bad-signature')
    expect(bothBitmap(pks, signerBitmap([0, 2], 6), msg, agg)).toBe('bad-signature')
    expect(bothBitmap(pks, signerBitmap([0, 2, 5], 6), msg, blsAggregateSignatures([sigs[0]!, sigs[2]!])!)).toBe('bad-signature')
  })

  it('refuse the same bitmaps identically: empty, longer than the key list, naming a non-member, non-canonical', () => {
    const agg = blsAggregateSignatures(sigs)!
    expect(bothBitmap(pks, new Uint8Array(0), msg, agg)).toBe('empty')
    expect(bothBitmap(pks, new Uint8Array([0x3f, 0x00]), msg, agg)).toBe('too-long')
    expect(bothBitmap(pks, new Uint8Array([0x7f]), msg, agg)).toBe('out-of-range')
    expect(bothBitmap(pks, new Uint8Array([0x00]), msg, agg)).toBe('non-canonical')
    expect(bothBitmap(pks, new Uint8Array([0x3f]), msg, agg)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('proofs of possession (noble on every platform: blst 2.2.0 hashes only with the signature DST) are domain-separated from signatures', () => {
    for (const [i, sk] of sks.entries()) {
      const pop = blsProvePossession(sk)
      expect(blsVerifyPossession(pks[i]!, pop)).toBe(true)
      // A PoP is not a signature of the key's bytes under the signature DST (domain separation), and vice versa.
      expect(bothVerify(pks[i]!, pks[i]!, pop)).toBe(false)
      expect(blsVerifyPossession(pks[i]!, blsSign(sk, pks[i]!, native()))).toBe(false)
      expect(blsVerifyPossession(pks[(i + 1) % sks.length]!, pop)).toBe(false)
    }
  })
})

describe('adversarial points: both backends refuse them the same way', () => {
  const bad = {
    'G1 not in the subgroup': g1NotInSubgroup(),
    'G1 not on the curve': g1NotOnCurve(),
    'G1 identity': identity(48),
    'G1 identity with junk': (() => {
      const b = identity(48)
      b[47] = 1
      return b
    })(),
    'G1 without the compression flag': (() => {
      const b = Uint8Array.from(pks[0]!)
      b[0]! &= 0x7f
      return b
    })(),
    'G1 x + p (non-canonical)': keyPlusP.second,
    'G1 uncompressed (96 bytes)': bls12_381.G1.Point.fromBytes(pks[0]!).toBytes(false),
    'G1 truncated': pks[0]!.subarray(0, 47),
    'G1 empty': new Uint8Array(0),
  }
  const badSigs = {
    'G2 not in the subgroup': g2NotInSubgroup(),
    'G2 identity': identity(96),
    'G2 x.c1 + p': sigPlusP0.second,
    'G2 x.c0 + p': sigPlusP1.second,
    'G2 without the compression flag': (() => {
      const b = Uint8Array.from(sigs[0]!)
      b[0]! &= 0x7f
      return b
    })(),
    'G2 with the sort flag flipped (the negation: a valid point, the wrong signature)': (() => {
      const b = Uint8Array.from(sigs[0]!)
      b[0]! ^= 0x20
      return b
    })(),
    'G2 truncated': sigs[0]!.subarray(0, 95),
  }

  it('the adversarial inputs are what they claim (noble decodes them as such)', () => {
    expect(() => bls12_381.G1.Point.fromBytes(bad['G1 not in the subgroup'])).toThrow(/subgroup/)
    expect(() => bls12_381.G2.Point.fromBytes(badSigs['G2 not in the subgroup'])).toThrow(/subgroup/)
    expect(bls12_381.G1.Point.fromBytes(bad['G1 identity']).is0()).toBe(true)
    // Without our canonical check, noble reads x + p as x: the same point, a second encoding.
    expect(bls12_381.G1.Point.fromBytes(keyPlusP.second).equals(bls12_381.G1.Point.fromBytes(keyPlusP.canonical))).toBe(true)
    expect(bls12_381.G2.Point.fromBytes(sigPlusP0.second).equals(bls12_381.G2.Point.fromBytes(sigPlusP0.canonical))).toBe(true)
    expect(bls12_381.G2.Point.fromBytes(sigPlusP1.second).equals(bls12_381.G2.Point.fromBytes(sigPlusP1.canonical))).toBe(true)
    // The canonical encodings are accepted, so the refusals below are about the encoding alone.
    expect(native().parsePublicKey(keyPlusP.canonical)).toBeDefined()
  })

  for (const [name, key] of Object.entries(bad)) {
    it(`refuse a public key: ${name}`, () => {
      expect(native().parsePublicKey(key)).toBeUndefined()
      expect(noble.parsePublicKey(key)).toBeUndefined()
      expect(bothVerify(key, msg, sigs[0]!)).toBe(false)
      expect(blsVerifyPossession(key, blsProvePossession(sks[0]!))).toBe(false)
      for (const b of [native(), noble]) expect(() => prepareMemberKeys([pks[1]!, key], b)).toThrow(expect.objectContaining({ code: 'BLS_MEMBER_KEYS', index: 1 }))
    })
  }

  for (const [name, sig] of Object.entries(badSigs)) {
    it(`refuse a signature: ${name}`, () => {
      expect(bothVerify(pks[0]!, msg, sig)).toBe(false)
      expect(native().aggregateSignatures([sigs[1]!, sig]) === undefined).toBe(noble.aggregateSignatures([sigs[1]!, sig]) === undefined)
      expect(bothBitmap(pks, signerBitmap([0], 6), msg, sig)).toBe('bad-signature')
      expect(blsVerifyPossession(pks[0]!, sig)).toBe(false)
    })
  }

  it('a second (x + p) encoding of a valid signature or key is refused where the canonical one verifies', () => {
    for (const { canonical, second, publicKey } of [sigPlusP0, sigPlusP1]) {
      expect(bothVerify(publicKey, msg, canonical)).toBe(true)
      expect(bothVerify(publicKey, msg, second)).toBe(false)
      expect(native().aggregateSignatures([second])).toBeUndefined()
      expect(noble.aggregateSignatures([second])).toBeUndefined()
    }
    const sig = secretKeys(64, 99).map((sk) => blsSign(sk, msg)).find((_, i) => hex(blsPublicKey(secretKeys(64, 99)[i]!)) === hex(keyPlusP.canonical))!
    expect(bothVerify(keyPlusP.canonical, msg, sig)).toBe(true)
    expect(bothVerify(keyPlusP.second, msg, sig)).toBe(false)
  })

  it('a signature outside the subgroup is not aggregated by either backend', () => {
    expect(native().aggregateSignatures([sigs[1]!, badSigs['G2 not in the subgroup']])).toBeUndefined()
    expect(noble.aggregateSignatures([sigs[1]!, badSigs['G2 not in the subgroup']])).toBeUndefined()
    expect(native().aggregateSignatures([sigs[1]!, identity(96)])).toBeUndefined()
    expect(noble.aggregateSignatures([])).toBeUndefined()
    expect(native().aggregateSignatures([])).toBeUndefined()
  })

  it('aggregateAndVerify: the same checked sum from both backends, or nothing', () => {
    const b = [native(), noble]
    const keysOf = (backend: BlsBackend, idx: number[]) => idx.map((i) => backend.parsePublicKey(pks[i]!)!)
    const sum = blsAggregateSignatures(sigs.slice(0, 4))!
    for (const backend of b) {
      // Every signer's key: the sum of the signatures, as aggregateSignatures gives it.
      expect(hex(backend.aggregateAndVerify!(keysOf(backend, [0, 1, 2, 3]), msg, sigs.slice(0, 4)))).toBe(hex(sum))
      // A key short, a key too many, another message: nothing.
      expect(backend.aggregateAndVerify!(keysOf(backend, [0, 1, 2]), msg, sigs.slice(0, 4))).toBeUndefined()
      expect(backend.aggregateAndVerify!(keysOf(backend, [0, 1, 2, 3, 4]), msg, sigs.slice(0, 4))).toBeUndefined()
      expect(backend.aggregateAndVerify!(keysOf(backend, [0, 1, 2, 3]), new Uint8Array(3), sigs.slice(0, 4))).toBeUndefined()
      // One signature replaced by an invalid one of each kind: nothing.
      for (const bad of Object.values(badSigs)) expect(backend.aggregateAndVerify!(keysOf(backend, [0, 1]), msg, [sigs[0]!, bad])).toBeUndefined()
      expect(backend.aggregateAndVerify!(keysOf(backend, [0]), msg, [sigs[0]!.subarray(0, 95)])).toBeUndefined()
      expect(backend.aggregateAndVerify!([], msg, [])).toBeUndefined()
      expect(backend.aggregateAndVerify!(keysOf(backend, [0]), msg, [])).toBeUndefined()
    }
  })

  it('aggregateAndVerify checks the subgroup on the sum: parts outside it that cancel give the valid signature of the keys (native), never a part alone', () => {
    // σ1 = s1 + P and σ2 = s2 − P, P on the curve outside the subgroup (−P: the compressed sign bit flipped).
    const lib = createRequire(import.meta.url)('@chainsafe/blst') as { Signature: { fromBytes(b: Uint8Array, v?: boolean): unknown }; aggregateSignatures(p: unknown[], check?: boolean): { toBytes(c: boolean): Uint8Array } }
    const p = g2NotInSubgroup()
    const minusP = Uint8Array.from(p)
    minusP[0]! ^= 0x20
    const part = (s: Uint8Array, q: Uint8Array) => lib.aggregateSignatures([lib.Signature.fromBytes(s, false), lib.Signature.fromBytes(q, false)], false).toBytes(true)
    const parts = [part(sigs[1]!, p), part(sigs[2]!, minusP)]
    for (const [i, s] of parts.entries()) expect(bothVerify(pks[i + 1]!, msg, s)).toBe(false)
    const n = native()
    const keys = [1, 2].map((i) => n.parsePublicKey(pks[i]!)!)
    const got = n.aggregateAndVerify!(keys, msg, parts)
    expect(hex(got)).toBe(hex(blsAggregateSignatures([sigs[1]!, sigs[2]!])))
    expect(n.fastAggregateVerify(keys, msg, got!)).toBe(true)
    // noble decodes a point only with its subgroup check: it refuses the parts themselves.
    expect(noble.aggregateAndVerify!([1, 2].map((i) => noble.parsePublicKey(pks[i]!)!), msg, parts)).toBeUndefined()
    // One such part alone never verifies, with its key or with any other.
    expect(n.aggregateAndVerify!([keys[0]!], msg, [parts[0]!])).toBeUndefined()
  })

  it('keys that cancel (pk and −pk): the identity aggregate key is refused by both, whatever the signature', () => {
    const keys = [pks[0]!, negateG1(pks[0]!)]
    for (const b of [native(), noble]) {
      const parsed = keys.map((k) => b.parsePublicKey(k)!)
      expect(parsed.every((k) => k !== undefined)).toBe(true)
      expect(b.fastAggregateVerify(parsed, msg, sigs[1]!)).toBe(false)
      expect(b.fastAggregateVerify([], msg, sigs[1]!)).toBe(false)
    }
  })

  it('keys do not cross backends', () => {
    const k = native().parsePublicKey(pks[0]!)!
    expect(noble.fastAggregateVerify([k], msg, sigs[0]!)).toBe(false)
    expect(native().fastAggregateVerify([noble.parsePublicKey(pks[0]!)!], msg, sigs[0]!)).toBe(false)
    expect(native().fastAggregateVerify([k], msg, sigs[0]!)).toBe(true)
  })

  it('duplicate keys in a member list are refused (the second occurrence is named)', () => {
    for (const b of [native(), noble]) {
      expect(() => prepareMemberKeys([pks[0]!, pks[1]!, pks[0]!], b)).toThrow(expect.objectContaining({ code: 'BLS_MEMBER_KEYS', index: 2, reason: 'duplicate-key' }))
      expect(() => prepareMemberKeys([], b)).toThrow(expect.objectContaining({ reason: 'empty' }))
    }
  })
})

// Every run does a few curve operations per backend; noble's take tens of ms.
describe('randomised equivalence (fast-check)', () => {
  const seed = fc.uint8Array({ minLength: 32, maxLength: 32 })
  const message = fc.uint8Array({ maxLength: 200 })

  it('same keys, signatures and verdicts on random keys and messages, and on a flipped bit', () => {
    fc.assert(
      fc.property(seed, message, fc.nat(96 * 8 - 1), (s, m, bit) => {
        const sk = blsKeyFromSeed(s)
        const pk = blsPublicKey(sk, native())
        expect(hex(pk)).toBe(hex(blsPublicKey(sk, noble)))
        const sig = blsSign(sk, m, native())
        expect(hex(sig)).toBe(hex(blsSign(sk, m, noble)))
        expect(bothVerify(pk, m, sig)).toBe(true)
        const flipped = Uint8Array.from(sig)
        flipped[bit >> 3]! ^= 1 << (bit & 7)
        expect(bothVerify(pk, m, flipped)).toBe(false)
        const flippedKey = Uint8Array.from(pk)
        flippedKey[(bit >> 3) % 48]! ^= 1 << (bit & 7)
        expect(bothVerify(flippedKey, m, sig)).toBe(false)
      }),
      { numRuns: 12 },
    )
  })

  it('random signer subsets: the same aggregate, accepted by both; a wrong bitmap refused by both', () => {
    const keys = secretKeys(16, 7)
    const publics = keys.map((k) => blsPublicKey(k))
    const signatures = keys.map((k) => blsSign(k, msg))
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(15), { minLength: 1, maxLength: 16 }), fc.nat(15), (subset, other) => {
        const agg = blsAggregateSignatures(subset.map((i) => signatures[i]!), native())!
        expect(hex(agg)).toBe(hex(blsAggregateSignatures(subset.map((i) => signatures[i]!), noble)))
        expect(bothBitmap(publics, signerBitmap(subset, 16), msg, agg)).toEqual([...subset].sort((a, b) => a - b))
        const wrong = subset.includes(other) ? subset.filter((i) => i !== other) : [...subset, other]
        if (wrong.length > 0) expect(bothBitmap(publics, signerBitmap(wrong, 16), msg, agg)).toBe('bad-signature')
      }),
      { numRuns: 10 },
    )
  })

  it('random 48- and 96-byte strings with the compression flag: both backends give the same verdict', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 48, maxLength: 48 }), fc.uint8Array({ minLength: 96, maxLength: 96 }), (k, s) => {
        k[0] = (k[0]! & 0x3f) | 0x80
        s[0] = (s[0]! & 0x3f) | 0x80
        expect(native().parsePublicKey(k) === undefined).toBe(noble.parsePublicKey(k) === undefined)
        expect(bothVerify(k, msg, sigs[0]!)).toBe(false)
        expect(bothVerify(pks[0]!, msg, s)).toBe(false)
      }),
      { numRuns: 40 },
    )
  })
})

describe('member key lists across epochs', () => {
  it('reuse takes the previous list’s parsed keys (same objects), parses only new ones, and still refuses bad and duplicate keys', () => {
    for (const b of [native(), noble]) {
      const first = prepareMemberKeys(pks.slice(0, 4), b)
      const next = prepareMemberKeys([pks[1]!, pks[0]!, pks[4]!], b, { reuse: first })
      expect(next.keys[0]).toBe(first.keys[1])
      expect(next.keys[1]).toBe(first.keys[0])
      expect(next.keys[2]).not.toBe(first.keys[0])
      expect(hex(next.keys[2]!.bytes)).toBe(hex(pks[4]!))
      expect(() => prepareMemberKeys([pks[1]!, pks[1]!], b, { reuse: first })).toThrow(expect.objectContaining({ reason: 'duplicate-key', index: 1 }))
      expect(() => prepareMemberKeys([pks[1]!, identity(48)], b, { reuse: first })).toThrow(expect.objectContaining({ reason: 'invalid-key', index: 1 }))
    }
    // A list from the other backend is not reused (its points are not this backend's).
    const fromNative = prepareMemberKeys(pks.slice(0, 2), native())
    expect(prepareMemberKeys(pks.slice(0, 2), noble, { reuse: fromNative }).keys[0]!.backend).toBe('noble')
  })
})
