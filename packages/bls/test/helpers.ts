import { bls12_381 } from '@noble/curves/bls12-381.js'
import { type BlsBackend, BLS_FIELD_MODULUS, blsKeyFromSeed, nativeBlsBackend, nobleBlsBackend } from '../src/index.js'

/** The native backend; these tests run where @chainsafe/blst has a prebuilt binary (linux-x64 CI), and fail otherwise. */
export function native(): BlsBackend {
  const b = nativeBlsBackend()
  if (b === undefined) throw new Error('native BLS backend did not load')
  return b
}

export const noble = nobleBlsBackend

/** Deterministic secret keys 1..n. */
export function secretKeys(n: number, salt = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const seed = new Uint8Array(32)
    new DataView(seed.buffer).setUint32(0, i + 1)
    new DataView(seed.buffer).setUint32(4, salt)
    return blsKeyFromSeed(seed)
  })
}

export function be48(x: bigint): Uint8Array {
  const out = new Uint8Array(48)
  for (let i = 47; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn)
  return out
}

const { Fp, Fp2 } = bls12_381.fields
const P = BLS_FIELD_MODULUS

/** A compressed G1 point on the curve but outside the prime-order subgroup. */
export function g1NotInSubgroup(): Uint8Array {
  for (let x = 1n; ; x++) {
    let y: bigint
    try {
      y = Fp.sqrt(Fp.add(Fp.pow(x, 3n), 4n))
    } catch {
      continue
    }
    const point = bls12_381.G1.Point.fromAffine({ x, y })
    if (!isTorsionFreeG1(point)) {
      const bytes = be48(x)
      bytes[0]! |= 0x80
      return bytes
    }
  }
}

function isTorsionFreeG1(point: InstanceType<typeof bls12_381.G1.Point>): boolean {
  try {
    point.assertValidity()
    return true
  } catch {
    return false
  }
}

/** A compressed G1 encoding whose x has no square root of x³ + 4 (not on the curve). */
export function g1NotOnCurve(): Uint8Array {
  for (let x = 1n; ; x++) {
    try {
      Fp.sqrt(Fp.add(Fp.pow(x, 3n), 4n))
    } catch {
      const bytes = be48(x)
      bytes[0]! |= 0x80
      return bytes
    }
  }
}

/** A compressed G2 point on the twist but outside the prime-order subgroup. */
export function g2NotInSubgroup(): Uint8Array {
  const b = Fp2.fromBigTuple([4n, 4n])
  for (let i = 1n; ; i++) {
    const x = Fp2.fromBigTuple([i, 1n])
    let y: ReturnType<typeof Fp2.sqrt>
    try {
      y = Fp2.sqrt(Fp2.add(Fp2.pow(x, 3n), b))
    } catch {
      continue
    }
    if (y === undefined) continue
    const point = bls12_381.G2.Point.fromAffine({ x, y })
    try {
      point.assertValidity()
      continue
    } catch {}
    const out = new Uint8Array(96)
    out.set(be48(1n), 0) // x.c1
    out.set(be48(i), 48) // x.c0
    out[0]! |= 0x80
    return out
  }
}

/** `bytes` with the x-coordinate (G1, or G2's c1 / c0 half) replaced by x + p: the same point, non-canonically. */
export function plusP(bytes: Uint8Array, half: 0 | 1 = 0): Uint8Array | undefined {
  const o = half * 48
  let x = 0n
  for (let i = 0; i < 48; i++) x = (x << 8n) | BigInt(i === 0 && o === 0 ? bytes[o]! & 0x1f : bytes[o + i]!)
  const y = x + P
  if (y >= 1n << 381n) return undefined
  const out = Uint8Array.from(bytes)
  out.set(be48(y), o)
  if (o === 0) out[0]! |= bytes[0]! & 0xe0
  return out
}

/** The compressed identity of G1 (48) or G2 (96). */
export function identity(length: 48 | 96): Uint8Array {
  const out = new Uint8Array(length)
  out[0] = 0xc0
  return out
}

/** The negation of a compressed G1 point. */
export function negateG1(bytes: Uint8Array): Uint8Array {
  return bls12_381.G1.Point.fromBytes(bytes).negate().toBytes(true)
}

/** a − b of compressed G1 points (a rogue key). */
export function subG1(a: Uint8Array, b: Uint8Array): Uint8Array {
  return bls12_381.G1.Point.fromBytes(a).subtract(bls12_381.G1.Point.fromBytes(b)).toBytes(true)
}
