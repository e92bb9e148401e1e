import { platformBackend } from '#secp256k1-platform'
import type { Secp256k1Backend } from './backend/types.js'

/** Length of a recoverable Ethereum signature (r ‖ s ‖ v). */
export const SIGNATURE_LENGTH = 65
/** Length of an Ethereum address. */
export const ADDRESS_LENGTH = 20

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const N_BYTES = scalarBytes(N)
const HALF_N_BYTES = scalarBytes(N >> 1n)

function scalarBytes(x: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 31; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn)
  return out
}

/** -1, 0, 1 as a (32 bytes, big-endian) is below, equal to, above b. */
function compare32(a: Uint8Array, aOffset: number, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = (a[aOffset + i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

function isZero32(a: Uint8Array, offset: number): boolean {
  let acc = 0
  for (let i = 0; i < 32; i++) acc |= a[offset + i] ?? 0
  return acc === 0
}

/**
 * Parse a 65-byte r ‖ s ‖ v signature into the form every backend receives,
 * with alloy's acceptance rule (`alloy-primitives` `Signature::from_raw` then
 * `recover_from_prehash`):
 * - v ∈ {27, 28} or {0, 1} (y parity); anything else is rejected (alloy would
 *   also read v ≥ 35 as EIP-155, demls does not);
 * - r and s must be scalars in [1, n − 1] (k256 `Signature::from_scalars`);
 * - a high s (s > n/2) is accepted and normalised to n − s with the parity
 *   flipped (alloy's `normalized_s`), so it recovers the same key as its
 *   low-s twin.
 * Returns `undefined` when rejected.
 *
 * @example
 * ```ts
 * import { parseRecoverableSignature, signPersonalMessage } from '@demls/eip191'
 * const signature = signPersonalMessage(crypto.getRandomValues(new Uint8Array(32)), new Uint8Array([1]))
 * const parsed = parseRecoverableSignature(signature) // { compact: 64 bytes, recovery: 0 | 1 }
 * parseRecoverableSignature(new Uint8Array(10)) // undefined: not 65 bytes
 * ```
 */
export function parseRecoverableSignature(signature: Uint8Array): { compact: Uint8Array; recovery: 0 | 1 } | undefined {
  if (signature.length !== SIGNATURE_LENGTH) return undefined
  const v = signature[64]!
  let recovery: 0 | 1
  if (v === 27 || v === 0) recovery = 0
  else if (v === 28 || v === 1) recovery = 1
  else return undefined
  if (isZero32(signature, 0) || isZero32(signature, 32)) return undefined
  if (compare32(signature, 0, N_BYTES) >= 0 || compare32(signature, 32, N_BYTES) >= 0) return undefined
  if (compare32(signature, 32, HALF_N_BYTES) <= 0) return { compact: signature.subarray(0, 64), recovery }
  const compact = signature.slice(0, 64)
  let s = 0n
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(compact[i]!)
  compact.set(scalarBytes(N - s), 32)
  return { compact, recovery: recovery === 0 ? 1 : 0 }
}

/**
 * Ethereum address of a 65-byte uncompressed public key: the last 20 bytes
 * of keccak-256(x ‖ y).
 *
 * @param backend - whose keccak-256 to use; defaults to the platform's
 *
 * @example
 * ```ts
 * import { addressOfUncompressed } from '@demls/eip191'
 * declare const publicKey: Uint8Array // 65-byte uncompressed secp256k1 key
 * const address = addressOfUncompressed(publicKey) // last 20 bytes of keccak256(x ‖ y)
 * ```
 */
export function addressOfUncompressed(publicKey: Uint8Array, backend: Secp256k1Backend = platformBackend): Uint8Array {
  return backend.keccak256(publicKey.subarray(1)).slice(12)
}

/**
 * Recover the 20-byte address that signed the 32-byte `hash` (already
 * prefixed and hashed, e.g. by {@link hashPersonalMessage}), or `undefined`
 * when the signature is malformed (see {@link parseRecoverableSignature}) or
 * does not recover. Never throws.
 *
 * @param backend - defaults to the platform's ({@link signatureBackend})
 *
 * @example
 * ```ts
 * import { hashPersonalMessage, recoverHashAddress, signHash } from '@demls/eip191'
 * const hash = hashPersonalMessage(new TextEncoder().encode('hello'))
 * const signature = signHash(hash, crypto.getRandomValues(new Uint8Array(32)))
 * const address = recoverHashAddress(hash, signature) // the signer's 20-byte address
 * ```
 */
export function recoverHashAddress(
  hash: Uint8Array,
  signature: Uint8Array,
  backend: Secp256k1Backend = platformBackend,
): Uint8Array | undefined {
  if (hash.length !== 32) return undefined
  const parsed = parseRecoverableSignature(signature)
  if (parsed === undefined) return undefined
  const publicKey = backend.recoverPublicKey(hash, parsed.compact, parsed.recovery)
  return publicKey === undefined ? undefined : addressOfUncompressed(publicKey, backend)
}

/**
 * Sign a 32-byte `hash`: deterministic (RFC 6979), low-s, 65 bytes
 * r ‖ s ‖ v with v = 27 or 28 (what alloy's and viem's signers emit).
 *
 * @param backend - defaults to the platform's ({@link signatureBackend})
 *
 * @example
 * ```ts
 * import { hashPersonalMessage, signHash } from '@demls/eip191'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32))
 * const signature = signHash(hashPersonalMessage(new TextEncoder().encode('hi')), privateKey) // 65 bytes
 * ```
 */
export function signHash(
  hash: Uint8Array,
  privateKey: Uint8Array,
  backend: Secp256k1Backend = platformBackend,
): Uint8Array {
  const { compact, recovery } = backend.sign(hash, privateKey)
  const out = new Uint8Array(SIGNATURE_LENGTH)
  out.set(compact, 0)
  out[64] = 27 + recovery
  return out
}

/**
 * Constant-time equality of two 20-byte addresses; `false` when `a` is not 20 bytes.
 *
 * @example
 * ```ts
 * import { addressEquals, ethereumAddress } from '@demls/eip191'
 * const key = crypto.getRandomValues(new Uint8Array(32))
 * addressEquals(ethereumAddress(key), ethereumAddress(key)) // true
 * ```
 */
export function addressEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== ADDRESS_LENGTH || b.length !== ADDRESS_LENGTH) return false
  let diff = 0
  for (let i = 0; i < ADDRESS_LENGTH; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
