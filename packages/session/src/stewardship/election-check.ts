import { settledMembers } from '@demls/steward'
import { type ApprovalCertificate, type StewardElectionProposal, decodeConversationUpdateRequest } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { verifyGroupOutcome } from '../rules/certificate.js'
import { honestQuorum } from '../rules/group-ahead.js'
import { electionRegenerates } from '../rules/steward-list.js'
import { toHex } from '../util/bytes.js'
import { approvedByProof } from '../voting/certificates.js'

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
 * still follows the group), or `certificate` proves the members of the
 * election's epoch approved exactly this election by signed votes
 * ({@link quorumElection}). An approved list of anyone's choosing is not.
 */
export function electionInstallable(core: ConversationCore, e: StewardElectionProposal, certificate?: ApprovalCertificate): boolean {
  if (e.retryRound > core.steward.maxRetries) return false
  if (regenerates(core, e)) return true
  const proven = quorumElection(core, certificate)
  return proven !== undefined && sameElection(proven, e)
}

function sameElection(a: StewardElectionProposal, b: StewardElectionProposal): boolean {
  return (
    a.electionEpoch === b.electionEpoch &&
    a.retryRound === b.retryRound &&
    a.proposedStewards.length === b.proposedStewards.length &&
    a.proposedStewards.every((m, i) => toHex(m) === toHex(b.proposedStewards[i]!))
  )
}

/**
 * The steward election `certificate` proves the group approved: its valid
 * signed votes of the members of the election's epoch pass the group's
 * rule with at least one honest YES among them (`verifyGroupOutcome`;
 * silence never makes a certificate) — or, in a group that aggregates
 * votes, the aggregate proof that decided it settles YES over their keys
 * with as many signed YES (`approvedByProof`) — and its list holds only members of
 * that epoch. Undefined otherwise, or when we do not remember that epoch's
 * members. One outcome per proposal: an honest member votes YES on an
 * election only when it regenerates over its own candidate pool
 * (`judgeElection`), so a member whose pool disagrees (it missed an
 * approved removal or leave, or joined after its approval) holds the
 * incomplete view and installs the group's list. A minority cannot sign
 * such a certificate, nor can a member electing itself: no honest member
 * votes for a list that does not regenerate over its pool.
 */
export function quorumElection(core: ConversationCore, certificate: ApprovalCertificate | undefined): StewardElectionProposal | undefined {
  const claimed = certificate === undefined ? undefined : electionIn(certificate)
  if (certificate === undefined || claimed === undefined) return undefined
  const members = claimed.electionEpoch === core.epoch() ? core.mls.members() : core.membership.epochHistory.get(claimed.electionEpoch)?.members
  if (members === undefined) return undefined
  const ids = new Set(members.map(toHex))
  const checked = verifyGroupOutcome(certificate, {
    conversationId: core.id,
    members: ids,
    rule: core.plugins.consensus.rule,
    verifier: core.plugins.consensus.signer,
  })
  // Or, in a group that aggregates votes, the proof that decided it (with as many honest signed YES).
  const proven = checked.ok ? undefined : approvedByProof(core, certificate, ids)
  const request = checked.ok ? checked.request : proven !== undefined && proven.yes >= honestQuorum(ids.size) ? proven.request : undefined
  const e = request?.stewardElection
  if (e === undefined || e.proposedStewards.length === 0 || !e.proposedStewards.every((m) => ids.has(toHex(m)))) return undefined
  return e
}

/** The steward election an approval certificate is for, if any. */
export function electionIn(certificate: ApprovalCertificate): StewardElectionProposal | undefined {
  const p = certificate.proposal
  if (p === undefined) return undefined
  try {
    return decodeConversationUpdateRequest(p.payload).stewardElection
  } catch {
    return undefined
  }
}
