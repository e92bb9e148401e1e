import { platformBackend } from '#bls-platform'
import { type ConsensusOutcome, type ConsensusRule, consensusResult } from '@demls/consensus'
import type { BlsBackend, BlsParsedKey } from './backend/types.js'
import { MAX_BITMAP_BYTES, bitmapSigners, signerBitmap } from './bitmap.js'
import { BLS_SIGNATURE_LENGTH } from './ciphersuite.js'
import { BlsArgumentError, BlsDecodeError } from './errors.js'
import { type BlsMemberKeys, verifyBitmapAggregate } from './member-keys.js'
import { pbDecode, pbEncode, pbFieldLength } from './protobuf.js'
import { type BlsVoteContext, blsVoteMessage } from './vote-message.js'

const PROOF_TYPE = 'demls.bls.v1.ApprovalProof'

/**
 * The outcome of a proposal, proved with one aggregate signature per
 * side: who signed YES (a signer bitmap over the epoch's ordered member
 * keys) with the aggregate of their signatures of the YES message, and
 * likewise for NO. Encoded by {@link encodeApprovalProof}.
 *
 * @example
 * ```ts
 * import type { ApprovalProof } from '@demls/bls'
 * declare const proof: ApprovalProof // from an aggregator, with the commit
 * console.log(`epoch ${proof.epoch}, proposal ${proof.proposalId}, ${proof.yes?.signers.length ?? 0}-byte YES bitmap`)
 * ```
 */
export interface ApprovalProof {
  /** The epoch whose members voted. */
  epoch: bigint
  /** The proposal id (u32). */
  proposalId: number
  /** The 32-byte proposal digest the votes sign ({@link BlsVoteContext.proposalDigest}). */
  proposalDigest: Uint8Array
  /** The YES side: signer bitmap and aggregate signature of the YES message; absent when nobody's YES is included. */
  yes?: ProofSide
  /** The NO side, likewise. */
  no?: ProofSide
}

/**
 * One side of an {@link ApprovalProof}.
 *
 * @example
 * ```ts
 * import { type ProofSide, bitmapSigners } from '@demls/bls'
 * declare const side: ProofSide
 * declare const memberCount: number
 * const signers = bitmapSigners(side.signers, memberCount) // member indices, or why the bitmap is refused
 * ```
 */
export interface ProofSide {
  /** Signer bitmap ({@link signerBitmap}): bit i = member i of the epoch's order. */
  signers: Uint8Array
  /** 96-byte aggregate of the signers' signatures of this side's vote message. */
  signature: Uint8Array
}

/**
 * Longest encoded approval proof: both sides at {@link MAX_PROOF_MEMBERS}
 * members. {@link decodeApprovalProof} refuses anything longer before reading it.
 */
export const MAX_APPROVAL_PROOF_BYTES =
  pbFieldLength(1, (1n << 64n) - 1n) +
  pbFieldLength(2, 0xffff_ffffn) +
  pbFieldLength(3, 32) +
  2 * (pbFieldLength(4, MAX_BITMAP_BYTES) + pbFieldLength(5, BLS_SIGNATURE_LENGTH))

const SCHEMA = {
  1: { kind: 'varint', max: (1n << 64n) - 1n },
  2: { kind: 'varint', max: 0xffff_ffffn },
  3: { kind: 'bytes', min: 32, max: 32 },
  4: { kind: 'bytes', min: 1, max: MAX_BITMAP_BYTES },
  5: { kind: 'bytes', min: BLS_SIGNATURE_LENGTH, max: BLS_SIGNATURE_LENGTH },
  6: { kind: 'bytes', min: 1, max: MAX_BITMAP_BYTES },
  7: { kind: 'bytes', min: BLS_SIGNATURE_LENGTH, max: BLS_SIGNATURE_LENGTH },
} as const

function checkSide(side: ProofSide | undefined, name: string): void {
  if (side === undefined) return
  const bad = (why: string) => new BlsArgumentError(`approval proof ${name} side: ${why}`)
  if (!(side.signers instanceof Uint8Array) || side.signers.length === 0 || side.signers.length > MAX_BITMAP_BYTES) throw bad('bitmap of 1 to 2,048 bytes')
  if (side.signers[side.signers.length - 1] === 0) throw bad('bitmap with a trailing zero byte')
  if (!(side.signature instanceof Uint8Array) || side.signature.length !== BLS_SIGNATURE_LENGTH) throw bad('96-byte signature')
}

