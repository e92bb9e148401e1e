import type { MembershipChange } from '@demls/mls'
import { type ApprovalCertificate, bytesEqual } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { verifyVoteBinding } from '../rules/certificate.js'
import { decodeRequest, keyOfTarget, targetKey } from '../rules/targets.js'
import { takeAttachedInvitation } from '../join/invite.js'
import { noteBindings } from './certificates.js'
import { onIncomingProposal, onIncomingVote } from './proposals.js'

/**
 * Take the proposals of a refused replay's certificates that we never
 * received, as if they had reached us late, and let our own voting decide
 * them (beyond the reference; `docs/security.md`, "A change decided at its
 * timeout that some members never saw").
 *
 * A change decided at its consensus timeout carries fewer signed votes than
 * the rule needs before it (silent voters weigh the liveness value there,
 * and silence never makes a certificate). A member that lost the proposal
 * and every vote on it, with too few members of its epoch attesting the
 * commit, used to refuse that commit for good. Now, for each offered
 * certificate (at most two per change, as `authorizeChanges` reads them)
 * whose proposal:
 *
 * - targets one of the commit's changes,
 * - is unknown to our consensus service, and we hold no saved vote on it,
 * - was opened for our electorate (`expected_voters_count` = our member count),
 * - and carries its owner's vote with a binding the owner signed over this
 *   very proposal (a proposal has no signature of its own: that binding is
 *   what authenticates its content),
 *
 * the proposal goes through the normal receive path with its owner's vote,
 * then every other vote of the certificate (each checked by the consensus
 * service, each binding checked against the proposal). We then vote on it
 * by our own policy (auto-vote, or the application), and our own consensus
 * result decides it: our signed vote and the others' can complete a
 * certificate, and a NO by policy leaves the commit refused. What it grants
 * an attacker is what broadcasting the proposal grants: the same checks,
 * the same session bounds and quotas, the same auto-vote.
 *
 * @returns how many proposals were taken
 */
export function adoptOfferedProposals(
  core: ConversationCore,
  offered: readonly ApprovalCertificate[],
  changes: readonly MembershipChange[],
  now: number,
): number {
  const wanted = new Set(changes.map((c) => keyOfTarget({ action: c.action, member: c.memberId })))
  const members = core.memberSet().size
  let adopted = 0
  for (const cert of offered.slice(0, changes.length * 2)) {
    const p = cert.proposal
    if (p === undefined || p.expectedVotersCount !== members) continue
    if (core.consensus.getProposal(core.id, p.proposalId) !== undefined || core.voting.ownVotes.has(p.proposalId)) continue
    const request = decodeRequest(p.payload)
    const key = request === undefined ? undefined : targetKey(request)
    if (key === undefined || !wanted.has(key)) continue
    const at = p.votes.findIndex((v) => bytesEqual(v.voteOwner, p.proposalOwner))
    const ownerVote = p.votes[at]
    const ownerBinding = cert.voteBindings[at]
    if (ownerVote === undefined || !verifyVoteBinding(core.plugins.consensus.signer, core.id, p, ownerVote, ownerBinding)) continue
    onIncomingProposal(core, { ...p, votes: [ownerVote] }, p.proposalOwner, now, [ownerBinding!])
    if (core.consensus.getProposal(core.id, p.proposalId) === undefined) continue
    adopted++
    // The invitation a join carries vouches in our vote as in anyone's.
    takeAttachedInvitation(core, request, now)
    for (const [i, vote] of p.votes.entries()) {
      if (i === at) continue
      onIncomingVote(core, vote, vote.voteOwner, now)
      // Forwarded, not sent by its voter: kept only once checked against the proposal.
      const binding = cert.voteBindings[i]
      if (binding !== undefined) noteBindings(core, p.proposalId, [vote], [binding])
    }
  }
  return adopted
}
