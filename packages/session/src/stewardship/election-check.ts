import { settledMembers } from '@demls/steward'
import type { StewardElectionProposal } from '@demls/wire'
import type { ConversationCore } from '../conversation/core.js'
import { electionRegenerates } from '../rules/steward-list.js'
import { toHex } from '../util/bytes.js'

/**
 * The candidate pool of an election: settled members (in recovery, minus
 * approved removals). A recovery election with no settled candidate left
 * (the settled ones are all being removed) takes the members who joined
 * this epoch, rather than none.
 */
export function electionPool(core: ConversationCore, recovery: boolean): Uint8Array[] {
  const epoch = core.epoch()
  const removing = recovery ? core.approvedRemovalTargets() : new Set<string>()
  const candidates = core.mls.members().filter((m) => !removing.has(toHex(m)))
  const settled = settledMembers(candidates, core.membership.joinEpochs, epoch)
  return recovery && settled.length === 0 ? candidates : settled
}

/**
 * The candidate pools an honest proposer could have used for an election
 * at `epoch`: the settled members, and the recovery pool (the settled
 * members minus the removals we hold approved; this epoch's joiners when
 * that leaves nobody). At our current epoch they are what we would
 * propose ourselves; at an earlier one, the members we recorded for it.
 * Empty when we hold no record of that epoch.
 */
function electionPools(core: ConversationCore, epoch: bigint): Uint8Array[][] {
  if (epoch === core.epoch()) return [electionPool(core, false), electionPool(core, true)]
  const seen = core.membership.epochHistory.get(epoch)
  if (seen === undefined) return []
  // As electionPool, over the members we recorded for that epoch.
  const removing = core.approvedRemovalTargets()
  const candidates = seen.members.filter((m) => !removing.has(toHex(m)))
  const recovery = settledMembers(candidates, seen.joinEpochs, epoch)
  return [settledMembers(seen.members, seen.joinEpochs, epoch), recovery.length === 0 ? candidates : recovery]
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
