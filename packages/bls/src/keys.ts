import { platformBackend } from '#bls-platform'
import { bls12_381 } from '@noble/curves/bls12-381.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { expand, extract } from '@noble/hashes/hkdf.js'
import type { BlsBackend } from './backend/types.js'
import { nobleG1, nobleG2 } from './backend/noble.js'
import {
  BLS_CURVE_ORDER,
  BLS_POP_DST,
  BLS_PUBLIC_KEY_LENGTH,
  BLS_SECRET_KEY_LENGTH,
  BLS_SIGNATURE_LENGTH,
  secretScalar,
} from './ciphersuite.js'
import { BlsArgumentError } from './errors.js'

const encoder = new TextEncoder()
const KEYGEN_SALT = encoder.encode('BLS-SIG-KEYGEN-SALT-')

/** `key_info` of {@link blsKeyFromMemberKey}: the domain of a demls vote key derived from a member key. */
export const MEMBER_KEY_DERIVATION_INFO = 'demls/bls12-381 vote key/v1'

function checkSecretKey(secretKey: Uint8Array): void {
  if (secretScalar(secretKey) === undefined) {
    throw new BlsArgumentError(`a BLS secret key is a ${BLS_SECRET_KEY_LENGTH}-byte big-endian scalar in [1, r − 1]`)
  }
}

/**
 * IETF BLS signature draft `KeyGen(IKM, key_info)` (the salted HKDF-SHA256
 * loop): a 32-byte big-endian secret scalar in [1, r − 1] from at least 32
 * bytes of secret `seed`. Deterministic; the same result as blst's
 * `SecretKey.fromKeygen` (pinned by a test).
 *
 * @param keyInfo - optional `key_info` (domain separation), default empty
 * @throws {BlsArgumentError} when `seed` is shorter than 32 bytes
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsPublicKey } from '@demls/bls'
 * const secretKey = blsKeyFromSeed(crypto.getRandomValues(new Uint8Array(32)))
 * const publicKey = blsPublicKey(secretKey) // 48 bytes, compressed G1
 * ```
 */
export function blsKeyFromSeed(seed: Uint8Array, keyInfo: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length < 32) throw new BlsArgumentError('a BLS key seed (IKM) is at least 32 bytes')
  const ikm = new Uint8Array(seed.length + 1) // IKM ‖ I2OSP(0, 1)
  ikm.set(seed)
  const info = new Uint8Array(keyInfo.length + 2) // key_info ‖ I2OSP(L, 2), L = 48
  info.set(keyInfo)
  info[keyInfo.length + 1] = 48
  let salt: Uint8Array = KEYGEN_SALT
  for (;;) {
    salt = sha256(salt)
    const okm = expand(sha256, extract(sha256, ikm, salt), info, 48)
    let x = 0n
    for (const b of okm) x = (x << 8n) | BigInt(b)
    x %= BLS_CURVE_ORDER
    if (x !== 0n) {
      const out = new Uint8Array(32)
      for (let i = 31; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn)
      return out
    }
  }
}

/**
 * The member's BLS vote key derived from its existing 32-byte secp256k1
 * secret key, so a member has no new secret to store:
 * `KeyGen(IKM = memberSecretKey, key_info = "demls/bls12-381 vote key/v1")`.
 * HKDF separates the domains: the BLS key reveals nothing of the
 * secp256k1 key, and no other demls key is derived with this `key_info`.
 *
 * @throws {BlsArgumentError} when `memberSecretKey` is not 32 bytes
 * @example
 * ```ts
 * import { blsKeyFromMemberKey, blsPublicKey } from '@demls/bls'
 * const memberSecretKey = crypto.getRandomValues(new Uint8Array(32)) // the member's secp256k1 key
 * const blsSecretKey = blsKeyFromMemberKey(memberSecretKey) // same input → same key, on every device
 * const publicKey = blsPublicKey(blsSecretKey)
 * ```
 */
export function blsKeyFromMemberKey(memberSecretKey: Uint8Array): Uint8Array {
  if (!(memberSecretKey instanceof Uint8Array) || memberSecretKey.length !== 32) {
    throw new BlsArgumentError('a member secret key is 32 bytes')
  }
  return blsKeyFromSeed(memberSecretKey, encoder.encode(MEMBER_KEY_DERIVATION_INFO))
}

/**
 * The 48-byte compressed G1 public key of a BLS secret key.
 *
 * @param backend - defaults to the platform's ({@link blsBackendName})
 * @throws {BlsArgumentError} when `secretKey` is not a scalar in [1, r − 1]
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsPublicKey } from '@demls/bls'
 * blsPublicKey(blsKeyFromSeed(new Uint8Array(32).fill(7))).length // 48
 * ```
 */
export function blsPublicKey(secretKey: Uint8Array, backend: BlsBackend = platformBackend): Uint8Array {
  checkSecretKey(secretKey)
  return backend.publicKey(secretKey)
}

