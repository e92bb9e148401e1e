import { bls12_381 } from '@noble/curves/bls12-381.js'
import { BLS_PUBLIC_KEY_LENGTH, BLS_SIGNATURE_DST, BLS_SIGNATURE_LENGTH, compressedShape } from '../ciphersuite.js'
import type { BlsBackend, BlsParsedKey } from './types.js'

const sigs = bls12_381.longSignatures
type G1 = ReturnType<typeof sigs.getPublicKey>
type G2 = ReturnType<typeof sigs.hash>

/** A compressed non-identity G1 point of the subgroup, or `undefined`. */
export function nobleG1(bytes: Uint8Array): G1 | undefined {
  if (!compressedShape(bytes, BLS_PUBLIC_KEY_LENGTH)) return undefined
  try {
    const p = bls12_381.G1.Point.fromBytes(bytes)
    p.assertValidity()
    return p.is0() ? undefined : p
  } catch {
    return undefined
  }
}

/** A compressed non-identity G2 point of the subgroup, or `undefined`. */
export function nobleG2(bytes: Uint8Array): G2 | undefined {
  if (!compressedShape(bytes, BLS_SIGNATURE_LENGTH)) return undefined
  try {
    const p = bls12_381.G2.Point.fromBytes(bytes)
    p.assertValidity()
    return p.is0() ? undefined : p
  } catch {
    return undefined
  }
}

/** e(pk, H) = e(G1, sig) on points already validated. */
function pairingHolds(publicKey: G1, hashed: G2, signature: G2): boolean {
  try {
    return sigs.verify(signature, hashed, publicKey)
  } catch {
    return false
  }
}

/** The pure-JavaScript backend on `@noble/curves` (browsers, and Node when the native binary is missing). */
export const nobleBlsBackend: BlsBackend = {
  name: 'noble',
  publicKey(secretKey) {
    return sigs.getPublicKey(secretKey).toBytes(true)
  },
  sign(secretKey, message) {
    return sigs.sign(sigs.hash(message, BLS_SIGNATURE_DST), secretKey).toBytes(true)
  },
  verify(publicKey, message, signature) {
    const pk = nobleG1(publicKey)
    const sig = pk === undefined ? undefined : nobleG2(signature)
    if (pk === undefined || sig === undefined) return false
    return pairingHolds(pk, sigs.hash(message, BLS_SIGNATURE_DST), sig)
  },
  parsePublicKey(publicKey): BlsParsedKey | undefined {
    const point = nobleG1(publicKey)
    return point === undefined ? undefined : { backend: 'noble', bytes: Uint8Array.from(publicKey), point }
  },
  fastAggregateVerify(keys, message, signature) {
    if (keys.length === 0 || keys.some((k) => k.backend !== 'noble')) return false
    const sig = nobleG2(signature)
    if (sig === undefined) return false
    let sum = keys[0]!.point as G1
    for (let i = 1; i < keys.length; i++) sum = sum.add(keys[i]!.point as G1)
    if (sum.is0()) return false
    return pairingHolds(sum, sigs.hash(message, BLS_SIGNATURE_DST), sig)
  },
  aggregateAndVerify(keys, message, signatures) {
    // @noble/curves decodes a point only with its subgroup check: two steps, as a backend without the method.
    const sum = nobleBlsBackend.aggregateSignatures(signatures)
    return sum !== undefined && nobleBlsBackend.fastAggregateVerify(keys, message, sum) ? sum : undefined
  },
  aggregateSignatures(signatures) {
    if (signatures.length === 0) return undefined
    let sum: G2 | undefined
    for (const s of signatures) {
      const p = nobleG2(s)
      if (p === undefined) return undefined
      sum = sum === undefined ? p : sum.add(p)
    }
    return sum!.toBytes(true)
  },
}
