import {
  type Secp256k1Backend,
  defaultSecp256k1Backend,
  ethereumAddress,
  signPersonalMessage,
  verifyPersonalMessage,
} from '@demls/eip191'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { InvalidConsensusArgumentError } from '../errors.js'
import type { ConsensusSigner } from '../types.js'

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
   * @param privateKey - 32-byte secp256k1 private key
   * @param options.backend - the secp256k1 implementation; defaults to the
   *   platform's (native libsecp256k1 in Node when it loads, else noble; see
   *   `signatureBackend()`). Results are identical either way.
   */
  constructor(privateKey: Uint8Array, options: { backend?: Secp256k1Backend } = {}) {
    if (!secp256k1.utils.isValidSecretKey(privateKey)) {
      throw new InvalidConsensusArgumentError('not a valid 32-byte secp256k1 private key')
    }
    this.#privateKey = Uint8Array.from(privateKey)
    this.#backend = options.backend ?? defaultSecp256k1Backend()
    this.identity = ethereumAddress(this.#privateKey)
  }

  /** 65-byte r ‖ s ‖ v (v = 27/28) signature of `payload` as a personal message. */
  sign(payload: Uint8Array): Uint8Array {
    return signPersonalMessage(this.#privateKey, payload, this.#backend)
  }

  /** Recover the signer of `signature` and compare it with `identity` (must be 20 bytes). */
  verify(identity: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean {
    return verifyPersonalMessage(identity, payload, signature, this.#backend)
  }
}
