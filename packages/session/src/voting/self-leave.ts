import { type Proposal, fromHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { keyOfTarget } from '../rules/targets.js'
import { bindingsOf } from './certificates.js'
import { selfLeaveProposalId } from './proposals.js'

/**
 * Send our self-leave proposal, encrypted for the current epoch, with the
 * binding of our own YES to it (`AppMessage.demls_vote_bindings`, which
 * reference peers ignore). A self-leave is its own proof: the leaver's
 * signed YES, bound to a removal of the leaver that the leaver proposed
 * for one voter, is an approval certificate every member verifies alone
 * (`verifyCertificate`'s self-leave path). Without the binding, the
 * members that received it held a vote they could not hand on, and
 * members that missed the proposal refused the commit carrying it
 * (`no verifiable approval for remove:<leaver>`).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { Proposal } from '@demls/wire'
 * import { sendSelfLeave } from '../voting/self-leave.js'
 * declare const core: ConversationCore
 * declare const proposal: Proposal // our self-leave, with our YES
 * await sendSelfLeave(core, proposal)
 * ```
 */
export async function sendSelfLeave(core: Pick<ConversationCore, 'id' | 'memberId' | 'config' | 'certificates' | 'plugins' | 'sendEncrypted'>, proposal: Proposal): Promise<void> {
  await core.sendEncrypted({ proposal, demlsVoteBindings: bindingsOf(core, proposal, proposal.votes) })
}

/**
 * After a merge: if our self-leave is still approved and not committed,
 * send it again at the epoch we reached. A self-leave is decided the moment
 * it arrives, by the member it arrives at, so its outcome exists only where
 * it arrived: sent while the group changed epoch, it reached the members
 * still at the old epoch (who approved it) but not those already past it
 * (who dropped it as from a past epoch), nor a member the commit welcomed.
 * Those then disagreed with the rest on what the next commit had to carry
 * and on the candidate pool of the next election, refused both, and stayed
 * behind for good. Sent again (same proposal, same signed YES and binding)
 * it reaches every member of the new epoch; those that hold it drop it as
 * `late`. Once per epoch change while the leave is pending. Returns whether
 * it was sent.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { resendPendingLeave } from '../voting/self-leave.js'
 * declare const core: ConversationCore
 * await resendPendingLeave(core) // at the end of every epoch transition
 * ```
 */
export async function resendPendingLeave(core: ConversationCore): Promise<boolean> {
  if (core.left) return false
  const id = selfLeaveProposalId(core.memberId)
  if (!core.queues.approved.has(id)) return false
  // The session may have been evicted since it resolved; the certificate we keep until the commit holds it too.
  const proposal = core.consensus.getProposal(core.id, id) ?? core.certificates.approved.get(keyOfTarget({ action: 'remove', member: core.memberId }))?.proposal
  if (proposal === undefined || !proposal.votes.some((v) => v.vote)) return false
  await sendSelfLeave(core, proposal)
  return true
}

/**
 * After a fork switch: the work queue went back to the branch point, so a
 * self-leave approved here since then (on the branch we left) is no longer
 * queued, though it is still its owner's intent and its own proof (the
 * leaver's signed YES; it needs no electorate). Queue again every
 * self-leave our consensus sessions approved whose leaver is still a
 * member. Without it the leave was never committed: the leaver no longer
 * re-sent it (it was not approved in its own queue either) and every
 * member already held its session, so a new call to `leave` was a no-op
 * (churn seed 154, default timing). Returns how many were queued.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { requeueSelfLeaves } from '../voting/self-leave.js'
 * declare const core: ConversationCore
 * requeueSelfLeaves(core, core.now) // at the end of a fork switch's epoch transition
 * ```
 */
export function requeueSelfLeaves(core: ConversationCore, now: number): number {
  let queued = 0
  for (const hex of core.memberSet()) {
    const memberId = fromHex(hex)
    const id = selfLeaveProposalId(memberId)
    if (core.queues.approved.has(id)) continue
    const session = core.consensus.getSession(core.id, id)
    if (session?.state !== 'reached' || session.result !== true) continue
    core.queues.approved.set(id, { payload: 'removeMember', removeMember: { memberId } })
    core.queues.noteApproved(id, now)
    queued++
  }
  return queued
}
