import { platformBackend } from '#bls-platform'
import type { BlsBackend, BlsParsedKey } from './backend/types.js'
import { type BitmapRefusal, MAX_PROOF_MEMBERS, bitmapSigners } from './bitmap.js'
import { BlsMemberKeysError } from './errors.js'

/**
 * The ordered BLS public keys of a group's members (index = position in
 * the epoch's member order), decoded and validated once so that each
 * proof costs only point additions and one pairing. Build with
 * {@link prepareMemberKeys}.
 *
 * @example
 * ```ts
 * import { type BlsMemberKeys, blsKeyFromSeed, blsPublicKey, prepareMemberKeys } from '@demls/bls'
 * const keys: BlsMemberKeys = prepareMemberKeys([1, 2, 3].map((i) => blsPublicKey(blsKeyFromSeed(new Uint8Array(32).fill(i)))))
 * console.log(keys.size, keys.backend.name) // 3 'native' (or 'noble')
 * ```
 */
export interface BlsMemberKeys {
  /** Number of members (n). */
  readonly size: number
  /** The backend that parsed the keys and verifies with them. */
  readonly backend: BlsBackend
  /** The parsed keys, in member order. */
  readonly keys: readonly BlsParsedKey[]
}

/**
 * Validate and parse an ordered member key list: each key a compressed G1
 * point of the prime-order subgroup other than the identity, no key twice,
 * 1 to {@link MAX_PROOF_MEMBERS} keys. The keys must come from verified
 * key bindings (proof of possession checked: {@link verifyKeyBinding});
 * this function does not see the proofs.
 *
 * @param backend - defaults to the platform's
 * @param options.reuse - the previous epoch's list: its keys are not parsed again
 * @throws {BlsMemberKeysError} naming the first refused key
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsPublicKey, prepareMemberKeys } from '@demls/bls'
 * const ordered = [1, 2, 3].map((i) => blsPublicKey(blsKeyFromSeed(new Uint8Array(32).fill(i))))
 * const members = prepareMemberKeys(ordered) // once per epoch
 * const joiner = blsPublicKey(blsKeyFromSeed(new Uint8Array(32).fill(4)))
 * const next = prepareMemberKeys([...ordered, joiner], undefined, { reuse: members }) // parses only the joiner's key
 * ```
 */
export function prepareMemberKeys(
  publicKeys: readonly Uint8Array[],
  backend: BlsBackend = platformBackend,
  options: { reuse?: BlsMemberKeys } = {},
): BlsMemberKeys {
  return prepareMemberKeysKnowing(publicKeys, backend, reusableKeys(backend, options.reuse))
}

/**
 * The keys of the previous epoch's list, by {@link parsedKeyId}, when it
 * was parsed by the same backend: a change of one member parses one key.
 */
export function reusableKeys(backend: BlsBackend, previous: BlsMemberKeys | undefined): Map<string, BlsParsedKey> {
  const known = new Map<string, BlsParsedKey>()
  if (previous !== undefined && previous.backend === backend) for (const k of previous.keys) known.set(charString(k.bytes), k)
  return known
}

/**
 * {@link prepareMemberKeys} taking the keys in `known` (by
 * {@link parsedKeyId}) as parsed: each must have been parsed and
 * validated by `backend` itself.
 */
export function prepareMemberKeysKnowing(publicKeys: readonly Uint8Array[], backend: BlsBackend, known: ReadonlyMap<string, BlsParsedKey>): BlsMemberKeys {
  if (!Array.isArray(publicKeys) || publicKeys.length === 0) throw new BlsMemberKeysError(-1, 'empty')
  if (publicKeys.length > MAX_PROOF_MEMBERS) throw new BlsMemberKeysError(-1, 'too-many')
  const seen = new Set<string>()
  const keys: BlsParsedKey[] = []
  for (const [i, bytes] of publicKeys.entries()) {
    if (!(bytes instanceof Uint8Array)) throw new BlsMemberKeysError(i, 'invalid-key')
    const id = charString(bytes)
    const parsed = known.get(id) ?? backend.parsePublicKey(bytes)
    if (parsed === undefined) throw new BlsMemberKeysError(i, 'invalid-key')
    if (seen.has(id)) throw new BlsMemberKeysError(i, 'duplicate-key')
    seen.add(id)
    keys.push(parsed)
  }
  return Object.freeze({ size: keys.length, backend, keys: Object.freeze(keys) })
}

/** The map key of a public key's bytes in {@link prepareMemberKeysKnowing}'s `known`. */
export function parsedKeyId(publicKey: Uint8Array): string {
  return charString(publicKey)
}

/** One char per byte: a compact map key. */
function charString(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[])
}

/**
 * Verify one aggregate signature of one message against the members a
 * signer bitmap names: one pairing check and (signers − 1) point
 * additions. Returns the signer indices, or why it fails: a
 * {@link BitmapRefusal}, or `'bad-signature'` (the aggregate does not
 * verify, or is malformed, outside the subgroup or the identity). Never throws.
 *
 * @example
 * ```ts
 * import { blsAggregateSignatures, blsKeyFromSeed, blsPublicKey, blsSign, prepareMemberKeys, signerBitmap, verifyBitmapAggregate } from '@demls/bls'
 * const secrets = [1, 2, 3, 4].map((i) => blsKeyFromSeed(new Uint8Array(32).fill(i)))
 * const members = prepareMemberKeys(secrets.map((sk) => blsPublicKey(sk)))
 * const msg = new TextEncoder().encode('approve #7')
 * const aggregate = blsAggregateSignatures([0, 2, 3].map((i) => blsSign(secrets[i]!, msg)))!
 * verifyBitmapAggregate(members, signerBitmap([0, 2, 3], 4), msg, aggregate) // [0, 2, 3]
 * ```
 */
export function verifyBitmapAggregate(
  members: BlsMemberKeys,
  bitmap: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): number[] | BitmapRefusal | 'bad-signature' {
  const signers = bitmapSigners(bitmap, members.size)
  if (!Array.isArray(signers)) return signers
  if (signers.length === 0) return 'empty'
  const keys = signers.map((i) => members.keys[i]!)
  return members.backend.fastAggregateVerify(keys, message, signature) ? signers : 'bad-signature'
}