/**
 * Encode an approval proof canonically (protobuf `demls.bls.v1.ApprovalProof`,
 * see `proto/bls.proto`): fields 1 epoch (uint64), 2 proposal_id (uint32),
 * 3 proposal_digest (32 bytes), 4 yes_signers, 5 yes_signature, 6
 * no_signers, 7 no_signature; in that order, defaults omitted.
 *
 * @throws {BlsArgumentError} when a field cannot be represented (or neither side is present)
 * @example
 * ```ts
 * import { decodeApprovalProof, encodeApprovalProof, signerBitmap } from '@demls/bls'
 * declare const aggregate: Uint8Array // 96 bytes
 * const bytes = encodeApprovalProof({ epoch: 3n, proposalId: 7, proposalDigest: new Uint8Array(32), yes: { signers: signerBitmap([0, 1], 3), signature: aggregate } })
 * decodeApprovalProof(bytes).proposalId // 7
 * ```
 */
export function encodeApprovalProof(proof: ApprovalProof): Uint8Array {
  if (typeof proof.epoch !== 'bigint' || proof.epoch < 0n || proof.epoch >= 1n << 64n) throw new BlsArgumentError('approval proof epoch must be a u64 bigint')
  if (!Number.isInteger(proof.proposalId) || proof.proposalId < 0 || proof.proposalId > 0xffff_ffff) {
    throw new BlsArgumentError('approval proof proposalId must be a u32')
  }
  if (!(proof.proposalDigest instanceof Uint8Array) || proof.proposalDigest.length !== 32) throw new BlsArgumentError('approval proof digest must be 32 bytes')
  if (proof.yes === undefined && proof.no === undefined) throw new BlsArgumentError('an approval proof has a YES or a NO side')
  checkSide(proof.yes, 'YES')
  checkSide(proof.no, 'NO')
  return pbEncode([
    { no: 1, varint: proof.epoch },
    { no: 2, varint: BigInt(proof.proposalId) },
    { no: 3, bytes: proof.proposalDigest },
    { no: 4, bytes: proof.yes?.signers },
    { no: 5, bytes: proof.yes?.signature },
    { no: 6, bytes: proof.no?.signers },
    { no: 7, bytes: proof.no?.signature },
  ])
}

/**
 * Decode untrusted bytes as an approval proof, strictly: at most
 * {@link MAX_APPROVAL_PROOF_BYTES}; known fields only, ascending, once
 * each; minimal varints; a 32-byte digest; bitmaps of 1 to 2,048 bytes
 * without a trailing zero byte; 96-byte signatures; a side's bitmap and
 * signature both present or both absent, and at least one side. So
 * `encodeApprovalProof(decodeApprovalProof(b))` is `b` for every accepted `b`.
 * Signatures are not checked here ({@link verifyApprovalProof}).
 *
 * @throws {BlsDecodeError} on anything else
 * @example
 * ```ts
 * import { BlsDecodeError, decodeApprovalProof } from '@demls/bls'
 * declare const packet: Uint8Array
 * try {
 *   const proof = decodeApprovalProof(packet)
 * } catch (err) {
 *   if (err instanceof BlsDecodeError) console.log('dropped:', err.shortMessage)
 * }
 * ```
 */
export function decodeApprovalProof(bytes: Uint8Array): ApprovalProof {
  if (!(bytes instanceof Uint8Array)) throw new BlsDecodeError(PROOF_TYPE, 'not a Uint8Array')
  if (bytes.length > MAX_APPROVAL_PROOF_BYTES) throw new BlsDecodeError(PROOF_TYPE, `${bytes.length} bytes, at most ${MAX_APPROVAL_PROOF_BYTES}`)
  let f: Map<number, bigint | Uint8Array>
  try {
    f = pbDecode(bytes, SCHEMA)
  } catch (reason) {
    throw new BlsDecodeError(PROOF_TYPE, String(reason))
  }
  const digest = f.get(3) as Uint8Array | undefined
  if (digest === undefined) throw new BlsDecodeError(PROOF_TYPE, 'no proposal digest')
  const side = (bitsNo: number, sigNo: number, name: string): ProofSide | undefined => {
    const signers = f.get(bitsNo) as Uint8Array | undefined
    const signature = f.get(sigNo) as Uint8Array | undefined
    if ((signers === undefined) !== (signature === undefined)) throw new BlsDecodeError(PROOF_TYPE, `${name} side without its ${signers === undefined ? 'bitmap' : 'signature'}`)
    if (signers === undefined || signature === undefined) return undefined
    if (signers[signers.length - 1] === 0) throw new BlsDecodeError(PROOF_TYPE, `${name} bitmap has a trailing zero byte`)
    return { signers, signature }
  }
  const yes = side(4, 5, 'YES')
  const no = side(6, 7, 'NO')
  if (yes === undefined && no === undefined) throw new BlsDecodeError(PROOF_TYPE, 'neither a YES nor a NO side')
  return {
    epoch: (f.get(1) as bigint | undefined) ?? 0n,
    proposalId: Number((f.get(2) as bigint | undefined) ?? 0n),
    proposalDigest: digest,
    ...(yes !== undefined ? { yes } : {}),
    ...(no !== undefined ? { no } : {}),
  }
}

