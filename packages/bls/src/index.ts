/**
 * BLS12-381 aggregate signatures for de-MLS votes: a member's vote is a
 * BLS signature of a message shared by every member voting the same way
 * ({@link blsVoteMessage}), so an aggregator turns N votes into one
 * {@link ApprovalProof} (a signer bitmap and one 96-byte aggregate per
 * side) that any member checks with one pairing and N point additions
 * ({@link verifyApprovalProof}). Keys are min-pk (48-byte G1 public keys,
 * 96-byte G2 signatures), ciphersuite
 * `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`, with proofs of
 * possession against rogue keys, bound to the member's secp256k1 identity
 * ({@link BlsKeyBinding}). {@link blsConsensusPlugin} offers it through
 * the consensus plug-in interface.
 *
 * The curve arithmetic runs on a {@link BlsBackend} chosen once at load:
 * native blst (`@chainsafe/blst`'s prebuilt binary) in Node when it
 * loads, `@noble/curves` otherwise; browser builds never reference the
 * native module. Both give identical results (this package's equivalence
 * tests pin it).
 *
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsPublicKey, blsSign, blsVoteMessage, buildApprovalProof, prepareMemberKeys, verifyApprovalProof } from '@demls/bls'
 * const secrets = [1, 2, 3, 4].map((i) => blsKeyFromSeed(new Uint8Array(32).fill(i)))
 * const members = prepareMemberKeys(secrets.map((sk) => blsPublicKey(sk)))
 * const ctx = { conversationId: 'chat', epoch: 8n, proposalId: 5, proposalDigest: new Uint8Array(32), livenessCriteriaYes: true }
 * const votes = secrets.slice(0, 3).map((sk, member) => ({ member, vote: true, signature: blsSign(sk, blsVoteMessage(ctx, true)) }))
 * const { proof } = buildApprovalProof(ctx, members, votes)
 * console.log(verifyApprovalProof(proof!, ctx, members)) // { ok: true, outcome: 'yes', yes: [0, 1, 2], no: [] }
 * ```
 *
 * @packageDocumentation
 */
import { nativeBackend, nativeUnavailableReason, platformBackend } from '#bls-platform'
import type { BlsBackend } from './backend/types.js'

export { nobleBlsBackend } from './backend/noble.js'
export type { BlsBackend, BlsParsedKey } from './backend/types.js'
export {
  BLS_KEY_BINDING_EXTENSION_TYPE,
  BLS_KEY_BINDING_LABEL,
  BLS_POSSESSION_LABEL,
  BLS_KEY_BINDING_LENGTH,
  type BlsKeyBinding,
  type KeyBindingRefusal,
  createKeyBinding,
  decodeKeyBinding,
  encodeKeyBinding,
  keyBindingDigest,
  verifyKeyBinding,
  verifyKeyBindings,
} from './binding.js'
export { type BitmapRefusal, MAX_BITMAP_BYTES, MAX_PROOF_MEMBERS, bitmapSigners, signerBitmap } from './bitmap.js'
export {
  BLS_CURVE_ORDER,
  BLS_FIELD_MODULUS,
  BLS_POP_DST,
  BLS_PUBLIC_KEY_LENGTH,
  BLS_SECRET_KEY_LENGTH,
  BLS_SIGNATURE_DST,
  BLS_SIGNATURE_LENGTH,
} from './ciphersuite.js'
export { BlsArgumentError, BlsDecodeError, BlsMemberKeysError } from './errors.js'
export {
  MEMBER_KEY_DERIVATION_INFO,
  blsAggregateSignatures,
  blsKeyFromMemberKey,
  blsKeyFromSeed,
  blsProvePossession,
  blsPublicKey,
  blsSign,
  blsVerify,
  blsVerifyPossession,
} from './keys.js'
export { type BlsMemberKeys, prepareMemberKeys, verifyBitmapAggregate } from './member-keys.js'
export {
  BLS_CONSENSUS_PLUGIN_ID,
  BLS_CONSENSUS_PLUGIN_VERSION,
  type BlsConsensusPlugin,
  type BlsConsensusPluginInit,
  blsConsensusPlugin,
  isBlsConsensusPlugin,
} from './plugin.js'
export {
  type ApprovalProof,
  type BlsVote,
  type BuiltProof,
  MAX_APPROVAL_PROOF_BYTES,
  type ProofContext,
  type ProofRefusal,
  type ProofSide,
  type VerifiedOutcome,
  buildApprovalProof,
  decodeApprovalProof,
  encodeApprovalProof,
  isBlsEquivocation,
  verifyApprovalProof,
  verifyOutcomeProof,
} from './proof.js'
export { BLS_VOTE_DOMAIN, type BlsVoteContext, MAX_CONVERSATION_ID_BYTES, blsVoteMessage } from './vote-message.js'

/**
 * Name of the backend this package's functions use by default: `'native'` or `'noble'`.
 *
 * @example
 * ```ts
 * import { blsBackendName } from '@demls/bls'
 * console.log(`BLS backend: ${blsBackendName()}`) // 'native' in Node with a prebuilt blst, else 'noble'
 * ```
 */
export function blsBackendName(): BlsBackend['name'] {
  return platformBackend.name
}

/**
 * The backend used by default (see {@link blsBackendName}).
 *
 * @example
 * ```ts
 * import { blsKeyFromSeed, defaultBlsBackend } from '@demls/bls'
 * const backend = defaultBlsBackend()
 * const publicKey = backend.publicKey(blsKeyFromSeed(new Uint8Array(32).fill(9)))
 * ```
 */
export function defaultBlsBackend(): BlsBackend {
  return platformBackend
}

/**
 * The native blst backend, or `undefined` when it cannot load here (not
 * Node, or no prebuilt binary for this platform); then
 * {@link nativeBlsBackendUnavailableReason} says why. For benchmarks and
 * equivalence tests; normal callers use the default.
 *
 * @example
 * ```ts
 * import { nativeBlsBackend, nobleBlsBackend } from '@demls/bls'
 * const backend = nativeBlsBackend() ?? nobleBlsBackend
 * ```
 */
export function nativeBlsBackend(): BlsBackend | undefined {
  return nativeBackend
}

/**
 * Why {@link nativeBlsBackend} is `undefined`, if it is.
 *
 * @example
 * ```ts
 * import { nativeBlsBackend, nativeBlsBackendUnavailableReason } from '@demls/bls'
 * if (!nativeBlsBackend()) console.log(`using @noble/curves: ${nativeBlsBackendUnavailableReason()}`)
 * ```
 */
export function nativeBlsBackendUnavailableReason(): string | undefined {
  return nativeUnavailableReason
}
