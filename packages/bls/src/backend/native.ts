/// <reference types="node" />
// Node-only: reached through the `#bls-platform` import condition "node",
// so browser bundles never see `node:module` or the native addon.
import { createRequire } from 'node:module'
import { BLS_PUBLIC_KEY_LENGTH, BLS_SIGNATURE_LENGTH, compressedShape } from '../ciphersuite.js'
import type { BlsBackend, BlsParsedKey } from './types.js'

/** The subset of `@chainsafe/blst`'s API used here (its own types are not imported, so it stays optional). */
interface Blst {
  SecretKey: { fromBytes(bytes: Uint8Array): { toPublicKey(): BlstPoint; sign(msg: Uint8Array): BlstPoint } }
  PublicKey: { fromBytes(bytes: Uint8Array, validate?: boolean): BlstPoint }
  Signature: { fromBytes(bytes: Uint8Array, validate?: boolean, infcheck?: boolean): BlstPoint }
  aggregatePublicKeys(pks: unknown[], validate?: boolean): BlstPoint
  aggregateSignatures(sigs: unknown[], groupcheck?: boolean): BlstPoint
  verify(msg: Uint8Array, pk: unknown, sig: unknown, pkValidate?: boolean, sigGroupcheck?: boolean): boolean
  verifyMultipleAggregateSignatures(sets: { msg: Uint8Array; pk: unknown; sig: unknown }[], pksValidate?: boolean, sigsGroupcheck?: boolean): boolean
}
interface BlstPoint {
  toBytes(compress?: boolean): Uint8Array
}

const require = createRequire(import.meta.url)

const KNOWN_ANSWER =
  '9631bbf36d478a481139df83584381f3ddc4ba4e8c458c659918344d4d854fcfcd0e4b0949772f32cb8fa4bf140574ee04c462099e490d9189fe0f7d64b3eff8defc393f4769f6946353da97b771b8d237054b285dbeb0cd1ce6f08203a70f9b'

function hex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s
}

/**
 * The backend on blst through `@chainsafe/blst`'s prebuilt binary, or the
 * reason it cannot load. Its signing DST is fixed to
 * `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`, which is this package's
 * ciphersuite (a known-answer check at load pins it).
 */
export function loadNativeBlsBackend(): BlsBackend | Error {
  let lib: Blst
  try {
    lib = require('@chainsafe/blst') as Blst
  } catch (cause) {
    return cause instanceof Error ? cause : new Error(String(cause))
  }
  const g2 = (bytes: Uint8Array): BlstPoint | undefined => {
    if (!compressedShape(bytes, BLS_SIGNATURE_LENGTH)) return undefined
    try {
      return lib.Signature.fromBytes(bytes, true, true)
    } catch {
      return undefined
    }
  }
  const parse = (bytes: Uint8Array): BlsParsedKey | undefined => {
    if (!compressedShape(bytes, BLS_PUBLIC_KEY_LENGTH)) return undefined
    try {
      return { backend: 'native', bytes: Uint8Array.from(bytes), point: lib.PublicKey.fromBytes(bytes, true) }
    } catch {
      return undefined
    }
  }
  const verifyPoint = (pk: unknown, message: Uint8Array, sig: BlstPoint): boolean => {
    try {
      return lib.verify(message, pk, sig, false, false)
    } catch {
      return false
    }
  }
  const fastAggregateVerify = (keys: readonly BlsParsedKey[], message: Uint8Array, signature: Uint8Array): boolean => {
    if (keys.length === 0 || keys.some((k) => k.backend !== 'native')) return false
    const sig = g2(signature)
    if (sig === undefined) return false
    let sum: BlstPoint
    try {
      sum = lib.aggregatePublicKeys(keys.map((k) => k.point), false)
    } catch {
      return false
    }
    // The identity sum (keys that cancel) is refused, as noble does.
    if ((sum.toBytes(true)[0]! & 0x40) !== 0) return false
    return verifyPoint(sum, message, sig)
  }
  const verifyParsedBatch = (sets: readonly { key: BlsParsedKey; message: Uint8Array; signature: Uint8Array }[]): boolean => {
    if (sets.length === 0) return false
    const parsed: { msg: Uint8Array; pk: BlstPoint; sig: BlstPoint }[] = []
    for (const s of sets) {
      if (s.key.backend !== 'native' || !(s.message instanceof Uint8Array)) return false
      const sig = g2(s.signature)
      if (sig === undefined) return false
      parsed.push({ msg: s.message, pk: s.key.point as BlstPoint, sig })
    }
    try {
      // blst weights each set by a random 64-bit scalar; keys and signatures were validated when parsed.
      return lib.verifyMultipleAggregateSignatures(parsed, false, false)
    } catch {
      return false
    }
  }
  // Known answer: secret key 1 signs "demls bls ciphersuite check" to this
  // (computed with @noble/curves under BLS_SIGNATURE_DST). A binary with
  // another DST would fail it, and is not used.
  try {
    const one = new Uint8Array(32)
    one[31] = 1
    const sig = lib.SecretKey.fromBytes(one).sign(new TextEncoder().encode('demls bls ciphersuite check')).toBytes(true)
    if (hex(sig) !== KNOWN_ANSWER) return new Error('@chainsafe/blst signs with another ciphersuite than BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_')
  } catch (cause) {
    return cause instanceof Error ? cause : new Error(String(cause))
  }
  return {
    name: 'native',
    publicKey(secretKey) {
      return lib.SecretKey.fromBytes(secretKey).toPublicKey().toBytes(true)
    },
    sign(secretKey, message) {
      return lib.SecretKey.fromBytes(secretKey).sign(message).toBytes(true)
    },
    verify(publicKey, message, signature) {
      const pk = parse(publicKey)
      const sig = pk === undefined ? undefined : g2(signature)
      return pk !== undefined && sig !== undefined && verifyPoint(pk.point, message, sig)
    },
    parsePublicKey: parse,
    fastAggregateVerify,
    verifyBatch(sets) {
      const keyed: { key: BlsParsedKey; message: Uint8Array; signature: Uint8Array }[] = []
      for (const s of sets) {
        const key = parse(s.publicKey)
        if (key === undefined) return false
        keyed.push({ key, message: s.message, signature: s.signature })
      }
      return verifyParsedBatch(keyed)
    },
    verifyParsedBatch,
    aggregateAndVerify(keys, message, signatures) {
      if (keys.length === 0 || signatures.length === 0) return undefined
      // Decompressed only (on the curve, not yet in the subgroup): the sum's subgroup check, in fastAggregateVerify, is the one the pairing needs.
      const points: BlstPoint[] = []
      for (const s of signatures) {
        if (!compressedShape(s, BLS_SIGNATURE_LENGTH)) return undefined
        try {
          points.push(lib.Signature.fromBytes(s, false, false))
        } catch {
          return undefined
        }
      }
      let sum: Uint8Array
      try {
        sum = lib.aggregateSignatures(points, false).toBytes(true)
      } catch {
        return undefined
      }
      return fastAggregateVerify(keys, message, sum) ? sum : undefined
    },
    aggregateSignatures(signatures) {
      if (signatures.length === 0) return undefined
      const points: BlstPoint[] = []
      for (const s of signatures) {
        const p = g2(s)
        if (p === undefined) return undefined
        points.push(p)
      }
      try {
        return lib.aggregateSignatures(points, false).toBytes(true)
      } catch {
        return undefined
      }
    },
  }
}