/**
 * Why an approval proof proves nothing:
 * - `'wrong-epoch'`, `'wrong-proposal'`: it is about another epoch, or
 *   another proposal id or digest, than the one being checked;
 * - `'bitmap-empty'`, `'bitmap-too-long'`, `'bitmap-out-of-range'`
 *   (names a non-member), `'bitmap-non-canonical'`;
 * - `'overlapping-sides'`: a member counted both YES and NO;
 * - `'bad-yes-signature'`, `'bad-no-signature'`: an aggregate does not
 *   verify against the named members' keys (forged, another message,
 *   another group or epoch, a stale member list);
 * - `'not-decided'`: the signed votes do not decide the proposal under the
 *   group's rule (before any timeout); `'not-approved'`: they decide NO
 *   where YES was required.
 *
 * @example
 * ```ts
 * import type { ProofRefusal } from '@demls/bls'
 * const reason: ProofRefusal = 'bad-yes-signature'
 * ```
 */
export type ProofRefusal =
  | 'wrong-epoch'
  | 'wrong-proposal'
  | 'bitmap-empty'
  | 'bitmap-too-long'
  | 'bitmap-out-of-range'
  | 'bitmap-non-canonical'
  | 'overlapping-sides'
  | 'bad-yes-signature'
  | 'bad-no-signature'
  | 'not-decided'
  | 'not-approved'

/**
 * What a proof is checked against: the vote context the verifier expects
 * (its own conversation, the epoch whose members voted, the proposal it
 * holds) and the proposal's liveness flag.
 *
 * @example
 * ```ts
 * import type { ProofContext } from '@demls/bls'
 * declare const proposalDigest: Uint8Array
 * const ctx: ProofContext = { conversationId: 'chat', epoch: 9n, proposalId: 77, proposalDigest, livenessCriteriaYes: true }
 * ```
 */
export interface ProofContext extends BlsVoteContext {
  /** The proposal's `liveness_criteria_yes` (how the rule weighs silent members). */
  livenessCriteriaYes: boolean
}

/**
 * A verified outcome: the decided value and the members (indices in the
 * epoch's order) whose signed YES and NO it counts.
 *
 * @example
 * ```ts
 * import type { VerifiedOutcome } from '@demls/bls'
 * declare const r: VerifiedOutcome
 * console.log(`${r.outcome}: ${r.yes.length} YES, ${r.no.length} NO`)
 * ```
 */
export interface VerifiedOutcome {
  /** The decided value. */
  outcome: 'yes' | 'no'
  /** Indices of the members whose YES is in the proof. */
  yes: number[]
  /** Indices of the members whose NO is in the proof. */
  no: number[]
}

const BITMAP_REFUSAL = {
  empty: 'bitmap-empty',
  'too-long': 'bitmap-too-long',
  'out-of-range': 'bitmap-out-of-range',
  'non-canonical': 'bitmap-non-canonical',
} as const

/**
 * Verify an approval proof that decides a proposal either way: it is
 * about `ctx`'s epoch and proposal, each side's aggregate verifies
 * against the members its bitmap names (one pairing check and a point
 * addition per signer per side, whatever the group size), no member is on
 * both sides, and `rule` decides the counted votes with
 * n = `members.size`, **before any timeout** (silent members never make a
 * proof). Never throws on untrusted proofs.
 *
 * @param rule - the group's result rule; defaults to the reference one ({@link consensusResult} of `@demls/consensus`)
 * @example
 * ```ts
 * import { type ApprovalProof, type BlsMemberKeys, type ProofContext, verifyOutcomeProof } from '@demls/bls'
 * declare const proof: ApprovalProof
 * declare const members: BlsMemberKeys // the epoch's ordered, PoP-checked keys
 * declare const ctx: ProofContext
 * const r = verifyOutcomeProof(proof, ctx, members)
 * console.log(r.ok ? `decided ${r.outcome}` : `refused: ${r.reason}`)
 * ```
 */
