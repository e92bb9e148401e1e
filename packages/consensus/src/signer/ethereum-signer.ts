import {
  SIGNATURE_LENGTH,
  type Secp256k1Backend,
  addressEquals,
  defaultSecp256k1Backend,
  ethereumAddress,
  hashPersonalMessage,
  recoverHashAddress,
  signPersonalMessage,
} from '@demls/eip191'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { InvalidConsensusArgumentError } from '../errors.js'
import type { ConsensusSigner } from '../types.js'

/** Recovered signers an {@link EthereumSigner} keeps by default. */
export const DEFAULT_RECOVERY_CACHE_SIZE = 8192

/**
 * The default {@link ConsensusSigner}: Ethereum personal-message signing
 * (EIP-191, keccak-256, secp256k1) with identity = the 20-byte address, as
 * the crate's `EthereumConsensusSigner` (alloy `PrivateKeySigner`).
 *
 * @example
 * ```ts
 * import { EthereumSigner } from '@demls/consensus'
 * const signer = new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))
 * const payload = new TextEncoder().encode('hello')
 * const sig = signer.sign(payload)
 * signer.verify(signer.identity, payload, sig) // true
 * ```
 */
export class EthereumSigner implements ConsensusSigner {
  /** The 20-byte Ethereum address. */
  readonly identity: Uint8Array
  readonly #privateKey: Uint8Array
  readonly #backend: Secp256k1Backend
  /**
   * Signers recovered from (message hash, signature), least recently used
   * first; `null` = does not recover. Key and address are kept as one-byte
   * strings (a char per byte): about 170 bytes an entry, where hex keys and
   * `Uint8Array` addresses took several times that (a full cache is 8192
   * entries per member).
   */
  readonly #recovered = new Map<string, string | null>()
  readonly #recoveryCacheSize: number

  /**
   * @param privateKey - 32-byte secp256k1 private key
   * @param options.backend - the secp256k1 implementation; defaults to the
   *   platform's (native libsecp256k1 in Node when it loads, else noble; see
   *   `signatureBackend()`). Results are identical either way.
   * @param options.recoveryCacheSize - how many recovered signers
   *   {@link EthereumSigner.verify} keeps (least recently used evicted), so
   *   the same signature met again (a vote in a certificate, a replayed
   *   certificate, an attestation judged twice) costs a keccak, not a
   *   secp256k1 recovery. Recovery is a pure function of the message hash
   *   and the signature, so the cache holds no trust. 0 turns it off.
   *   @default 8192
   */
  constructor(privateKey: Uint8Array, options: { backend?: Secp256k1Backend; recoveryCacheSize?: number } = {}) {
    if (!secp256k1.utils.isValidSecretKey(privateKey)) {
      throw new InvalidConsensusArgumentError('not a valid 32-byte secp256k1 private key')
    }
    const size = options.recoveryCacheSize ?? DEFAULT_RECOVERY_CACHE_SIZE
    if (!Number.isInteger(size) || size < 0) throw new InvalidConsensusArgumentError(`recoveryCacheSize must be an integer ≥ 0, got ${size}`)
    this.#privateKey = Uint8Array.from(privateKey)
    this.#backend = options.backend ?? defaultSecp256k1Backend()
    this.#recoveryCacheSize = size
    this.identity = ethereumAddress(this.#privateKey)
  }

  /** 65-byte r ‖ s ‖ v (v = 27/28) signature of `payload` as a personal message. */
  sign(payload: Uint8Array): Uint8Array {
    return signPersonalMessage(this.#privateKey, payload, this.#backend)
  }

  /**
   * Recover the signer of `signature` and compare it with `identity` (must
   * be 20 bytes). Never throws. A signature met before is not recovered
   * again (see `recoveryCacheSize`).
   */
  verify(identity: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean {
    // Only a 65-byte signature can recover: any other length is refused before the cache, which
    // therefore holds entries of one size (a cache key is 97 bytes, whatever a peer sends).
    if (identity.length !== 20 || signature.length !== SIGNATURE_LENGTH) return false
    const hash = hashPersonalMessage(payload, this.#backend)
    if (this.#recoveryCacheSize === 0) {
      const recovered = recoverHashAddress(hash, signature, this.#backend)
      return recovered !== undefined && addressEquals(recovered, identity)
    }
    const recovered = this.#recoverCached(hash, signature)
    return recovered !== null && sameChars(recovered, identity)
  }

  #recoverCached(hash: Uint8Array, signature: Uint8Array): string | null {
    // hash (32 bytes) ‖ signature (65 bytes), as one flat string.
    const both = new Uint8Array(hash.length + signature.length)
    both.set(hash)
    both.set(signature, hash.length)
    const key = charString(both)
    const cache = this.#recovered
    const kept = cache.get(key)
    if (kept !== undefined) {
      cache.delete(key)
      cache.set(key, kept)
      return kept
    }
    const address = recoverHashAddress(hash, signature, this.#backend)
    const recovered = address === undefined ? null : charString(address)
    cache.set(key, recovered)
    if (cache.size > this.#recoveryCacheSize) cache.delete(cache.keys().next().value as string)
    return recovered
  }
}

/** One char per byte (a one-byte string, flat: built in one call, not by concatenation). */
function charString(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[])
}

/** Whether `chars` (from {@link charString}) holds exactly `bytes`. */
function sameChars(chars: string, bytes: Uint8Array): boolean {
  if (chars.length !== bytes.length) return false
  for (let i = 0; i < bytes.length; i++) if (chars.charCodeAt(i) !== bytes[i]) return false
  return true
}
