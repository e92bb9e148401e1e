import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'

const PREFIX = new TextEncoder().encode('\x19Ethereum Signed Message:\n')
const encoder = new TextEncoder()

/** Length of a recoverable Ethereum signature (r ‖ s ‖ v). */
export const SIGNATURE_LENGTH = 65
/** Length of an Ethereum address. */
export const ADDRESS_LENGTH = 20

/**
 * EIP-191 personal-message hash: keccak-256 of
 * `"\x19Ethereum Signed Message:\n" ‖ decimal(len) ‖ message`.
 */
export function hashPersonalMessage(message: Uint8Array): Uint8Array {
  const len = encoder.encode(String(message.length))
  const buf = new Uint8Array(PREFIX.length + len.length + message.length)
  buf.set(PREFIX, 0)
  buf.set(len, PREFIX.length)
  buf.set(message, PREFIX.length + len.length)
  return keccak_256(buf)
}

/**
 * The 20-byte Ethereum address of an uncompressed (65-byte, `04`-prefixed)
 * or compressed (33-byte) secp256k1 public key.
 */
export function addressFromPublicKey(publicKey: Uint8Array): Uint8Array {
  const uncompressed =
    publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false)
  return keccak_256(uncompressed.subarray(1)).slice(12)
}

/**
 * The 20-byte Ethereum address of a 32-byte secp256k1 private key — the
 * demls member id.
 *
 * @example
 * ```ts
 * import { hexToBytes } from '@noble/hashes/utils.js'
 * ethereumAddress(hexToBytes('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'))
 * // f39fd6e51aad88f6f4ce6ab8827279cfffb92266
 * ```
 */
export function ethereumAddress(privateKey: Uint8Array): Uint8Array {
  return addressFromPublicKey(secp256k1.getPublicKey(privateKey, false))
}

/**
 * Sign `message` as an Ethereum personal message (EIP-191), like alloy's
 * `sign_message` and viem's `signMessage({ message: { raw } })`:
 * deterministic (RFC 6979), low-s, 65 bytes r ‖ s ‖ v with v = 27 or 28.
 */
export function signPersonalMessage(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  const rec = secp256k1.sign(hashPersonalMessage(message), privateKey, { prehash: false, format: 'recovered' })
  const out = new Uint8Array(SIGNATURE_LENGTH)
  out.set(rec.subarray(1, 65), 0)
  out[64] = 27 + (rec[0] ?? 0)
  return out
}

/**
 * Recover the 20-byte signer address of an EIP-191 signature, or `undefined`
 * when the signature is malformed or does not recover.
 *
 * Accepts v ∈ {27, 28, 0, 1}. Like alloy (which normalises s before
 * recovery), a high-s signature is accepted and recovers the same address as
 * its low-s twin; alloy also accepts EIP-155 v values (≥ 35), which demls
 * rejects.
 */
export function recoverPersonalMessageAddress(message: Uint8Array, signature: Uint8Array): Uint8Array | undefined {
  if (signature.length !== SIGNATURE_LENGTH) return undefined
  const v = signature[64] ?? 255
  const recovery = v === 27 || v === 28 ? v - 27 : v === 0 || v === 1 ? v : -1
  if (recovery < 0) return undefined
  try {
    const sig = secp256k1.Signature.fromBytes(signature.subarray(0, 64), 'compact').addRecoveryBit(recovery)
    const point = sig.recoverPublicKey(hashPersonalMessage(message))
    return keccak_256(point.toBytes(false).subarray(1)).slice(12)
  } catch {
    return undefined
  }
}

/**
 * Whether `signature` is an EIP-191 signature of `message` by `address`
 * (exactly 20 bytes). Never throws.
 */
export function verifyPersonalMessage(address: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (address.length !== ADDRESS_LENGTH) return false
  const recovered = recoverPersonalMessageAddress(message, signature)
  if (recovered === undefined) return false
  let diff = 0
  for (let i = 0; i < ADDRESS_LENGTH; i++) diff |= (recovered[i] ?? 0) ^ (address[i] ?? 0)
  return diff === 0
}
