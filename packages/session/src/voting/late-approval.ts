import { type ApprovalCertificate, type Vote, bytesEqual, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { verifyCertificate } from '../rules/certificate.js'
import { decodeRequest, keyOfTarget, targetOf, targetSatisfied } from '../rules/targets.js'
import { evictOldest } from '../state/bounded.js'
import { LATE_VOTES_KEPT } from '../state/voting-state.js'
import { initiateStewardElection } from '../stewardship/stewardship.js'
import { localCertificate, takeGroupApproval } from './certificates.js'
import { checkableElectorates, countedVotesPass } from './crossed-proposals.js'

/**
 * A proposal we voided that the group approved (issue 56, one outcome per
 * proposal): take the approval from the signed votes that reach us after
 * the void.
 *
 * A member voids an add or removal a commit crossed at its own timeout
 * when the signed votes it holds do not pass the rule, and one it
 * approved only with silence counted when the next commit does not carry
 * it (`voting/crossed-proposals.ts`). Under load the votes reach members
 * seconds apart: some hold enough signed votes in time and approve, the
 * others void (the real network's bursts: in 3 of 4 slow runs the first
 * void of a cascade was such a split). The consensus service takes no
 * vote on a proposal it closed (`late`), so the members that voided it
 * disputed the next candidate that carried it and caught up by replay,
 * and opened it again.
 *
 * Now a vote that reaches us late for a proposal we voided, sent by its
 * owner (MLS-authenticated), with its binding, is kept (one per member,
 * for the newest {@link LATE_VOTES_KEPT} voided proposals). Once the votes
 * we held at the void and those kept since pass the group's rule over an
 * electorate every member of ours can check (`checkableElectorates`, the
 * void rule's own), the certificate they make is verified
 * (`verifyCertificate`: each vote's signature, window and binding; the
 * hand-over budget bounds how often) and, when it holds, the approval is
 * ours as if it had been handed over (`takeGroupApproval`:
 * `consensus-reached` with `approved: true`, the work queued with its
 * certificate). A vote that does not hold is not counted; it cannot make
 * an approval the signed votes do not.
 *
 * @returns whether we took the approval
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { Vote } from '@demls/wire'
 * import { takeLateApproval } from '../voting/late-approval.js'
 * declare const core: ConversationCore
 * declare const vote: Vote
 * declare const sender: Uint8Array
 * declare const binding: Uint8Array
 * if (await takeLateApproval(core, vote, sender, core.now, binding)) console.log('the group approved it after all')
 * ```
 */
export async function takeLateApproval(core: ConversationCore, vote: Vote, sender: Uint8Array, now: number, binding: Uint8Array | undefined): Promise<boolean> {
  const id = vote.proposalId
  if (!core.voting.voided.has(id) || binding === undefined || binding.length === 0 || !bytesEqual(vote.voteOwner, sender)) return false
  const p = core.consensus.getProposal(core.id, id)
  const request = p === undefined ? undefined : decodeRequest(p.payload)
  const target = request === undefined ? undefined : targetOf(request)
  if (p === undefined || request === undefined || target === undefined) return false
  const members = core.memberSet()
  const key = keyOfTarget(target)
  // Done, or approved here already (a proof, our new proposal): nothing to take.
  if (core.queues.isApprovedTarget(key) || targetSatisfied(target, (h) => members.has(h))) return false
  const voter = toHex(vote.voteOwner)
  const kept = core.voting.lateVotes.get(id) ?? new Map<string, { vote: Vote; binding: Uint8Array }>()
  if (kept.has(voter) || p.votes.some((v) => bytesEqual(v.voteOwner, vote.voteOwner))) return false
  kept.set(voter, { vote, binding })
  core.voting.lateVotes.set(id, kept)
  evictOldest(core.voting.lateVotes, LATE_VOTES_KEPT)
  const held = localCertificate(core, id)
  if (held?.proposal === undefined) return false
  const late = [...kept.values()]
  const cert: ApprovalCertificate = {
    ...held,
    proposal: { ...held.proposal, votes: [...held.proposal.votes, ...late.map((k) => k.vote)] },
    voteBindings: [...held.voteBindings, ...late.map((k) => k.binding)],
  }
  // Counted first as they are (cheap); their signatures only once they would pass.
  const electorates = checkableElectorates(core, p.expectedVotersCount)
  if (!electorates.some((m) => countedVotesPass(core, cert.proposal!, m))) return false
  if (!core.catchUp.handoverBudget.take(now)) {
    core.emit({ type: 'dropped', reason: 'quota', detail: 'late votes past the verification budget' })
    return false
  }
  const context = { conversationId: core.id, rule: core.plugins.consensus.rule, verifier: core.plugins.consensus.signer }
  if (!electorates.some((m) => verifyCertificate(cert, { ...context, members: m }).ok)) return false
  core.voting.voided.delete(id)
  core.voting.lateVotes.delete(id)
  const result = takeGroupApproval(core, id, request, members, now, { key, cert })
  if (result?.kind === 'queued-removal' && core.steward.isSteward(result.target)) await initiateStewardElection(core, true, now)
  return result !== undefined
}
