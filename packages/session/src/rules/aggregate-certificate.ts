import type { AggregateProofContext, AggregationMemberKeys, ConsensusAggregation, ConsensusRule } from '@demls/consensus'
import { type ApprovalCertificate, type ConversationUpdateRequest, type Proposal, decodeConversationUpdateRequest } from '@demls/wire'
import { proposalDigest } from './certificate.js'
import { type Target, targetOf } from './targets.js'

/**
 * The outcome `yes` signed YES and `no` signed NO decide **whatever the
 * members not counted would say**: `rule` gives YES even with every
 * uncounted member voting NO (or NO with every one voting YES). Stricter
 * than the rule before a timeout, where silent members may weigh as the
 * proposal's liveness value: an aggregator that left out some NO votes
 * could otherwise turn an undecided tally into YES, and only the voters
 * left out would know. Under this test no omission changes an outcome a
 * proof proves. `undefined` when the votes do not settle it.
 *
 * @example
 * ```ts
 * import { consensusResult } from '@demls/consensus'
 * import { settledBySignedVotes } from '@demls/session/rules'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal // 7 voters
 * settledBySignedVotes(consensusResult, proposal, 5, 0) // 'yes': 2 more NO would not change it
 * settledBySignedVotes(consensusResult, proposal, 4, 0) // undefined: 3 NO would leave it undecided
 * ```
 */
export function settledBySignedVotes(
  rule: ConsensusRule,
  proposal: Pick<Proposal, 'expectedVotersCount' | 'livenessCriteriaYes'>,
  yes: number,
  no: number,
): 'yes' | 'no' | undefined {
  const n = proposal.expectedVotersCount
  const uncounted = Math.max(0, n - yes - no)
  const tally = (y: number, nn: number) => {
    try {
      return rule({ expectedVoters: n, yes: y, no: nn, livenessCriteriaYes: proposal.livenessCriteriaYes, timedOut: false })
    } catch {
      return 'undecided'
    }
  }
  if (tally(yes, no + uncounted) === 'yes') return 'yes'
  if (tally(yes + uncounted, no) === 'no') return 'no'
  return undefined
}

/**
 * What a vote on `proposal` signed at `epoch` signs, and so what its
 * proof is checked against: the conversation, the epoch, the proposal's
 * id and digest (`proposalDigest`), and its liveness flag. The one context
 * of a vote, its aggregator's proof, a proof on arrival and a proof in a
 * certificate.
 *
 * @example
 * ```ts
 * import { aggregateProofContext } from '@demls/session/rules'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * const ctx = aggregateProofContext('chat', proposal, 7n) // what a vote of epoch 7 on it signs
 * ```
 */
export function aggregateProofContext(conversationId: string, proposal: Proposal, epoch: bigint): AggregateProofContext {
  return {
    conversationId,
    epoch,
    proposalId: proposal.proposalId,
    proposalDigest: proposalDigest(proposal),
    livenessCriteriaYes: proposal.livenessCriteriaYes,
  }
}

/**
 * What {@link verifyAggregateCertificate} checks a certificate against:
 * the members of the epoch the commit leaves, their ordered aggregation
 * keys (the bitmap order of a proof: ascending member id, one key per
 * member, built by the caller from the bindings it holds), the group's
 * rule, and the plug-in that checks proofs.
 *
 * @example
 * ```ts
 * import { type ConsensusPlugin, consensusResult } from '@demls/consensus'
 * import type { AggregateCertificateContext } from '@demls/session/rules'
 * declare const plugin: ConsensusPlugin // e.g. blsConsensusPlugin(signer, …)
 * declare const memberHexIds: string[]
 * declare const orderedKeys: Uint8Array[] // the members' bound keys, in member-id order
 * const ctx: AggregateCertificateContext = {
 *   conversationId: 'chat',
 *   members: new Set(memberHexIds),
 *   rule: consensusResult,
 *   aggregation: plugin.aggregation!,
 *   keys: plugin.aggregation!.memberKeys(orderedKeys),
 * }
 * ```
 */
export interface AggregateCertificateContext {
  /** The conversation (the votes are signed for it). */
  conversationId: string
  /** Hex member ids of the epoch the commit leaves: n, and the electorate the proof's bitmap indexes. */
  members: ReadonlySet<string>
  /** The group's consensus result rule. */
  rule: ConsensusRule
  /** Verifies the proof. */
  aggregation: Pick<ConsensusAggregation, 'verifyProof'>
  /** The ordered keys of `members`. */
  keys: AggregationMemberKeys
}

/**
 * Why an aggregate certificate proves nothing.
 *
 * @example
 * ```ts
 * import type { AggregateCertificateRefusal } from '@demls/session/rules'
 * const reason: AggregateCertificateRefusal = 'wrong-electorate' // opened for another member count
 * ```
 */
export type AggregateCertificateRefusal =
  | 'no-proposal'
  | 'undecodable-payload'
  | 'not-membership-work'
  | 'no-aggregate-proof'
  | 'wrong-electorate'
  | 'not-settled'
  | `proof:${string}`

