/**
 * The BLS12-381 operations demls needs (min-pk: public keys in G1, 48
 * bytes compressed; signatures in G2, 96 bytes compressed; ciphersuite
 * `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`), behind one interface so
 * the implementation can be chosen per platform: native blst
 * (`@chainsafe/blst`) in Node when its prebuilt binary loads,
 * `@noble/curves` everywhere else. Every implementation gives identical
 * results on identical inputs (this package's equivalence tests pin it).
 *
 * Nothing here throws on untrusted input: a point that does not decode,
 * is not in the prime-order subgroup or is the identity makes the call
 * return `undefined` or `false`.
 *
 * @example
 * ```ts
 * import { type BlsBackend, blsKeyFromSeed, defaultBlsBackend } from '@demls/bls'
 * const backend: BlsBackend = defaultBlsBackend()
 * const secretKey = blsKeyFromSeed(crypto.getRandomValues(new Uint8Array(32)))
 * const message = new TextEncoder().encode('vote')
 * backend.verify(backend.publicKey(secretKey), message, backend.sign(secretKey, message)) // true
 * ```
 */
export interface BlsBackend {
  /** Stable name, printed by benchmarks: `'native'` (blst) or `'noble'` (@noble/curves). */
  readonly name: 'native' | 'noble'
  /** The 48-byte compressed G1 public key of a valid 32-byte secret key (big-endian scalar in [1, r − 1]). */
  publicKey(secretKey: Uint8Array): Uint8Array
  /** The 96-byte compressed G2 signature of `message` (hashed to G2 with the signature DST). */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array
  /** Whether `signature` is `publicKey`'s signature of `message`; `false` on any invalid point. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean
  /**
   * Decode and validate a public key once (48 bytes, compressed, on the
   * curve, in the subgroup, not the identity), for
   * {@link BlsBackend.fastAggregateVerify}; `undefined` when invalid.
   */
  parsePublicKey(publicKey: Uint8Array): BlsParsedKey | undefined
  /**
   * Whether `signature` is the aggregate signature of `message` by every
   * key of `keys` (all parsed by this backend): the keys are added (one
   * point addition each) and one pairing check is made. `false` when
   * `keys` is empty, their sum is the identity, or the signature is not a
   * valid subgroup point other than the identity.
   */
  fastAggregateVerify(keys: readonly BlsParsedKey[], message: Uint8Array, signature: Uint8Array): boolean
  /** The sum of valid signatures (96 bytes), or `undefined` when one is invalid or the list is empty. */
  aggregateSignatures(signatures: readonly Uint8Array[]): Uint8Array | undefined
  /**
   * Optional: the sum of `signatures` (96 bytes) when it is the aggregate
   * signature of `message` by every key of `keys`, as
   * {@link BlsBackend.fastAggregateVerify} checks it (the sum a valid
   * subgroup point other than the identity, one pairing); `undefined`
   * otherwise, or when a signature does not decode or a list is empty.
   * What {@link BlsBackend.aggregateSignatures} then
   * {@link BlsBackend.fastAggregateVerify} give, for less: a backend may
   * only decompress each signature and check the subgroup once, on the
   * sum, which is the one point the pairing check needs in the subgroup
   * (native blst: about a quarter of the cost per signature). So a sum
   * may verify whose parts do not each verify alone (parts that cancel);
   * like any aggregate that verifies, it is the signature of the sum of
   * the keys, which, with every key's proof of possession checked, only
   * their holders together can make. Check a signature alone
   * ({@link BlsBackend.fastAggregateVerify} with its one key) where it
   * must hold alone, as evidence. A backend without it aggregates and
   * verifies in two steps.
   */
  aggregateAndVerify?(keys: readonly BlsParsedKey[], message: Uint8Array, signatures: readonly Uint8Array[]): Uint8Array | undefined
  /**
   * Optional: whether **every** set verifies (each its own key, message
   * and signature), checked together: each set weighted by a fresh random
   * scalar, one multi-pairing and one final exponentiation for all, about
   * half the cost of checking each alone with native blst. The random
   * weights make it as strict as checking each alone: signatures that are
   * invalid alone but cancel in a plain sum are refused. `false` on any
   * invalid set or point, or an empty list; it does not say which set
   * failed (check each with {@link BlsBackend.verify} then). A backend
   * without it is checked set by set.
   */
  verifyBatch?(sets: readonly { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[]): boolean
  /**
   * Optional: {@link BlsBackend.verifyBatch} over keys this backend already
   * parsed ({@link BlsBackend.parsePublicKey}), so a caller that keeps the
   * parsed keys (a joiner builds its epoch's member key list from the very
   * keys whose proofs of possession it checked) validates each key once.
   * `false` for a key another backend parsed.
   */
  verifyParsedBatch?(sets: readonly { key: BlsParsedKey; message: Uint8Array; signature: Uint8Array }[]): boolean
}

/**
 * A public key decoded and validated by one {@link BlsBackend} (opaque).
 *
 * @example
 * ```ts
 * import { type BlsParsedKey, blsKeyFromSeed, defaultBlsBackend } from '@demls/bls'
 * const backend = defaultBlsBackend()
 * const key: BlsParsedKey | undefined = backend.parsePublicKey(backend.publicKey(blsKeyFromSeed(new Uint8Array(32).fill(1))))
 * console.log(key?.backend) // 'native' or 'noble'
 * ```
 */
export interface BlsParsedKey {
  /** The backend that parsed it (keys do not cross backends). */
  readonly backend: 'native' | 'noble'
  /** The 48 compressed bytes. */
  readonly bytes: Uint8Array
  /** The backend's point object. */
  readonly point: unknown
}
