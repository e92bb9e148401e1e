import { addressEquals, recoverPersonalMessageAddress } from '@demls/eip191'
import { sha256 } from '@noble/hashes/sha2.js'
import type { BlsParsedKey } from './backend/types.js'
import { BLS_PUBLIC_KEY_LENGTH, BLS_SIGNATURE_LENGTH } from './ciphersuite.js'
import { BlsArgumentError, BlsDecodeError } from './errors.js'
import { blsKeyFromMemberKey as deriveKey, blsPublicKey, blsSign } from './keys.js'
import { pbDecode, pbEncode } from './protobuf.js'
import { platformBackend } from '#bls-platform'

const BINDING_TYPE = 'demls.bls.v1.KeyBinding'

/** Domain-separation label of a BLS key binding (ASCII; a 0x00 follows it). */
export const BLS_KEY_BINDING_LABEL = 'demls/bls-key-binding/v1'

/**
 * MLS LeafNode extension type proposed for carrying an encoded
 * {@link BlsKeyBinding} in a member's leaf (RFC 9420 private-use range,
 * next to the secp256k1 leaf binding's `0xf0de`).
 */
export const BLS_KEY_BINDING_EXTENSION_TYPE = 0xf0df

/** Length of an encoded {@link BlsKeyBinding}: every field has a fixed size. */
export const BLS_KEY_BINDING_LENGTH = 2 + 20 + 2 + BLS_PUBLIC_KEY_LENGTH + 2 + BLS_SIGNATURE_LENGTH + 2 + 65

const LABEL = new TextEncoder().encode(BLS_KEY_BINDING_LABEL)

/**
 * A member's BLS public key bound to its member identity (its 20-byte
 * Ethereum address, the secp256k1 key that already binds its MLS leaf):
 * the BLS key, its proof of possession, and the member key's EIP-191
 * signature over both identities. Carried in the member's leaf
 * ({@link BLS_KEY_BINDING_EXTENSION_TYPE}) or its join request.
 *
 * @example
 * ```ts
 * import { type BlsKeyBinding, createKeyBinding } from '@demls/bls'
 * import { EthereumSigner } from '@demls/consensus'
 * const memberKey = crypto.getRandomValues(new Uint8Array(32))
 * const binding: BlsKeyBinding = createKeyBinding(new EthereumSigner(memberKey), memberKey)
 * console.log(binding.publicKey.length, binding.possession.length) // 48 96
 * ```
 */
export interface BlsKeyBinding {
  /** The member id: the 20-byte Ethereum address of its secp256k1 key. */
  memberId: Uint8Array
  /** The 48-byte BLS public key. */
  publicKey: Uint8Array
  /**
   * The 96-byte proof of possession of the BLS key, bound to the member:
   * the BLS key's signature (signature DST) of
   * `"demls/bls-possession/v1" ‖ 0x00 ‖ bls_public_key ‖ member_id`
   * ({@link BLS_POSSESSION_LABEL}): the key it proves and the member it
   * binds are signed, so a proof cannot be copied into another member's
   * binding, and its domain label keeps it apart from every vote.
   */
  possession: Uint8Array
  /** The member key's 65-byte EIP-191 signature of {@link keyBindingDigest}. */
  memberSignature: Uint8Array
}

/**
 * The 32 bytes a member's secp256k1 key signs (as an EIP-191 personal
 * message) to bind a BLS key:
 * `SHA-256("demls/bls-key-binding/v1" ‖ 0x00 ‖ member_id (20) ‖ bls_public_key (48))`.
 *
 * @throws {BlsArgumentError} when the id is not 20 bytes or the key not 48
 * @example
 * ```ts
 * import { keyBindingDigest } from '@demls/bls'
 * declare const blsPublicKey: Uint8Array
 * const digest = keyBindingDigest(new Uint8Array(20).fill(1), blsPublicKey)
 * ```
 */
export function keyBindingDigest(memberId: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (!(memberId instanceof Uint8Array) || memberId.length !== 20) throw new BlsArgumentError('a member id is 20 bytes')
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== BLS_PUBLIC_KEY_LENGTH) throw new BlsArgumentError('a BLS public key is 48 bytes')
  const buf = new Uint8Array(LABEL.length + 1 + 20 + BLS_PUBLIC_KEY_LENGTH)
  buf.set(LABEL, 0)
  buf.set(memberId, LABEL.length + 1)
  buf.set(publicKey, LABEL.length + 21)
  return sha256(buf)
}

