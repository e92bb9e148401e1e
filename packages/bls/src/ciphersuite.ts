/** Length of a BLS secret key: a 32-byte big-endian scalar in [1, r − 1]. */
export const BLS_SECRET_KEY_LENGTH = 32
/** Length of a compressed G1 public key (min-pk). */
export const BLS_PUBLIC_KEY_LENGTH = 48
/** Length of a compressed G2 signature (min-pk). */
export const BLS_SIGNATURE_LENGTH = 96

/**
 * Domain separation tag of signatures (IETF BLS signature draft,
 * proof-of-possession scheme, min-pk: `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`).
 */
export const BLS_SIGNATURE_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_'
/** Domain separation tag of proofs of possession (`BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`). */
export const BLS_POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_'

/** The subgroup order r of BLS12-381. */
export const BLS_CURVE_ORDER = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n

/** The base field modulus p of BLS12-381. */
export const BLS_FIELD_MODULUS =
  0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn

/** The 48-byte big-endian integer at `offset`, with the three flag bits of its first byte cleared when `flags`. */
function fieldAt(bytes: Uint8Array, offset: number, flags: boolean): bigint {
  let x = 0n
  for (let i = 0; i < 48; i++) x = (x << 8n) | BigInt(i === 0 && flags ? bytes[offset]! & 0x1f : bytes[offset + i]!)
  return x
}

/**
 * Whether `bytes` has the shape of a canonical compressed, non-identity
 * point of `length` bytes (48 for G1, 96 for G2): the compression flag
 * (0x80 of the first byte) set, the infinity flag (0x40) clear, and every
 * coordinate below p. The backends then decode and subgroup-check it.
 * (`@noble/curves` alone would reduce an x ≥ p modulo p and accept a
 * second encoding of the same point; blst refuses it. Checking here keeps
 * one encoding per point on both.)
 */
export function compressedShape(bytes: Uint8Array, length: number): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length || (bytes[0]! & 0xc0) !== 0x80) return false
  for (let o = 0; o < length; o += 48) if (fieldAt(bytes, o, o === 0) >= BLS_FIELD_MODULUS) return false
  return true
}

/** The scalar of a 32-byte big-endian secret key, or `undefined` when not in [1, r − 1]. */
export function secretScalar(secretKey: Uint8Array): bigint | undefined {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== BLS_SECRET_KEY_LENGTH) return undefined
  let x = 0n
  for (const b of secretKey) x = (x << 8n) | BigInt(b)
  return x > 0n && x < BLS_CURVE_ORDER ? x : undefined
}
