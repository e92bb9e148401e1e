import type { Proposal } from '@demls/wire'
import type { ConversationCore } from '../conversation/core.js'
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
 * import type { ConversationCore } from '../conversation/core.js'
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
 * import type { ConversationCore } from '../conversation/core.js'
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