/**
 * Domain label of a binding's proof of possession: the proof is the BLS
 * signature (the suite's signature DST) of
 * `"demls/bls-possession/v1" ‖ 0x00 ‖ bls_public_key (48) ‖ member_id (20)`.
 * A vote message starts with `"demls/bls-vote/v1"`, so no proof is ever a
 * vote and no vote a proof; the proof still names the key it proves and the
 * member it binds, which is what stops rogue keys (an attacker cannot sign
 * for a key whose secret it lacks) and copied proofs.
 */
export const BLS_POSSESSION_LABEL = 'demls/bls-possession/v1'
const POSSESSION_LABEL = new TextEncoder().encode(BLS_POSSESSION_LABEL)

/** What the possession proof of a binding signs (see {@link BLS_POSSESSION_LABEL}). */
function possessionMessage(publicKey: Uint8Array, memberId: Uint8Array): Uint8Array {
  const out = new Uint8Array(POSSESSION_LABEL.length + 1 + publicKey.length + memberId.length)
  out.set(POSSESSION_LABEL, 0)
  out.set(publicKey, POSSESSION_LABEL.length + 1)
  out.set(memberId, POSSESSION_LABEL.length + 1 + publicKey.length)
  return out
}

/**
 * Bind a BLS key to the member: its public key, proof of possession, and
 * the member key's signature. `memberSigner` signs EIP-191 personal
 * messages with the member's secp256k1 key (`EthereumSigner` of
 * `@demls/consensus` fits).
 *
 * @param blsSecretKeyOrMemberKey - the BLS secret key; pass the member's secp256k1 secret key with `{ derive: true }` to use {@link blsKeyFromMemberKey}
 * @throws {BlsArgumentError} when a key is invalid
 * @example
 * ```ts
 * import { blsKeyFromSeed, createKeyBinding } from '@demls/bls'
 * import { EthereumSigner } from '@demls/consensus'
 * const signer = new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))
 * const binding = createKeyBinding(signer, blsKeyFromSeed(crypto.getRandomValues(new Uint8Array(32))), { derive: false })
 * ```
 */
export function createKeyBinding(
  memberSigner: { readonly identity: Uint8Array; sign(payload: Uint8Array): Uint8Array },
  blsSecretKeyOrMemberKey: Uint8Array,
  options: { derive?: boolean } = { derive: true },
): BlsKeyBinding {
  const secret = options.derive === false ? blsSecretKeyOrMemberKey : deriveKey(blsSecretKeyOrMemberKey)
  const publicKey = blsPublicKey(secret)
  const memberId = Uint8Array.from(memberSigner.identity)
  return {
    memberId,
    publicKey,
    possession: blsSign(secret, possessionMessage(publicKey, memberId)),
    memberSignature: Uint8Array.from(memberSigner.sign(keyBindingDigest(memberId, publicKey))),
  }
}

/**
 * Why a key binding is refused: `'invalid-public-key'` (not a compressed
 * subgroup point other than the identity), `'bad-possession'` (no valid
 * proof of possession for this member: a rogue key, or another member's
 * key and proof copied), `'bad-member-signature'` (the member
 * signature does not recover to `memberId`), `'wrong-member'` (valid, but
 * for another member than expected).
 *
 * @example
 * ```ts
 * import type { KeyBindingRefusal } from '@demls/bls'
 * const reason: KeyBindingRefusal = 'bad-possession'
 * ```
 */
export type KeyBindingRefusal = 'invalid-public-key' | 'bad-possession' | 'bad-member-signature' | 'wrong-member'

/**
 * Verify a key binding: the BLS key is valid, its proof of possession
 * holds, and the member id's secp256k1 key signed the binding. With
 * `expectedMemberId` (the identity of the MLS leaf or join request that
 * carries it), the binding must name that member. Only keys that pass may
 * enter a {@link BlsMemberKeys} list. Never throws.
 *
 * @example
 * ```ts
 * import { createKeyBinding, verifyKeyBinding } from '@demls/bls'
 * import { EthereumSigner } from '@demls/consensus'
 * const key = crypto.getRandomValues(new Uint8Array(32))
 * const signer = new EthereumSigner(key)
 * const r = verifyKeyBinding(createKeyBinding(signer, key), signer.identity)
 * console.log(r.ok) // true
 * ```
 */
export function verifyKeyBinding(binding: BlsKeyBinding, expectedMemberId?: Uint8Array): { ok: true } | { ok: false; reason: KeyBindingRefusal } {
  return verifyKeyBindingsKeepingKeys([binding], [expectedMemberId]).verdicts[0]!
}