export function verifyOutcomeProof(
  proof: ApprovalProof,
  ctx: ProofContext,
  members: BlsMemberKeys,
  rule: ConsensusRule = consensusResult,
): ({ ok: true } & VerifiedOutcome) | { ok: false; reason: ProofRefusal } {
  if (proof.epoch !== ctx.epoch) return { ok: false, reason: 'wrong-epoch' }
  if (proof.proposalId !== ctx.proposalId || !sameBytes(proof.proposalDigest, ctx.proposalDigest)) return { ok: false, reason: 'wrong-proposal' }
  if (proof.yes === undefined && proof.no === undefined) return { ok: false, reason: 'bitmap-empty' }
  // Bitmaps first (cheap), then the overlap, then the pairings.
  const sides: { side: ProofSide | undefined; signers: number[] }[] = []
  for (const side of [proof.yes, proof.no]) {
    if (side === undefined) {
      sides.push({ side, signers: [] })
      continue
    }
    const signers = bitmapSigners(side.signers, members.size)
    if (!Array.isArray(signers)) return { ok: false, reason: BITMAP_REFUSAL[signers] }
    sides.push({ side, signers })
  }
  const [yesSide, noSide] = sides as [(typeof sides)[0], (typeof sides)[0]]
  if (yesSide.side !== undefined && noSide.side !== undefined) {
    const y = yesSide.side.signers
    const n = noSide.side.signers
    for (let i = 0; i < Math.min(y.length, n.length); i++) if ((y[i]! & n[i]!) !== 0) return { ok: false, reason: 'overlapping-sides' }
  }
  let outcome: ConsensusOutcome
  try {
    outcome = rule({
      expectedVoters: members.size,
      yes: yesSide.signers.length,
      no: noSide.signers.length,
      livenessCriteriaYes: ctx.livenessCriteriaYes,
      timedOut: false,
    })
  } catch {
    outcome = 'undecided'
  }
  if (outcome !== 'yes' && outcome !== 'no') return { ok: false, reason: 'not-decided' }
  for (const [vote, { side }] of [
    [true, yesSide],
    [false, noSide],
  ] as const) {
    if (side === undefined) continue
    const r = verifyBitmapAggregate(members, side.signers, blsVoteMessage(ctx, vote), side.signature)
    if (!Array.isArray(r)) return { ok: false, reason: vote ? 'bad-yes-signature' : 'bad-no-signature' }
  }
  return { ok: true, outcome, yes: yesSide.signers, no: noSide.signers }
}

/**
 * Verify that a proof approves its proposal: {@link verifyOutcomeProof}
 * with the outcome required to be YES (`'not-approved'` otherwise). What
 * a member checks instead of N vote messages before applying a commit.
 *
 * @param rule - the group's result rule; defaults to {@link consensusResult}
 * @example
 * ```ts
 * import { type BlsMemberKeys, type ProofContext, decodeApprovalProof, verifyApprovalProof } from '@demls/bls'
 * declare const bytes: Uint8Array // the proof that came with the commit
 * declare const members: BlsMemberKeys
 * declare const ctx: ProofContext
 * const r = verifyApprovalProof(decodeApprovalProof(bytes), ctx, members)
 * if (!r.ok) console.log('refuse the commit:', r.reason)
 * ```
 */
export function verifyApprovalProof(
  proof: ApprovalProof,
  ctx: ProofContext,
  members: BlsMemberKeys,
  rule: ConsensusRule = consensusResult,
): ({ ok: true } & VerifiedOutcome) | { ok: false; reason: ProofRefusal } {
  const r = verifyOutcomeProof(proof, ctx, members, rule)
  if (r.ok && r.outcome !== 'yes') return { ok: false, reason: 'not-approved' }
  return r
}

/**
 * One member's BLS vote as an aggregator receives it.
 *
 * @example
 * ```ts
 * import { type BlsVote, blsKeyFromSeed, blsSign, blsVoteMessage } from '@demls/bls'
 * const ctx = { conversationId: 'chat', epoch: 1n, proposalId: 9, proposalDigest: new Uint8Array(32) }
 * const vote: BlsVote = { member: 2, vote: true, signature: blsSign(blsKeyFromSeed(new Uint8Array(32).fill(3)), blsVoteMessage(ctx, true)) }
 * ```
 */
