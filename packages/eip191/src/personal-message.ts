import { secp256k1 } from '@noble/curves/secp256k1.js'
import { platformBackend } from '#secp256k1-platform'
import type { Secp256k1Backend } from './backend/types.js'
import { addressEquals, addressOfUncompressed, recoverHashAddress, signHash } from './signature.js'

const PREFIX = new TextEncoder().encode('\x19Ethereum Signed Message:\n')
const encoder = new TextEncoder()

/**
 * EIP-191 personal-message hash: keccak-256 of
 * `"\x19Ethereum Signed Message:\n" ‖ decimal(len) ‖ message`.
 *
 * @param backend - whose keccak-256 to use; defaults to the platform's
 *
 * @example
 * ```ts
 * import { hashPersonalMessage } from '@demls/eip191'
 * // keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ message), what personal_sign signs
 * const hash = hashPersonalMessage(new TextEncoder().encode('hello')) // 32 bytes
 * ```
 */
export function hashPersonalMessage(message: Uint8Array, backend: Secp256k1Backend = platformBackend): Uint8Array {
  const len = encoder.encode(String(message.length))
  const buf = new Uint8Array(PREFIX.length + len.length + message.length)
  buf.set(PREFIX, 0)
  buf.set(len, PREFIX.length)
  buf.set(message, PREFIX.length + len.length)
  return backend.keccak256(buf)
}

/**
 * The 20-byte Ethereum address of an uncompressed (65-byte, `04`-prefixed)
 * or compressed (33-byte) secp256k1 public key.
 *
 * @example
 * ```ts
 * import { addressFromPublicKey } from '@demls/eip191'
 * declare const uncompressedKey: Uint8Array // 65 bytes: 04 ‖ x ‖ y
 * const address = addressFromPublicKey(uncompressedKey) // 20 bytes
 * ```
 */
export function addressFromPublicKey(publicKey: Uint8Array): Uint8Array {
  const uncompressed = publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false)
  return addressOfUncompressed(uncompressed)
}

/**
 * The 20-byte Ethereum address of a 32-byte secp256k1 private key.
 *
 * @example
 * ```ts
 * import { ethereumAddress } from '@demls/eip191'
 * const hex = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
 * ethereumAddress(Uint8Array.from(hex.match(/../g)!, (b) => Number.parseInt(b, 16)))
 * // f39fd6e51aad88f6f4ce6ab8827279cfffb92266
 * ```
 */
export function ethereumAddress(privateKey: Uint8Array): Uint8Array {
  return addressOfUncompressed(secp256k1.getPublicKey(privateKey, false))
}

/**
 * Sign `message` as an Ethereum personal message (EIP-191), like alloy's
 * `sign_message` and viem's `signMessage({ message: { raw } })`:
 * deterministic (RFC 6979), low-s, 65 bytes r ‖ s ‖ v with v = 27 or 28.
 *
 * @param backend - defaults to the platform's ({@link signatureBackend})
 *
 * @example
 * ```ts
 * import { signPersonalMessage } from '@demls/eip191'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32))
 * const signature = signPersonalMessage(privateKey, new TextEncoder().encode('hello')) // 65 bytes r ‖ s ‖ v
 * ```
 */
export function signPersonalMessage(
  privateKey: Uint8Array,
  message: Uint8Array,
  backend: Secp256k1Backend = platformBackend,
): Uint8Array {
  return signHash(hashPersonalMessage(message, backend), privateKey, backend)
}

/**
 * Recover the 20-byte signer address of an EIP-191 signature, or `undefined`
 * when the signature is malformed or does not recover. Accepts v ∈ {27, 28,
 * 0, 1} and high-s signatures like alloy (see
 * `parseRecoverableSignature` in `@demls/eip191`).
 *
 * @param backend - defaults to the platform's ({@link signatureBackend})
 *
 * @example
 * ```ts
 * import { ethereumAddress, recoverPersonalMessageAddress, signPersonalMessage } from '@demls/eip191'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32))
 * const message = new TextEncoder().encode('hello')
 * const signer = recoverPersonalMessageAddress(message, signPersonalMessage(privateKey, message))
 * console.log(signer?.length, ethereumAddress(privateKey).length) // 20 20, the same bytes
 * ```
 */
export function recoverPersonalMessageAddress(
  message: Uint8Array,
  signature: Uint8Array,
  backend: Secp256k1Backend = platformBackend,
): Uint8Array | undefined {
  return recoverHashAddress(hashPersonalMessage(message, backend), signature, backend)
}

/**
 * Whether `signature` is an EIP-191 signature of `message` by `address`
 * (exactly 20 bytes). Never throws.
 *
 * @param backend - defaults to the platform's ({@link signatureBackend})
 *
 * @example
 * ```ts
 * import { ethereumAddress, signPersonalMessage, verifyPersonalMessage } from '@demls/eip191'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32))
 * const message = new TextEncoder().encode('hello')
 * const signature = signPersonalMessage(privateKey, message)
 * verifyPersonalMessage(ethereumAddress(privateKey), message, signature) // true
 * ```
 */
export function verifyPersonalMessage(
  address: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  backend: Secp256k1Backend = platformBackend,
): boolean {
  if (address.length !== 20) return false
  const recovered = recoverPersonalMessageAddress(message, signature, backend)
  return recovered !== undefined && addressEquals(recovered, address)
}
