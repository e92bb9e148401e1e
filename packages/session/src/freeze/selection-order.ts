import type { ConversationUpdateRequest } from '@demls/wire'
import type { ProposalId } from '../conversation/queues.js'
import { compareBytes, toHex } from '../util/bytes.js'

/** One MLS action a commit must carry. */
export interface CommitAction {
  action: 'add' | 'remove'
  memberId: Uint8Array
}

/** One entry of the deterministic commit prefix. */
export interface PrefixEntry extends CommitAction {
  proposalId: ProposalId
  request: ConversationUpdateRequest
}

/** Inputs of {@link commitPrefix}. */
export interface CommitPrefixInit {
  /** Approved add/remove work in approval order. */
  approved: readonly (readonly [ProposalId, ConversationUpdateRequest])[]
  /** Whether a member id (hex) is currently in the group. */
  isMember: (memberIdHex: string) => boolean
  /** Urgent removal target (hex), if one is pending. */
  urgentTarget?: string | undefined
  /** At most this many actions. */
  max: number
}

/**
 * The work the next commit must carry, which every member computes the same
 * way (deviation 2 of `docs/deviations.md`): with an urgent removal pending,
 * just that removal; otherwise the approved queue in approval order, skipping
 * adds of current members and removes of non-members, at most `max`
 * entries. Candidates are validated against this prefix, so urgent and
 * capped batches are valid (the reference rejects them).
 */
export function commitPrefix(init: CommitPrefixInit): PrefixEntry[] {
  const out: PrefixEntry[] = []
  const seen = new Set<string>()
  for (const [proposalId, request] of init.approved) {
    let entry: PrefixEntry | undefined
    if (request.payload === 'memberInvite' && request.memberInvite) {
      entry = { proposalId, request, action: 'add', memberId: request.memberInvite.memberId }
    } else if (request.payload === 'removeMember' && request.removeMember) {
      entry = { proposalId, request, action: 'remove', memberId: request.removeMember.memberId }
    }
    if (entry === undefined) continue
    const hex = toHex(entry.memberId)
    if (init.urgentTarget !== undefined && (entry.action !== 'remove' || hex !== init.urgentTarget)) continue
    const member = init.isMember(hex)
    if ((entry.action === 'add' && member) || (entry.action === 'remove' && !member)) continue
    const key = `${entry.action}:${hex}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(entry)
    if (out.length >= init.max || init.urgentTarget !== undefined) break
  }
  return out
}

/** Canonical form of an action set: deduplicated, sorted `action:hex` strings. */
export function actionSetKey(actions: readonly CommitAction[]): string {
  return [...new Set(actions.map((a) => `${a.action}:${toHex(a.memberId)}`))].sort().join(',')
}

/** What selection needs to know about a buffered candidate. */
export interface RankedCandidate {
  /** Number of MLS proposal messages it carries. */
  proposalCount: number
  /** Claimed author (`CommitCandidate.steward_member_id`). */
  stewardMemberId: Uint8Array
  /** SHA-256 of the commit message. */
  commitHash: Uint8Array
}

/**
 * Filter and order candidates best-first (`reference-architecture.md` §9.4,
 * RFC "Commit validation service"): keep candidates carrying exactly
 * `expectedCount` proposals (`≤` with `allowSubset`); then (a) more
 * proposals first, (b) the live epoch steward's first, (c) smaller steward
 * id, (d) smaller commit hash. Whether a candidate is ours is ignored.
 */
export function orderCandidates<C extends RankedCandidate>(
  candidates: readonly C[],
  expectedCount: number,
  epochSteward: Uint8Array | undefined,
  allowSubset: boolean,
): C[] {
  const isEpochSteward = (c: C) => epochSteward !== undefined && compareBytes(c.stewardMemberId, epochSteward) === 0
  return candidates
    .filter((c) => (allowSubset ? c.proposalCount <= expectedCount : c.proposalCount === expectedCount))
    .sort(
      (a, b) =>
        b.proposalCount - a.proposalCount ||
        Number(isEpochSteward(b)) - Number(isEpochSteward(a)) ||
        compareBytes(a.stewardMemberId, b.stewardMemberId) ||
        compareBytes(a.commitHash, b.commitHash),
    )
}