export interface BlsVote {
  /** The voter's index in the epoch's member order. */
  member: number
  /** YES (`true`) or NO. */
  vote: boolean
  /** The voter's 96-byte signature of `blsVoteMessage(ctx, vote)`. */
  signature: Uint8Array
}

/**
 * What {@link buildApprovalProof} made of the votes it was given.
 *
 * @example
 * ```ts
 * import type { BuiltProof } from '@demls/bls'
 * declare const built: BuiltProof
 * if (built.equivocators.length > 0) console.log('members who signed both ways:', built.equivocators)
 * ```
 */
export interface BuiltProof {
  /** The proof, or `undefined` when no valid vote remained. */
  proof: ApprovalProof | undefined
  /** Indices of votes (in the input) refused: signature invalid, or member out of range. */
  invalid: number[]
  /** Members with a valid YES and a valid NO: excluded from both sides (the two signatures are the evidence). */
  equivocators: number[]
}

/** The sum of `signatures` when it verifies for `keys` ({@link BlsBackend.aggregateAndVerify}, or its two steps). */
function aggregateChecked(backend: BlsBackend, keys: readonly BlsParsedKey[], message: Uint8Array, signatures: readonly Uint8Array[]): Uint8Array | undefined {
  if (backend.aggregateAndVerify !== undefined) return backend.aggregateAndVerify(keys, message, signatures)
  const sum = backend.aggregateSignatures(signatures)
  return sum !== undefined && backend.fastAggregateVerify(keys, message, sum) ? sum : undefined
}

/**
 * Aggregate members' votes into an approval proof (the aggregator's
 * side). Each side's votes are checked together first (one aggregation
 * and one pairing); only when that fails is each vote checked alone, and
 * the invalid ones are left out, so one bad vote cannot spoil the
 * aggregate. A member with both a YES and a NO that each verify alone
 * counts on neither side (it is reported in `equivocators`; the two
 * signatures are the evidence). A member's repeated vote counts once.
 *
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsPublicKey, blsSign, blsVoteMessage, buildApprovalProof, prepareMemberKeys, verifyApprovalProof } from '@demls/bls'
 * const secrets = [1, 2, 3].map((i) => blsKeyFromSeed(new Uint8Array(32).fill(i)))
 * const members = prepareMemberKeys(secrets.map((sk) => blsPublicKey(sk)))
 * const ctx = { conversationId: 'chat', epoch: 4n, proposalId: 11, proposalDigest: new Uint8Array(32), livenessCriteriaYes: true }
 * const votes = secrets.map((sk, member) => ({ member, vote: true, signature: blsSign(sk, blsVoteMessage(ctx, true)) }))
 * const { proof } = buildApprovalProof(ctx, members, votes)
 * verifyApprovalProof(proof!, ctx, members).ok // true
 * ```
 */
