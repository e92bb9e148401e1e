import type { Vote } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { decodeRequest, keyOfTarget, targetOf } from '../rules/targets.js'
import { electOnStewardRemoval } from '../stewardship/stewardship.js'
import { takeGroupApproval } from './certificates.js'
import { keepLateVote, lateCertificate } from './crossed-proposals.js'

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
 * owner (MLS-authenticated), with its binding, is kept
 * (`keepLateVote`: one per member, for the newest `LATE_VOTES_KEPT`
 * proposals of `state/voting-state.ts`). Once the votes
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
 * The same votes also keep an approval we decided at the consensus
 * timeout with silent voters counted: its late votes are kept too, and at
 * the next epoch change `voidCrossedProposals` keeps the approval when
 * they prove it ({@link lateCertificate}) instead of voiding it (in the
 * slowest staggered wave of 2026-11-28, 4 members voided a join that way
 * while 19 approved it from signed votes).
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
  // An approval decided at its timeout waits for the epoch change with the votes kept (`voidCrossedProposals`).
  if (!keepLateVote(core, vote, sender, binding) || !core.voting.voided.has(id)) return false
  const cert = lateCertificate(core, id, now)
  const request = cert?.proposal === undefined ? undefined : decodeRequest(cert.proposal.payload)
  const target = request === undefined ? undefined : targetOf(request)
  if (cert === undefined || request === undefined || target === undefined) return false
  core.voting.voided.delete(id)
  core.voting.lateVotes.delete(id)
  const result = takeGroupApproval(core, id, request, core.memberSet(), now, { key: keyOfTarget(target), cert })
  if (result?.kind === 'queued-removal') await electOnStewardRemoval(core, result.target, now)
  return result !== undefined
}
