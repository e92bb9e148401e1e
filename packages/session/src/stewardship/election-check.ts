import { settledMembers } from '@demls/steward'
import type { StewardElectionProposal } from '@demls/wire'
import type { ConversationCore } from '../conversation/core.js'
import { electionRegenerates } from '../rules/steward-list.js'
import { toHex } from '../util/bytes.js'

/**
 * The two candidate pools of an election over `members` at `epoch`: the
 * settled members, and the recovery pool (the settled members minus
 * `removing`, the approved removal targets; the members who joined at
 * `epoch` when that leaves nobody).
 */
function candidatePools(members: readonly Uint8Array[], joinEpochs: ReadonlyMap<string, bigint>, epoch: bigint, removing: ReadonlySet<string>) {
  const candidates = members.filter((m) => !removing.has(toHex(m)))
  const kept = settledMembers(candidates, joinEpochs, epoch)
  return { settled: settledMembers(members, joinEpochs, epoch), recovery: kept.length === 0 ? candidates : kept }
}

/**
 * The candidate pool of an election: settled members (in recovery, minus
 * approved removals). A recovery election with no settled candidate left
 * (the settled ones are all being removed) takes the members who joined
 * this epoch, rather than none.
 */
export function electionPool(core: ConversationCore, recovery: boolean): Uint8Array[] {
  const pools = candidatePools(core.mls.members(), core.membership.joinEpochs, core.epoch(), recovery ? core.approvedRemovalTargets() : new Set())
  return recovery ? pools.recovery : pools.settled
}

/**
 * The candidate pools an honest proposer could have used for an election
 * at `epoch` ({@link candidatePools}): at our current epoch, what we would
 * propose ourselves; at an earlier one, over the members we recorded for
 * it. Empty when we hold no record of that epoch.
 */
function electionPools(core: ConversationCore, epoch: bigint): Uint8Array[][] {
  const seen = epoch === core.epoch() ? { members: core.mls.members(), joinEpochs: core.membership.joinEpochs } : core.membership.epochHistory.get(epoch)
  if (seen === undefined) return []
  const { settled, recovery } = candidatePools(seen.members, seen.joinEpochs, epoch, core.approvedRemovalTargets())
  return [settled, recovery]
}

function regenerates(core: ConversationCore, e: StewardElectionProposal): boolean {
  return electionRegenerates(e, electionPools(core, e.electionEpoch), (epoch, pool, round) => core.steward.electableList(epoch, pool, round).members)
}

/**
 * Our automatic vote on a steward election (beyond the reference, which
 * votes by the proposer's liveness flag): YES only for the election we
 * would propose ourselves, at our epoch and retry round, over our
 * candidate pool (settled, or recovery); NO for anything else, a list of
 * the proposer's choosing above all.
 */
export function judgeElection(core: ConversationCore, e: StewardElectionProposal): boolean {
  return e.electionEpoch === core.epoch() && e.retryRound === core.steward.nextElectionRound && regenerates(core, e)
}

/**
 * Whether an approved election may be installed: its list is the one an
 * election over our candidate pool at its epoch proposes in its retry
 * round (any round up to the cap: a member that missed a rejected round
 * still follows the group). An approved list of anyone's choosing is not.
 */
export function electionInstallable(core: ConversationCore, e: StewardElectionProposal): boolean {
  return e.retryRound <= core.steward.maxRetries && regenerates(core, e)
}