export function buildApprovalProof(ctx: BlsVoteContext, members: BlsMemberKeys, votes: readonly BlsVote[]): BuiltProof {
  const messages = { yes: blsVoteMessage(ctx, true), no: blsVoteMessage(ctx, false) }
  const backend = members.backend
  const invalid: number[] = []
  // First vote of each member per side (a repeat counts once; a different repeat is checked on its own below).
  const firsts = { yes: new Map<number, { i: number; signature: Uint8Array }>(), no: new Map<number, { i: number; signature: Uint8Array }>() }
  const repeats: number[] = []
  for (const [i, v] of votes.entries()) {
    if (!Number.isInteger(v.member) || v.member < 0 || v.member >= members.size || !(v.signature instanceof Uint8Array)) {
      invalid.push(i)
      continue
    }
    const side = firsts[v.vote ? 'yes' : 'no']
    if (side.has(v.member)) repeats.push(i)
    else side.set(v.member, { i, signature: v.signature })
  }
  const alone = (m: number, name: 'yes' | 'no', signature: Uint8Array) => backend.fastAggregateVerify([members.keys[m]!], messages[name], signature)
  /** The votes of a side that hold: all of them when their aggregate verifies (one pairing), else each checked alone. */
  const check = (name: 'yes' | 'no', entries: [number, { i: number; signature: Uint8Array }][]) => {
    const all = entries.length === 0 ? undefined : aggregateChecked(backend, entries.map(([m]) => members.keys[m]!), messages[name], entries.map(([, e]) => e.signature))
    const batchOk = all !== undefined
    const kept = new Map<number, { i: number; signature: Uint8Array }>()
    for (const [m, e] of entries) {
      if (batchOk || alone(m, name, e.signature)) kept.set(m, e)
      else invalid.push(e.i)
    }
    // The batch's aggregate is the side's, as long as the side does not change.
    aggregates[name] = batchOk ? all : undefined
    return kept
  }
  const aggregates: { yes: Uint8Array | undefined; no: Uint8Array | undefined } = { yes: undefined, no: undefined }
  const valid = { yes: check('yes', [...firsts.yes.entries()]), no: check('no', [...firsts.no.entries()]) }
  // A repeat with another signature than the counted one is checked (and refused if invalid); either way it counts once.
  for (const i of repeats) {
    const v = votes[i]!
    const name = v.vote ? 'yes' : 'no'
    const kept = valid[name].get(v.member)
    if (kept !== undefined && sameBytes(kept.signature, v.signature)) continue
    if (!alone(v.member, name, v.signature)) invalid.push(i)
    else if (kept === undefined) {
      valid[name].set(v.member, { i, signature: v.signature })
      aggregates[name] = undefined
    }
  }
  // Members on both sides: an equivocator when each vote verifies alone (evidence must hold alone, not only inside a
  // batch), counted on neither side; otherwise the vote that does not verify alone is refused.
  const equivocators: number[] = []
  const changed = { yes: false, no: false }
  for (const m of [...valid.yes.keys()].filter((m) => valid.no.has(m)).sort((a, b) => a - b)) {
    const y = valid.yes.get(m)!
    const n = valid.no.get(m)!
    const yOk = alone(m, 'yes', y.signature)
    const nOk = alone(m, 'no', n.signature)
    if (yOk && nOk) equivocators.push(m)
    if (!yOk) invalid.push(y.i)
    if (!nOk) invalid.push(n.i)
    if (!(yOk && !nOk)) valid.yes.delete(m)
    if (!(nOk && !yOk)) valid.no.delete(m)
    changed.yes ||= !(yOk && !nOk)
    changed.no ||= !(nOk && !yOk)
  }
  // A side accepted as a batch and then trimmed is checked again (its remaining votes may no longer sum right).
  for (const name of ['yes', 'no'] as const) if (changed[name]) valid[name] = check(name, [...valid[name].entries()])
  invalid.sort((a, b) => a - b)
  const side = (m: Map<number, { signature: Uint8Array }>, aggregate: Uint8Array | undefined): ProofSide | undefined => {
    if (m.size === 0) return undefined
    const signature = aggregate ?? backend.aggregateSignatures([...m.values()].map((e) => e.signature))
    if (signature === undefined) throw new BlsArgumentError('aggregating verified signatures failed') // unreachable: each verified
    return { signers: signerBitmap(m.keys(), members.size), signature }
  }
  const yes = side(valid.yes, aggregates.yes)
  const no = side(valid.no, aggregates.no)
  const proof: ApprovalProof | undefined =
    yes === undefined && no === undefined
      ? undefined
      : { epoch: ctx.epoch, proposalId: ctx.proposalId, proposalDigest: Uint8Array.from(ctx.proposalDigest), ...(yes ? { yes } : {}), ...(no ? { no } : {}) }
  return { proof, invalid, equivocators }
}

/**
 * Whether two signatures prove that a member signed both YES and NO on
 * the same proposal in the same epoch (equivocation): both verify under
 * its key. Never throws.
 *
 * @example
 * ```ts
 * import { blsKeyFromSeed, blsPublicKey, blsSign, blsVoteMessage, isBlsEquivocation } from '@demls/bls'
 * const sk = blsKeyFromSeed(new Uint8Array(32).fill(5))
 * const ctx = { conversationId: 'chat', epoch: 2n, proposalId: 1, proposalDigest: new Uint8Array(32) }
 * isBlsEquivocation(ctx, blsPublicKey(sk), blsSign(sk, blsVoteMessage(ctx, true)), blsSign(sk, blsVoteMessage(ctx, false))) // true
 * ```
 */
export function isBlsEquivocation(
  ctx: BlsVoteContext,
  publicKey: Uint8Array,
  yesSignature: Uint8Array,
  noSignature: Uint8Array,
  backend: BlsBackend = platformBackend,
): boolean {
  try {
    return backend.verify(publicKey, blsVoteMessage(ctx, true), yesSignature) && backend.verify(publicKey, blsVoteMessage(ctx, false), noSignature)
  } catch {
    return false
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!
  return d === 0
}
