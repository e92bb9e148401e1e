import { toHex } from '@demls/wire'
import type { ConversationConfig } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { groupMovedOn, isBehind } from '../sync/catch-up.js'
import { initiateProposal, selfLeaveProposalId } from '../voting/proposals.js'
import { resendPendingLeave } from '../voting/self-leave.js'
import { electionPool } from './election-check.js'
import { handOverApprovedWork } from '../voting/handover.js'

/**
 * How long a member in Reelection waits for an election proposal before
 * the next member in line files it: the election's voting delay plus the
 * consensus timeout (a proposal filed by then has reached us, or was lost).
 *
 * @example
 * ```ts
 * import { reelectionRetryMs } from '../stewardship/reelection.js'
 * import { FAST_TIMING, resolveConfig } from '@demls/session'
 * reelectionRetryMs(resolveConfig(FAST_TIMING)) // electionVotingDelayMs + consensusTimeoutMs
 * ```
 */
export function reelectionRetryMs(config: Pick<ConversationConfig, 'electionVotingDelayMs' | 'consensusTimeoutMs'>): number {
  return config.electionVotingDelayMs + config.consensusTimeoutMs
}

/**
 * When the next reelection retry is due (the `reelection` wake-up): every
 * {@link reelectionRetryMs} after we entered Reelection ({@link retryReelection}
 * forgets that moment once we left it).
 */
export function reelectionDeadline(core: ConversationCore, now: number): number | undefined {
  const at = core.stewardship.reelectionAt
  if (at === undefined) return undefined
  const step = reelectionRetryMs(core.config)
  return at + step * (Math.floor(Math.max(0, now - at) / step) + 1)
}

/**
 * The members that file a recovery election in turn when nobody did
 * (beyond the reference): the head of the list the election proposes, then
 * the rest of the pool by id, without the stewards of the list that failed
 * (they were the responsible proposers, and may never have seen the work:
 * a steward that lost the proposal and its votes stays Working, while the
 * members that froze for it wait in Reelection for an election only it
 * would file). Every member in Reelection at our epoch computes the same
 * order. When the old list holds the whole pool, every member takes its
 * turn.
 */
function fallbackProposers(core: ConversationCore, proposed: readonly Uint8Array[], pool: readonly Uint8Array[]): string[] {
  const failed = new Set((core.steward.currentList()?.members ?? []).map(toHex))
  const order = [...new Set([...proposed.map(toHex), ...pool.map(toHex).sort()])]
  const others = order.filter((h) => !failed.has(h))
  // A group whose every member is on the old list (two members, both stewards): take turns among all of them.
  return others.length > 0 ? others : order
}

/**
 * Reelection that nobody moves (beyond the reference): the members that
 * froze for approved work and got no candidate enter Reelection, and the
 * recovery election is filed only by the responsible proposer, the first
 * steward of the old list we heard from lately. When that steward never
 * saw the work (it lost the proposal and every vote on it), it stays
 * Working, files nothing, and the group waited in Reelection for good (the
 * seeded fault runs at 20 % loss with 12 members, ten of twelve members
 * once). Now, each {@link reelectionRetryMs} without an election proposal
 * at our epoch, the next member of {@link fallbackProposers} files the same
 * recovery election (same list, epoch and retry round as the responsible
 * proposer would: members validate it by regenerating it); everyone votes
 * on it as on any election. Never while we know the group is ahead of us
 * (`isBehind`, `groupMovedOn`): then we catch up instead.
 */
export async function retryReelection(core: ConversationCore, now: number): Promise<void> {
  const at = core.stewardship.reelectionAt
  if (at === undefined) return
  if (core.sm.state !== 'reelection') {
    core.stewardship.reelectionAt = undefined
    return
  }
  if (core.electionProposed()) return
  // Never while the group is ahead of us: a laggard alone in Reelection would decide its own election at its
  // timeout (the others, an epoch on, drop it), elect a list with itself on it and commit alone (a fork; the
  // 12-member fault runs found it). Catching up is its way out.
  if (isBehind(core) || groupMovedOn(core, now)) return
  const attempt = Math.floor((now - at) / reelectionRetryMs(core.config))
  if (attempt < 1) return
  // Our own leave may be the work we froze for: the stewards may never have received it (it is sent again after
  // merges only, and none comes while we wait). It is its own proof: they approve it the moment it arrives, and
  // commit it. Without this, FAST_TIMING at 20 % loss: the fallback proposers elected the same list again every
  // few seconds, each election landing, the members Working, freezing for the leave, Reelection again (hundreds
  // of elections in a churn run), since no election makes the stewards hold a leave they never received.
  // Once per wait (every poll calls this), under the same clock as the answers to a ProposalRequest for it.
  const leave = selfLeaveProposalId(core.memberId)
  if (core.queues.approved.has(leave)) {
    const sent = core.catchUp.proposalResendAt
    if (now - (sent.get(leave) ?? Number.NEGATIVE_INFINITY) < reelectionRetryMs(core.config)) return
    if (await resendPendingLeave(core)) {
      sent.set(leave, now)
      return
    }
  }
  // Approved work the stewards may have decided otherwise (a vote lost on its way to them): its proof, once per
  // retry. A steward that takes it commits it (electing again alone would not make it hold the work); the election
  // still follows, for a steward that is gone.
  await handOverApprovedWork(core, now, reelectionRetryMs(core.config))
  const epoch = core.epoch()
  const pool = electionPool(core, true)
  const round = core.steward.nextElectionRound
  const list = core.steward.electableList(epoch, pool, round)
  const order = fallbackProposers(core, list.members, pool)
  if (order.length === 0 || order[(attempt - 1) % order.length] !== core.memberHex) return
  await initiateProposal(
    core,
    { payload: 'stewardElection', stewardElection: { proposedStewards: [...list.members], electionEpoch: epoch, retryRound: round } },
    'deferred',
    now,
  )
}
