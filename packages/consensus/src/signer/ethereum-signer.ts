import {
  type Secp256k1Backend,
  addressEquals,
  defaultSecp256k1Backend,
  ethereumAddress,
  hashPersonalMessage,
  recoverHashAddress,
  signPersonalMessage,
} from '@demls/eip191'
import { toHex } from '@demls/wire'
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
  /** Signers recovered from (message hash, signature), least recently used first; `null` = does not recover. */
  readonly #recovered = new Map<string, Uint8Array | null>()
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
    if (identity.length !== 20) return false
    const recovered = this.#recover(hashPersonalMessage(payload, this.#backend), signature)
    return recovered !== null && addressEquals(recovered, identity)
  }

  #recover(hash: Uint8Array, signature: Uint8Array): Uint8Array | null {
    if (this.#recoveryCacheSize === 0) return recoverHashAddress(hash, signature, this.#backend) ?? null
    const key = toHex(hash) + toHex(signature)
    const cache = this.#recovered
    const kept = cache.get(key)
    if (kept !== undefined) {
      cache.delete(key)
      cache.set(key, kept)
      return kept
    }
    const recovered = recoverHashAddress(hash, signature, this.#backend) ?? null
    cache.set(key, recovered)
    if (cache.size > this.#recoveryCacheSize) cache.delete(cache.keys().next().value as string)
    return recovered
  }
}