type BindingVerdict = { ok: true } | { ok: false; reason: KeyBindingRefusal }

/** Every check of {@link verifyKeyBinding} but the pairing: `undefined` when the binding may go on to it. */
function checkBeforePairing(binding: BlsKeyBinding, expectedMemberId?: Uint8Array): { ok: false; reason: KeyBindingRefusal } | undefined {
  try {
    if (!(binding.memberId instanceof Uint8Array) || binding.memberId.length !== 20) return { ok: false, reason: 'bad-member-signature' }
    if (!(binding.publicKey instanceof Uint8Array) || binding.publicKey.length !== BLS_PUBLIC_KEY_LENGTH) return { ok: false, reason: 'invalid-public-key' }
    if (expectedMemberId !== undefined && !addressEquals(binding.memberId, expectedMemberId)) return { ok: false, reason: 'wrong-member' }
    if (!(binding.possession instanceof Uint8Array) || !(binding.memberSignature instanceof Uint8Array)) return { ok: false, reason: 'bad-possession' }
    const signer = recoverPersonalMessageAddress(keyBindingDigest(binding.memberId, binding.publicKey), binding.memberSignature)
    if (signer === undefined || !addressEquals(signer, binding.memberId)) return { ok: false, reason: 'bad-member-signature' }
    return undefined
  } catch {
    return { ok: false, reason: 'bad-member-signature' }
  }
}

/**
 * {@link verifyKeyBinding} for many bindings at once (a joiner takes every
 * member's from its Welcome): the same verdict for each, in order, but the
 * proofs of possession that pass every other check are verified together
 * when the platform's backend can ({@link BlsBackend.verifyBatch}: random
 * weights, one final exponentiation; about half the cost per binding with
 * native blst). When the batch fails, each is checked alone, so a bad
 * binding costs the batch and never changes another's verdict; two
 * possessions that are invalid alone but cancel in a sum are both refused.
 * `expectedMemberIds[i]`, when given, is the member binding `i` must name.
 * Never throws.
 *
 * @example
 * ```ts
 * import { createKeyBinding, verifyKeyBindings } from '@demls/bls'
 * import { EthereumSigner } from '@demls/consensus'
 * const keys = [1, 2, 3].map(() => crypto.getRandomValues(new Uint8Array(32)))
 * const verdicts = verifyKeyBindings(keys.map((k) => createKeyBinding(new EthereumSigner(k), k)))
 * console.log(verdicts.every((v) => v.ok)) // true
 * ```
 */
export function verifyKeyBindings(
  bindings: readonly BlsKeyBinding[],
  expectedMemberIds: readonly (Uint8Array | undefined)[] = [],
): ({ ok: true } | { ok: false; reason: KeyBindingRefusal })[] {
  return verifyKeyBindingsKeepingKeys(bindings, expectedMemberIds).verdicts
}

/**
 * {@link verifyKeyBindings}, and the key of each binding that passed as
 * the platform's backend parsed and validated it (`keys[i]`, undefined
 * where refused): a member key list built from them parses none again.
 * Same verdicts: a key the backend does not parse is refused as
 * `'invalid-public-key'` before any pairing, as the pairing check would.
 */
export function verifyKeyBindingsKeepingKeys(
  bindings: readonly BlsKeyBinding[],
  expectedMemberIds: readonly (Uint8Array | undefined)[] = [],
): { verdicts: BindingVerdict[]; keys: (BlsParsedKey | undefined)[] } {
  const verdicts: (BindingVerdict | undefined)[] = bindings.map((b, i) => checkBeforePairing(b, expectedMemberIds[i]))
  const keys: (BlsParsedKey | undefined)[] = bindings.map(() => undefined)
  for (const [i, b] of bindings.entries()) {
    if (verdicts[i] !== undefined) continue
    const key = platformBackend.parsePublicKey(b.publicKey)
    if (key === undefined) verdicts[i] = { ok: false, reason: 'invalid-public-key' }
    else keys[i] = key
  }
  const pending = [...verdicts.keys()].filter((i) => verdicts[i] === undefined)
  const batch = platformBackend.verifyParsedBatch
  if (pending.length >= 2 && batch !== undefined) {
    let together = false
    try {
      together = batch.call(
        platformBackend,
        pending.map((i) => {
          const b = bindings[i]!
          return { key: keys[i]!, message: possessionMessage(b.publicKey, b.memberId), signature: b.possession }
        }),
      )
    } catch {
      together = false
    }
    if (together) for (const i of pending) verdicts[i] = { ok: true }
  }
  const final = verdicts.map((v, i) => v ?? checkParsedPossession(bindings[i]!, keys[i]!))
  return { verdicts: final, keys: keys.map((k, i) => (final[i]!.ok ? k : undefined)) }
}

