import { type ApprovalCertificate, type Proposal, bytesEqual } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { type CertificateContext, verifyCertificate } from '../rules/certificate.js'
import { decodeRequest, keyOfTarget, targetOf, targetSatisfied } from '../rules/targets.js'
import { electOnStewardRemoval } from '../stewardship/stewardship.js'
import { certifies, electoratesOf, takeGroupApproval } from './certificates.js'

/**
 * Hand-over of approved work (issue 56, beyond the reference): one outcome
 * per proposal, taken from its proof.
 *
 * A member decides a proposal from the votes that reach it. When a voter's
 * vote is lost on its way to the steward (and every re-send of it), the
 * steward's timer fails the proposal while the members holding every vote
 * approve it; they freeze for work the steward does not hold, get no
 * candidate and wait in Reelection, where an election changes who commits
 * but not what the stewards hold (the seed-78 stall of the fault runs, the
 * election storm for adds and removals). What the group decided is in the
 * approval certificate those members hold: the proposal with its signed
 * votes and their bindings. A member that froze for approved work and got
 * no candidate sends each such certificate that verifies to the group, and
 * a member that verifies it ({@link verifyCertificate}, the group's rule
 * over the members before any timeout, the same proof a commit replay
 * needs) takes that outcome over its own: it queues the work, keeps the
 * certificate for its commit, and a steward commits it.
 *
 * On the wire it is the proposal itself (`AppMessage.proposal`, its votes
 * inside, `demls_vote_bindings` beside them), sent by a member that need
 * not be its owner: a certificate is the owner's and the voters' signed
 * word, not the sender's, so anyone may carry it.
 */
export const HANDOVER_LIMITS = Object.freeze({
  /** Certificates we hand over at once (what we verify is bounded by `AVAILABILITY_LIMITS.handoverVerifications`). */
  perHandover: 8,
})

/** What a certificate handed to us is checked against: the members now, or of the epoch the proposal was opened in. */
function contexts(core: ConversationCore, proposal: Proposal): CertificateContext[] {
  const base = { conversationId: core.id, rule: core.plugins.consensus.rule, verifier: core.plugins.consensus.signer }
  return electoratesOf(core, proposal.expectedVotersCount, core.memberSet()).map((members) => ({ ...base, members }))
}

/**
 * Whether an incoming proposal is a hand-over to take through
 * {@link onHandedOver} rather than the vote path: it carries bindings of
 * more than one vote, and either its sender is not its owner (only a
 * certificate can come that way), or we have not approved it (the owner's
 * copy with the votes we missed, whether or not we hold the proposal: an
 * owner sends other members' votes only in a hand-over).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { Proposal } from '@demls/wire'
 * import { isHandOver } from '../voting/handover.js'
 * declare const core: ConversationCore
 * declare const proposal: Proposal
 * declare const sender: Uint8Array
 * if (isHandOver(core, proposal, sender, [])) console.log('a certificate of approved work')
 * ```
 */
export function isHandOver(
  core: Pick<ConversationCore, 'id' | 'config' | 'consensus' | 'queues'>,
  proposal: Proposal,
  sender: Uint8Array,
  bindings: readonly Uint8Array[],
): boolean {
  if (!certifies(core) || proposal.expectedVotersCount <= 1) return false
  if (bindings.filter((b) => b.length > 0).length < 2 || proposal.votes.length < 2) return false
  if (!bytesEqual(sender, proposal.proposalOwner)) return true
  // From its owner: an ordinary send carries the owner's vote at most, so other members' bound votes make it a
  // hand-over, also to a member that never held the proposal (it reached it only after the epoch it was opened
  // in, and the vote path would drop it as opened for another electorate: churn seed 79, stewards that never
  // held an approved removal while the members froze for it, round after round).
  return !core.queues.approved.has(proposal.proposalId)
}