/**
 * Sign `message` (96-byte compressed G2 signature, signature DST of the
 * proof-of-possession ciphersuite). Deterministic.
 *
 * @param backend - defaults to the platform's
 * @throws {BlsArgumentError} when `secretKey` is not a scalar in [1, r − 1] or `message` not a Uint8Array
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsPublicKey, blsSign, blsVerify } from '@demls/bls'
 * const sk = blsKeyFromSeed(crypto.getRandomValues(new Uint8Array(32)))
 * const msg = new TextEncoder().encode('hello')
 * blsVerify(blsPublicKey(sk), msg, blsSign(sk, msg)) // true
 * ```
 */
export function blsSign(secretKey: Uint8Array, message: Uint8Array, backend: BlsBackend = platformBackend): Uint8Array {
  checkSecretKey(secretKey)
  if (!(message instanceof Uint8Array)) throw new BlsArgumentError('a message is a Uint8Array')
  return backend.sign(secretKey, message)
}

/**
 * Whether `signature` is `publicKey`'s signature of `message`. `false` for
 * any malformed, non-subgroup or identity point. Never throws. A key used
 * in an aggregate must first pass {@link blsVerifyPossession}.
 *
 * @param backend - defaults to the platform's
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsPublicKey, blsSign, blsVerify } from '@demls/bls'
 * const sk = blsKeyFromSeed(new Uint8Array(32).fill(1))
 * const sig = blsSign(sk, new Uint8Array([1]))
 * blsVerify(blsPublicKey(sk), new Uint8Array([2]), sig) // false: another message
 * ```
 */
export function blsVerify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  backend: BlsBackend = platformBackend,
): boolean {
  if (!(message instanceof Uint8Array)) return false
  return backend.verify(publicKey, message, signature)
}

/**
 * Aggregate signatures (the sum of the G2 points): 96 bytes, or `undefined`
 * when the list is empty or a signature is malformed, outside the subgroup
 * or the identity. Never throws.
 *
 * @param backend - defaults to the platform's
 * @example
 * ```ts
 * import { blsAggregateSignatures, blsKeyFromSeed, blsSign } from '@demls/bls'
 * const msg = new TextEncoder().encode('same message')
 * const sigs = [1, 2, 3].map((i) => blsSign(blsKeyFromSeed(new Uint8Array(32).fill(i)), msg))
 * const aggregate = blsAggregateSignatures(sigs) // 96 bytes
 * ```
 */
export function blsAggregateSignatures(signatures: readonly Uint8Array[], backend: BlsBackend = platformBackend): Uint8Array | undefined {
  if (!Array.isArray(signatures) || signatures.length === 0) return undefined
  return backend.aggregateSignatures(signatures)
}

const pop = bls12_381.longSignatures

/**
 * The proof of possession of `secretKey` (IETF `PopProve`): the signature
 * of its own compressed public key under the PoP DST
 * (`BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`), 96 bytes. Proves the
 * holder knows the secret of the key, which is what defeats rogue-key
 * attacks on same-message aggregates.
 *
 * `@chainsafe/blst` 2.2.0 only hashes with the signature DST, so proofs of
 * possession are made and checked with `@noble/curves` on every platform
 * (a few ms, once per member key, never per vote).
 *
 * @throws {BlsArgumentError} when `secretKey` is not a scalar in [1, r − 1]
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsProvePossession, blsPublicKey, blsVerifyPossession } from '@demls/bls'
 * const sk = blsKeyFromSeed(crypto.getRandomValues(new Uint8Array(32)))
 * blsVerifyPossession(blsPublicKey(sk), blsProvePossession(sk)) // true
 * ```
 */
export function blsProvePossession(secretKey: Uint8Array): Uint8Array {
  checkSecretKey(secretKey)
  return popSign(secretKey, pop.getPublicKey(secretKey).toBytes(true))
}

/** Sign `message` under the PoP DST (`message` starts with the signer's compressed public key). Internal. */
export function popSign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  checkSecretKey(secretKey)
  return pop.sign(pop.hash(message, BLS_POP_DST), secretKey).toBytes(true)
}

/** Whether `proof` is `publicKey`'s signature of `message` under the PoP DST, with `KeyValidate`. Internal; never throws. */
export function popVerify(publicKey: Uint8Array, message: Uint8Array, proof: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== BLS_PUBLIC_KEY_LENGTH) return false
  if (!(proof instanceof Uint8Array) || proof.length !== BLS_SIGNATURE_LENGTH) return false
  const pk = nobleG1(publicKey)
  const sig = pk === undefined ? undefined : nobleG2(proof)
  if (pk === undefined || sig === undefined) return false
  try {
    return pop.verify(sig, pop.hash(message, BLS_POP_DST), pk)
  } catch {
    return false
  }
}

/**
 * Whether `proof` is a valid proof of possession of `publicKey` (IETF
 * `PopVerify`, with `KeyValidate`: the key must be a compressed G1 point
 * of the subgroup other than the identity). Never throws.
 *
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsProvePossession, blsPublicKey, blsVerifyPossession } from '@demls/bls'
 * const a = blsKeyFromSeed(new Uint8Array(32).fill(1))
 * const b = blsKeyFromSeed(new Uint8Array(32).fill(2))
 * blsVerifyPossession(blsPublicKey(a), blsProvePossession(b)) // false: b's proof does not cover a's key
 * ```
 */
export function blsVerifyPossession(publicKey: Uint8Array, proof: Uint8Array): boolean {
  return popVerify(publicKey, publicKey, proof)
}