/**
 * Verify that an aggregate proof (`ApprovalCertificate.demls_aggregate_proof`,
 * the proof that decided the proposal in a group whose consensus plug-in
 * aggregates votes) approved the certificate's proposal, whatever its
 * request: the proposal was opened for exactly the members of
 * `ctx.members`, the proof verifies over their keys for this
 * conversation, this proposal's digest and the epoch the certificate
 * names (the votes signed it: a wrong epoch fails the signature, it is no
 * claim), it decides YES, and its signed votes settle YES whatever the
 * members it leaves out said ({@link settledBySignedVotes}). `yes` is the
 * number of members whose signed YES it counts. The test a member applies
 * to a proof on arrival, so an outcome one member took from a proof is
 * provable to every member that missed it.
 *
 * @example
 * ```ts
 * import { type AggregateCertificateContext, verifyAggregateApproval } from '@demls/session/rules'
 * import type { ApprovalCertificate } from '@demls/wire'
 * declare const cert: ApprovalCertificate // e.g. StewardListNotice.certificate of an election a proof decided
 * declare const ctx: AggregateCertificateContext // the members of the election's epoch
 * const r = verifyAggregateApproval(cert, ctx)
 * if (r.ok && r.request.stewardElection) console.log(`${r.yes} of ${ctx.members.size} members signed YES`)
 * ```
 *
 * @returns the approved request, or why the certificate proves nothing
 */
export function verifyAggregateApproval(
  cert: ApprovalCertificate,
  ctx: AggregateCertificateContext,
): { ok: true; request: ConversationUpdateRequest; yes: number; voters: number } | { ok: false; reason: AggregateCertificateRefusal } {
  const decoded = decodeAggregated(cert)
  return decoded.ok ? checkProof(cert, decoded.proposal, decoded.request, ctx) : decoded
}

/**
 * Verify an approval certificate of an add or remove whose proof is an
 * aggregate signature ({@link verifyAggregateApproval}), and read its
 * target from the payload.
 *
 * @example
 * ```ts
 * import { type AggregateCertificateContext, verifyAggregateCertificate } from '@demls/session/rules'
 * import type { ApprovalCertificate } from '@demls/wire'
 * declare const cert: ApprovalCertificate // from CommitReplay.certificates
 * declare const ctx: AggregateCertificateContext
 * const r = verifyAggregateCertificate(cert, ctx)
 * console.log(r.ok ? `${r.target.action} approved by ${r.voters} signers` : r.reason)
 * ```
 *
 * @returns the approved target, or why the certificate proves nothing
 */
export function verifyAggregateCertificate(
  cert: ApprovalCertificate,
  ctx: AggregateCertificateContext,
): { ok: true; target: Target; request: ConversationUpdateRequest; voters: number } | { ok: false; reason: AggregateCertificateRefusal } {
  const decoded = decodeAggregated(cert)
  if (!decoded.ok) return decoded
  // Cheap checks first: a certificate of other work costs no pairing.
  const target = targetOf(decoded.request)
  if (target === undefined) return { ok: false, reason: 'not-membership-work' }
  const checked = checkProof(cert, decoded.proposal, decoded.request, ctx)
  return checked.ok ? { ok: true, target, request: checked.request, voters: checked.voters } : checked
}

/** The certificate's proposal and request, when it carries a proof. */
function decodeAggregated(
  cert: ApprovalCertificate,
): { ok: true; proposal: Proposal; request: ConversationUpdateRequest } | { ok: false; reason: AggregateCertificateRefusal } {
  const p = cert.proposal
  if (p === undefined) return { ok: false, reason: 'no-proposal' }
  if (cert.demlsAggregateProof.length === 0) return { ok: false, reason: 'no-aggregate-proof' }
  try {
    return { ok: true, proposal: p, request: decodeConversationUpdateRequest(p.payload) }
  } catch {
    return { ok: false, reason: 'undecodable-payload' }
  }
}

function checkProof(
  cert: ApprovalCertificate,
  p: Proposal,
  request: ConversationUpdateRequest,
  ctx: AggregateCertificateContext,
): { ok: true; request: ConversationUpdateRequest; yes: number; voters: number } | { ok: false; reason: AggregateCertificateRefusal } {
  if (p.expectedVotersCount !== ctx.members.size || ctx.keys.size !== ctx.members.size) return { ok: false, reason: 'wrong-electorate' }
  const verdict = ctx.aggregation.verifyProof(cert.demlsAggregateProof, aggregateProofContext(ctx.conversationId, p, cert.demlsAggregateEpoch), ctx.keys, {
    requireApproval: true,
  })
  if (!verdict.ok) return { ok: false, reason: `proof:${verdict.reason}` }
  if (verdict.outcome !== 'yes' || settledBySignedVotes(ctx.rule, p, verdict.yes.length, verdict.no.length) !== 'yes') return { ok: false, reason: 'not-settled' }
  return { ok: true, request, yes: verdict.yes.length, voters: verdict.yes.length + verdict.no.length }
}
