import { type ConversationUpdateRequest, toHex } from '@demls/wire'
import { countedCandidates } from '../freeze/candidate-auth.js'
import { expectedCandidates } from '../freeze/commit-flow.js'
import { selfLeaveProposalId } from '../voting/proposals.js'
import type { ConversationCore } from '../core/core.js'
import type { ProposalId } from '../core/queues.js'

/**
 * A member's role in the current epoch (the reference's `MemberRole`):
 * - `epoch-steward`: commits this epoch's approved work first and sponsors
 *   announced joiners;
 * - `backup-steward`: the next eligible steward, which takes over after the
 *   inactivity windows;
 * - `steward`: any other member of the installed steward list;
 * - `member`: everyone else.
 *
 * Rotation is live: stewards that are no longer members or whose removal is
 * approved are skipped. When the list no longer covers the epoch (an
 * election is due), its members are all `steward` and nobody is
 * `epoch-steward` or `backup-steward`.
 *
 * Beyond the reference, roles are the *acting* ones: a steward we have not
 * heard from for the suspect window (`suspectWindowMs`) is skipped too, so
 * `epoch-steward` is the member that does the epoch steward's work here
 * ({@link Conversation.epochSteward}, {@link Conversation.isEpochSteward})
 * and `backup-steward` the one that would act after it. While every
 * steward is heard from this is exactly the shared rotation; otherwise it
 * is a local view and members may differ (candidate order and scoring keep
 * using the shared rotation).
 *
 * @example
 * ```ts
 * import type { ConversationHandle, MemberRole } from '@demls/session'
 * declare const chat: ConversationHandle
 * const mine: MemberRole | undefined = chat.role() // ours
 * if (mine === 'epoch-steward') console.log('we commit this epoch')
 * ```
 */
export type MemberRole = 'epoch-steward' | 'backup-steward' | 'steward' | 'member'

/**
 * One member and its role, as returned by {@link Conversation.memberRoles}.
 *
 * @example
 * ```ts
 * import type { ConversationHandle, MemberRoleEntry } from '@demls/session'
 * import { toHex } from '@demls/wire'
 * declare const chat: ConversationHandle
 * const roles: MemberRoleEntry[] = chat.memberRoles()
 * for (const { memberId, role } of roles) console.log(toHex(memberId), role)
 * ```
 */
export interface MemberRoleEntry {
  memberId: Uint8Array
  role: MemberRole
}

/**
 * One entry of the approved queue, as returned by {@link Conversation.approvedProposals}.
 *
 * @example
 * ```ts
 * import type { ApprovedProposal, ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * const approved: ApprovedProposal[] = chat.approvedProposals()
 * for (const p of approved) console.log(p.proposalId, p.kind, p.inNextCommit ? 'in the next commit' : 'waiting')
 * ```
 */
export interface ApprovedProposal {
  /** The consensus proposal that approved it. */
  proposalId: ProposalId
  /** What the commit does to `memberId`. */
  kind: 'add' | 'remove'
  /** The member added or removed. */
  memberId: Uint8Array
  /** Whether it is a self-leave (the member's own deterministic-id proposal). */
  selfLeave: boolean
  /**
   * Whether the next commit carries it: the deterministic prefix of the
   * approved queue (with an urgent removal pending, just that removal; at
   * most `commitBatchMax` entries). Entries outside it wait for a later
   * commit.
   */
  inNextCommit: boolean
  /** The approved request as voted on. */
  request: ConversationUpdateRequest
}

/**
 * Freeze-round progress, as returned by {@link Conversation.freezeCandidateCount}.
 *
 * @example
 * ```ts
 * import type { ConversationHandle, FreezeCandidateCount } from '@demls/session'
 * declare const chat: ConversationHandle
 * const { received, expected }: FreezeCandidateCount = chat.freezeCandidateCount()
 * console.log(`freeze: ${received}/${expected} candidate commits`)
 * ```
 */
export interface FreezeCandidateCount {
  /** Commit candidates buffered for the current epoch (0 outside Freezing and Selection). */
  received: number
  /** Candidates the round waits for: the eligible stewards (every eligible member in recovery mode). */
  expected: number
}

/** Every current member with its role, in leaf order (`member_roles`). */
export function memberRoles(core: ConversationCore, now: number): MemberRoleEntry[] {
  const epoch = core.epoch()
  const hasList = core.steward.currentList() !== undefined
  const exhausted = core.steward.isExhausted(epoch)
  const { epochSteward, backup } = core.actingStewards(now)
  const es = epochSteward === undefined ? undefined : toHex(epochSteward)
  const bs = backup === undefined ? undefined : toHex(backup)
  return core.mls.members().map((memberId) => {
    const h = toHex(memberId)
    const onList = hasList && core.steward.isSteward(memberId)
    let role: MemberRole = onList ? 'steward' : 'member'
    if (hasList && !exhausted) {
      if (h === es) role = 'epoch-steward'
      else if (h === bs) role = 'backup-steward'
    }
    return { memberId, role }
  })
}

/**
 * Current members with a self-leave waiting for its commit
 * (`pending_leave_member_ids`): their deterministic-id self-removal was
 * received and approved, and no commit has removed them yet.
 */
export function pendingLeaves(core: ConversationCore): Uint8Array[] {
  return core.mls.members().filter((m) => {
    const r = core.queues.approved.get(selfLeaveProposalId(m))
    return r?.payload === 'removeMember' && r.removeMember !== undefined && toHex(r.removeMember.memberId) === toHex(m)
  })
}

/**
 * The approved add/remove work of the current epoch, in approval order
 * (`approved_proposals_for_current_epoch`), each marked with whether the
 * next commit carries it.
 */
export function approvedProposals(core: ConversationCore): ApprovedProposal[] {
  const next = new Set(core.prefix().map((e) => e.proposalId))
  const out: ApprovedProposal[] = []
  for (const [proposalId, request] of core.queues.approvedMlsWork()) {
    const memberId = request.payload === 'memberInvite' ? request.memberInvite?.memberId : request.removeMember?.memberId
    if (memberId === undefined) continue
    const kind = request.payload === 'memberInvite' ? 'add' : 'remove'
    out.push({
      proposalId,
      kind,
      memberId,
      selfLeave: kind === 'remove' && proposalId === selfLeaveProposalId(memberId),
      inNextCommit: next.has(proposalId),
      request,
    })
  }
  return out
}

/** Freeze-round progress (`freeze_candidate_count`). */
export function freezeCandidateCount(core: ConversationCore): FreezeCandidateCount {
  const inRound = core.sm.state === 'freezing' || core.sm.state === 'selection'
  return { received: inRound ? countedCandidates(core) : 0, expected: expectedCandidates(core) }
}