/**
 * A certificate of approved work handed to us: verify it and, when it
 * proves an add or removal we do not hold as approved and that is not
 * already done, take the group's outcome (whatever our own timer decided).
 * Returns what happened, for the caller's fallback: `'refused'` when the
 * certificate proves nothing.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { Proposal } from '@demls/wire'
 * import { onHandedOver } from '../voting/handover.js'
 * declare const core: ConversationCore
 * declare const proposal: Proposal // with its signed votes
 * declare const bindings: Uint8Array[]
 * const r = await onHandedOver(core, proposal, bindings, core.now)
 * if (r === 'taken') console.log('approved by the group: queued for the next commit')
 * ```
 */
export async function onHandedOver(
  core: ConversationCore,
  proposal: Proposal,
  bindings: readonly Uint8Array[],
  now: number,
): Promise<'taken' | 'held' | 'refused'> {
  const cert: ApprovalCertificate = { proposal, voteBindings: [...bindings], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
  // Cheap checks first: work we hold or that is done costs no signature check.
  const claimed = decodeRequest(proposal.payload)
  const claimedTarget = claimed === undefined ? undefined : targetOf(claimed)
  if (claimedTarget === undefined) return 'refused'
  const before = core.memberSet()
  if (core.queues.isApprovedTarget(keyOfTarget(claimedTarget)) || targetSatisfied(claimedTarget, (h) => before.has(h))) return 'held'
  if (!core.catchUp.handoverBudget.take(now)) {
    core.emit({ type: 'dropped', reason: 'quota', detail: 'handed-over certificate past the verification budget' })
    return 'held'
  }
  let checked: ReturnType<typeof verifyCertificate> = { ok: false, reason: 'not-approved' }
  for (const ctx of contexts(core, proposal)) {
    checked = verifyCertificate(cert, ctx)
    if (checked.ok) break
  }
  if (!checked.ok) return 'refused'
  // The certificate's target is the one checked above (same payload, nothing in between).
  const key = keyOfTarget(claimedTarget)
  const id = proposal.proposalId
  // The group's outcome: our own (a timer's failure, a NO from a partial view) no longer counts.
  const result = takeGroupApproval(core, id, checked.request, before, now, { key, cert })
  if (result === undefined) return 'held'
  if (result.kind === 'queued-removal') await electOnStewardRemoval(core, result.target, now)
  return 'taken'
}

/**
 * We froze for approved work and got no candidate: send the certificate of
 * each add and removal the next commit must carry that verifies by the
 * group's rule, or the aggregate proof of this epoch that decided it (work
 * approved at a timeout holds no such proof and stays ours alone), at most {@link HANDOVER_LIMITS}.perHandover, each at most
 * once per `minIntervalMs`. Returns how many were sent.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { handOverApprovedWork } from '../voting/handover.js'
 * declare const core: ConversationCore
 * await handOverApprovedWork(core, core.now, 6_000) // on entering Reelection, and at each retry
 * ```
 */
export async function handOverApprovedWork(core: ConversationCore, now: number, minIntervalMs: number): Promise<number> {
  if (!certifies(core) || core.left) return 0
  const sentAt = core.catchUp.proposalResendAt
  let sent = 0
  for (const entry of core.prefix()) {
    if (sent >= HANDOVER_LIMITS.perHandover) break
    const cert = core.certificates.approved.get(keyOfTarget({ action: entry.action, member: entry.memberId }))
    const p = cert?.proposal
    if (cert === undefined || p === undefined || p.expectedVotersCount <= 1) continue
    if (now - (sentAt.get(p.proposalId) ?? Number.NEGATIVE_INFINITY) < minIntervalMs) continue
    // Checked as the receivers check it: against the members now, or of the epoch it was opened in.
    if (contexts(core, p).some((ctx) => verifyCertificate(cert, ctx).ok)) {
      sentAt.set(p.proposalId, now)
      await core.sendEncrypted({ proposal: p, demlsVoteBindings: cert.voteBindings })
      sent++
    } else if (cert.demlsAggregateProof.length > 0 && cert.demlsAggregateEpoch === core.epoch()) {
      // Decided by an aggregate proof of this epoch: the proof again, which members check as on its first delivery.
      sentAt.set(p.proposalId, now)
      await core.sendEncrypted({ demlsAggregateProof: { proposal: p, proof: cert.demlsAggregateProof } })
      sent++
    }
  }
  return sent
}
