/**
 * The secp256k1 operations EIP-191 needs, and the keccak-256 around them,
 * behind one interface so the
 * implementation can be chosen per platform: native libsecp256k1 in Node
 * (when its prebuilt binary loads), `@noble/curves` everywhere else.
 *
 * Inputs are already checked by the caller (`src/signature.ts`): a 32-byte
 * hash, 64-byte r ‖ s with 1 ≤ r, s < n and s ≤ n/2 (low-s), recovery 0 or 1.
 * Every implementation must give identical results on identical inputs; the
 * equivalence tests in this package pin that.
 *
 * @example
 * ```ts
 * import { type Secp256k1Backend, nobleBackend, signPersonalMessage } from '@demls/eip191'
 * const backend: Secp256k1Backend = nobleBackend // pure JS, same results as the native one
 * const privateKey = crypto.getRandomValues(new Uint8Array(32))
 * const signature = signPersonalMessage(privateKey, new TextEncoder().encode('vote'), backend)
 * ```
 */
export interface Secp256k1Backend {
  /** Stable name, printed by benchmarks: `'native'` (libsecp256k1) or `'noble'` (@noble/curves). */
  readonly name: 'native' | 'noble'
  /**
   * Where {@link Secp256k1Backend.keccak256} runs: `'native'` (the `keccak`
   * package's prebuilt addon) or `'noble'` (@noble/hashes). The native
   * curve backend uses noble's keccak on platforms without a keccak prebuild.
   */
  readonly keccak: 'native' | 'noble'
  /** keccak-256 (the Ethereum one, not SHA3-256) of `data`: 32 bytes. */
  keccak256(data: Uint8Array): Uint8Array
  /**
   * The signer's 65-byte uncompressed public key (`04 ‖ x ‖ y`), or
   * `undefined` when no point recovers (r is not an x-coordinate, or the
   * result is the point at infinity). Never throws.
   */
  recoverPublicKey(hash: Uint8Array, compact: Uint8Array, recovery: 0 | 1): Uint8Array | undefined
  /**
   * Deterministic (RFC 6979, no extra entropy), low-s ECDSA signature of the
   * 32-byte `hash`: 64-byte r ‖ s and the recovery bit (y parity of R).
   */
  sign(hash: Uint8Array, privateKey: Uint8Array): { compact: Uint8Array; recovery: 0 | 1 }
}