/** The pairing check of a binding, on a key the platform's backend parsed: one signature with its one key. */
function checkParsedPossession(binding: BlsKeyBinding, key: BlsParsedKey): BindingVerdict {
  try {
    return platformBackend.fastAggregateVerify([key], possessionMessage(binding.publicKey, binding.memberId), binding.possession)
      ? { ok: true }
      : { ok: false, reason: 'bad-possession' }
  } catch {
    return { ok: false, reason: 'bad-member-signature' }
  }
}

/**
 * Encode a key binding (protobuf `demls.bls.v1.KeyBinding`: 1 member_id,
 * 2 public_key, 3 possession, 4 member_signature; all required, fixed
 * sizes): {@link BLS_KEY_BINDING_LENGTH} bytes.
 *
 * @throws {BlsArgumentError} when a field has the wrong length
 * @example
 * ```ts
 * import { createKeyBinding, decodeKeyBinding, encodeKeyBinding } from '@demls/bls'
 * import { EthereumSigner } from '@demls/consensus'
 * const key = crypto.getRandomValues(new Uint8Array(32))
 * const bytes = encodeKeyBinding(createKeyBinding(new EthereumSigner(key), key)) // 237 bytes
 * decodeKeyBinding(bytes).publicKey.length // 48
 * ```
 */
export function encodeKeyBinding(binding: BlsKeyBinding): Uint8Array {
  const check = (v: Uint8Array, n: number, what: string) => {
    if (!(v instanceof Uint8Array) || v.length !== n) throw new BlsArgumentError(`key binding ${what} must be ${n} bytes`)
  }
  check(binding.memberId, 20, 'member id')
  check(binding.publicKey, BLS_PUBLIC_KEY_LENGTH, 'public key')
  check(binding.possession, BLS_SIGNATURE_LENGTH, 'proof of possession')
  check(binding.memberSignature, 65, 'member signature')
  return pbEncode([
    { no: 1, bytes: binding.memberId },
    { no: 2, bytes: binding.publicKey },
    { no: 3, bytes: binding.possession },
    { no: 4, bytes: binding.memberSignature },
  ])
}

/**
 * Decode untrusted bytes as a key binding, strictly (exactly
 * {@link BLS_KEY_BINDING_LENGTH} bytes, the four fields in order). Does not
 * verify it ({@link verifyKeyBinding}).
 *
 * @throws {BlsDecodeError} on anything else
 * @example
 * ```ts
 * import { decodeKeyBinding, verifyKeyBinding } from '@demls/bls'
 * declare const extensionData: Uint8Array // from the leaf's BLS_KEY_BINDING_EXTENSION_TYPE extension
 * declare const leafMemberId: Uint8Array
 * const ok = verifyKeyBinding(decodeKeyBinding(extensionData), leafMemberId).ok
 * ```
 */
export function decodeKeyBinding(bytes: Uint8Array): BlsKeyBinding {
  if (!(bytes instanceof Uint8Array) || bytes.length !== BLS_KEY_BINDING_LENGTH) {
    throw new BlsDecodeError(BINDING_TYPE, `expected ${BLS_KEY_BINDING_LENGTH} bytes`)
  }
  let f: Map<number, bigint | Uint8Array>
  try {
    f = pbDecode(bytes, {
      1: { kind: 'bytes', min: 20, max: 20 },
      2: { kind: 'bytes', min: BLS_PUBLIC_KEY_LENGTH, max: BLS_PUBLIC_KEY_LENGTH },
      3: { kind: 'bytes', min: BLS_SIGNATURE_LENGTH, max: BLS_SIGNATURE_LENGTH },
      4: { kind: 'bytes', min: 65, max: 65 },
    })
  } catch (reason) {
    throw new BlsDecodeError(BINDING_TYPE, String(reason))
  }
  const get = (no: number): Uint8Array => {
    const v = f.get(no)
    if (!(v instanceof Uint8Array)) throw new BlsDecodeError(BINDING_TYPE, `field ${no} missing`)
    return v
  }
  return { memberId: get(1), publicKey: get(2), possession: get(3), memberSignature: get(4) }
}
