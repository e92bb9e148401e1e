import { deadlock, emergencyUpdateRequest, scoreBelowThreshold, withCreator } from '@demls/scoring'
import type { ConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { ConversationQueues } from '../src/core/queues.js'
import { BoundedSet } from '../src/state/bounded.js'
import { commitPrefix } from '../src/rules/selection-order.js'
import { toHex } from '../src/util/bytes.js'
import { applyConsensusResult } from '../src/rules/apply-result.js'
import { selfLeaveProposalId } from '../src/voting/proposals.js'

/**
 * The 13 unit tests of the reference's `src/conversation/queues.rs`
 * (vacp2p/de-mls 4.x), one `it` per Rust test, same intent, against our
 * `ConversationQueues` and the functions that mutate it. Where the reference
 * keeps a queue operation we do not have (it is dead code there, or it is
 * done by another function here), the title says what we test instead.
 */

const member = (n: number) => new Uint8Array(20).fill(n)
const remove = (n: number): ConversationUpdateRequest => ({ payload: 'removeMember', removeMember: { memberId: member(n) } })
const invite = (n: number): ConversationUpdateRequest => ({
  payload: 'memberInvite',
  memberInvite: { memberId: member(n), keyPackageBytes: new Uint8Array(8) },
})
const approvedIds = (q: ConversationQueues) => [...q.approved.keys()]
const isMemberOf = (ids: number[]) => {
  const set = new Set(ids.map((n) => toHex(member(n))))
  return (hex: string) => set.has(hex)
}

describe('reference: queues.rs', () => {
  it('test_prune_clears_self_leave_entry_when_member_gone: once the leaver is gone, its buffered self-leave and its approved removal leave the queues', () => {
    const q = new ConversationQueues()
    const leaver = member(2)
    const id = selfLeaveProposalId(leaver)
    // A receiver buffers the self-leave request, and its approval queues the removal.
    q.bufferUpdate(remove(2), 1n)
    expect(applyConsensusResult(q, id, true, remove(2), isMemberOf([1, 2, 3])).kind).toBe('queued-removal')
    expect(q.pendingUpdates.size).toBe(1)
    expect(q.isApprovedTarget(`remove:${toHex(leaver)}`)).toBe(true)
    // Commit merged: the leaver is no longer a member.
    expect(q.pruneSatisfiedUpdates(isMemberOf([1, 3]))).toBe(1)
    expect(q.pendingUpdates.size).toBe(0)
    // The approved removal is satisfied: the next commit prefix no longer carries it.
    expect(commitPrefix({ approved: q.approvedMlsWork(), isMember: isMemberOf([1, 3]), max: 50 })).toEqual([])
  })

  it('resolved_cache_records_and_evicts_fifo', () => {
    const cache = new BoundedSet<number>(3)
    cache.add(1)
    cache.add(2)
    cache.add(3)
    expect([1, 2, 3].every((n) => cache.has(n))).toBe(true)
    cache.add(4)
    expect(cache.has(1)).toBe(false)
    expect([2, 3, 4].every((n) => cache.has(n))).toBe(true)
  })

  it('resolved_cache_dedupes_and_does_not_bump_position', () => {
    const cache = new BoundedSet<number>(3)
    cache.add(1)
    cache.add(2)
    expect(cache.add(1)).toBe(false) // no-op: 1 keeps its slot
    cache.add(3)
    expect(cache.values()).toEqual([1, 2, 3])
    cache.add(4)
    expect(cache.has(1)).toBe(false)
    expect(cache.values()).toEqual([2, 3, 4])
  })

  it('mark_consensus_outcome_persists_in_resolved_cache (the resolved set is what makes a second outcome a no-op)', () => {
    const q = new ConversationQueues()
    expect(q.resolved.has(42)).toBe(false)
    expect(q.resolved.add(42)).toBe(true)
    expect(q.resolved.has(42)).toBe(true)
    expect(q.resolved.add(42)).toBe(false)
    // The resolved cache of a conversation keeps 256 outcomes.
    expect(q.resolved.capacity).toBe(256)
  })

  it('test_reject_all_approved_preserves_all_remove_member (demls: a failed freeze rejects nothing, so removals and adds both survive)', () => {
    // The reference's reject_all_approved_proposals is unused in its production
    // paths (reference-architecture §14.8); on NoCandidate both implementations
    // keep the approved queue. What must hold: removals (ban, ECP) survive,
    // in approval order, and nothing non-MLS enters the queue.
    const q = new ConversationQueues()
    const ecp = emergencyUpdateRequest(withCreator(scoreBelowThreshold(member(3), 1n, -1n), member(1))) as ConversationUpdateRequest
    applyConsensusResult(q, 0x1111_2222, true, remove(2))
    applyConsensusResult(q, 0x3333_4444, true, ecp)
    applyConsensusResult(q, 0x5555_6666, true, invite(99))
    expect(approvedIds(q)).toEqual([0x1111_2222, 0x3333_4444, 0x5555_6666])
    expect(q.approved.get(0x3333_4444)).toEqual(remove(3))
    expect(q.approvedMlsWork()).toHaveLength(3)
  })

  it('test_approved_proposals_preserve_fifo_across_mutations', () => {
    const q = new ConversationQueues()
    applyConsensusResult(q, 500, true, remove(2))
    applyConsensusResult(q, 100, true, remove(3))
    applyConsensusResult(q, 300, true, remove(4))
    expect(approvedIds(q)).toEqual([500, 100, 300])
    q.approved.delete(100)
    expect(approvedIds(q)).toEqual([500, 300])
    // Approving the same target again neither duplicates nor reorders.
    expect(applyConsensusResult(q, 500, true, remove(2))).toEqual({ kind: 'no-action', reason: 'duplicate-target' })
    expect(applyConsensusResult(q, 700, true, remove(2))).toEqual({ kind: 'no-action', reason: 'duplicate-target' })
    expect(approvedIds(q)).toEqual([500, 300])
    // The commit prefix follows approval order, not id order.
    const prefix = commitPrefix({ approved: q.approvedMlsWork(), isMember: () => true, max: 50 })
    expect(prefix.map((e) => e.proposalId)).toEqual([500, 300])
  })

  it('test_urgent_commit_target_set_take_clears (set by an accepted score ECP; the prefix is just that removal)', () => {
    const q = new ConversationQueues()
    expect(q.urgentTarget).toBeUndefined()
    applyConsensusResult(q, 1, true, invite(5))
    const ecp = emergencyUpdateRequest(withCreator(scoreBelowThreshold(member(7), 1n, -1n), member(1))) as ConversationUpdateRequest
    expect(applyConsensusResult(q, 2, true, ecp).kind).toBe('urgent-removal')
    expect(q.urgentTarget).toBe(toHex(member(7)))
    const urgent = commitPrefix({ approved: q.approvedMlsWork(), isMember: (h) => h !== toHex(member(5)), urgentTarget: q.urgentTarget, max: 50 })
    expect(urgent.map((e) => [e.action, toHex(e.memberId)])).toEqual([['remove', toHex(member(7))]])
    // Cleared (by the merge that carried the removal, freeze/commit-flow.ts afterMerge): normal batching resumes.
    q.urgentTarget = undefined
    const normal = commitPrefix({ approved: q.approvedMlsWork(), isMember: (h) => h !== toHex(member(5)), urgentTarget: q.urgentTarget, max: 50 })
    expect(normal.map((e) => e.action)).toEqual(['add', 'remove'])
  })

  it('test_drop_approved_removals_for_target (demls: a second removal of a target is never queued, and a departed target drops out of the prefix)', () => {
    const q = new ConversationQueues()
    expect(applyConsensusResult(q, 100, true, remove(7)).kind).toBe('queued-removal')
    expect(applyConsensusResult(q, 101, true, remove(7)).kind).toBe('no-action')
    expect(applyConsensusResult(q, 200, true, remove(9)).kind).toBe('queued-removal')
    expect(approvedIds(q)).toEqual([100, 200])
    // The victim left by another commit: its removal is satisfied, the bystander's is not.
    const prefix = commitPrefix({ approved: q.approvedMlsWork(), isMember: isMemberOf([1, 9]), max: 50 })
    expect(prefix.map((e) => e.proposalId)).toEqual([200])
  })

  it('test_expire_pending_updates_drops_entries_older_than_max_age', () => {
    const q = new ConversationQueues()
    expect(q.bufferUpdate(remove(7), 0n)).toBe(true)
    expect(q.bufferUpdate(remove(9), 4n)).toBe(true)
    expect(q.pendingUpdates.size).toBe(2)
    expect(q.expireUpdates(5n, 1)).toBe(1)
    expect([...q.pendingUpdates.keys()]).toEqual([`remove:${toHex(member(9))}`])
  })

  it('test_expire_pending_updates_max_age_zero_keeps_only_current_epoch', () => {
    const q = new ConversationQueues()
    q.bufferUpdate(remove(7), 4n)
    q.bufferUpdate(remove(9), 5n)
    expect(q.expireUpdates(5n, 0)).toBe(1)
    expect([...q.pendingUpdates.keys()]).toEqual([`remove:${toHex(member(9))}`])
  })

  it('clear_voting_proposals_empties_owner_queue (demls: each resolution, approved or rejected, leaves the owner queue)', () => {
    // clear_voting_proposals is unused in the reference's production paths (§14.8).
    const q = new ConversationQueues()
    q.voting.set(1, remove(2))
    q.voting.set(2, invite(3))
    expect(q.isVotingTarget(`remove:${toHex(member(2))}`)).toBe(true)
    applyConsensusResult(q, 1, false, remove(2))
    applyConsensusResult(q, 2, true, invite(3))
    expect(q.voting.size).toBe(0)
    expect(q.isVotingTarget(`remove:${toHex(member(2))}`)).toBe(false)
    expect(q.isVotingTarget(`add:${toHex(member(3))}`)).toBe(false)
  })

  it('pending_removal_target_observe_resolve_cycle', () => {
    const q = new ConversationQueues()
    const target = toHex(member(10))
    expect(q.pendingRemovalTargets.has(target)).toBe(false)
    q.pendingRemovalTargets.add(target)
    q.pendingRemovalTargets.add(target) // idempotent
    expect(q.pendingRemovalTargets.size).toBe(1)
    // A commit after which the target is still a member keeps the mark; once it left, the mark goes.
    q.dropDepartedRemovals(isMemberOf([1, 10]))
    expect(q.pendingRemovalTargets.has(target)).toBe(true)
    q.dropDepartedRemovals(isMemberOf([1]))
    expect(q.pendingRemovalTargets.has(target)).toBe(false)
  })

  it('below_threshold_target_queued_for_removal_is_not_re_proposed', () => {
    const q = new ConversationQueues()
    const target = member(7)
    const request = emergencyUpdateRequest(withCreator(scoreBelowThreshold(target, 0n, 0n), member(1))) as ConversationUpdateRequest
    q.voting.set(300, request)
    q.pendingRemovalTargets.add(toHex(target))
    expect(applyConsensusResult(q, 300, true, request).kind).toBe('urgent-removal')
    // What voting/outcome.ts does on resolution: clear the in-flight mark.
    q.pendingRemovalTargets.delete(toHex(target))
    // Both gates of stewardship/emergency.ts sweepScoreRemovals: approved removal → no new ECP.
    expect(q.isApprovedTarget(`remove:${toHex(target)}`)).toBe(true)
    expect(q.pendingRemovalTargets.has(toHex(target))).toBe(false)
    // A Deadlock ECP, by contrast, queues no removal.
    const d = emergencyUpdateRequest(withCreator(deadlock(0n), member(1))) as ConversationUpdateRequest
    expect(applyConsensusResult(q, 301, true, d).kind).toBe('recovery-mode-opened')
    expect(approvedIds(q)).toEqual([300])
  })
})
