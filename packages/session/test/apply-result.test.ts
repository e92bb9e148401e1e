import { type ConversationUpdateRequest, ViolationType } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { ConversationQueues } from '../src/core/queues.js'
import { toHex } from '../src/util/bytes.js'
import { applyConsensusResult } from '../src/rules/apply-result.js'

const id = (n: number) => new Uint8Array(20).fill(n)
const remove = (n: number): ConversationUpdateRequest => ({ payload: 'removeMember', removeMember: { memberId: id(n) } })
const invite = (n: number): ConversationUpdateRequest => ({
  payload: 'memberInvite',
  memberInvite: { memberId: id(n), keyPackageBytes: new Uint8Array([n]) },
})
const election = (): ConversationUpdateRequest => ({
  payload: 'stewardElection',
  stewardElection: { proposedStewards: [id(1)], electionEpoch: 3n, retryRound: 0 },
})
const ecp = (type: number, target?: number): ConversationUpdateRequest => ({
  payload: 'emergencyCriteria',
  emergencyCriteria: {
    evidence: {
      violationType: type,
      targetMemberId: target === undefined ? new Uint8Array(0) : id(target),
      evidencePayload: new Uint8Array(0),
      epoch: 1n,
      creatorMemberId: id(9),
    },
  },
})

describe('applyConsensusResult (reference apply_result.rs cases)', () => {
  it('election YES as owner: accepted, nothing left in voting or approved', () => {
    const q = new ConversationQueues()
    q.voting.set(1, election())
    const r = applyConsensusResult(q, 1, true, election())
    expect(r.kind).toBe('election-accepted')
    expect(q.voting.size).toBe(0)
    expect(q.approved.size).toBe(0)
  })

  it('election YES as non-owner: accepted', () => {
    const q = new ConversationQueues()
    expect(applyConsensusResult(q, 1, true, election()).kind).toBe('election-accepted')
  })

  it('election NO: rejected, owner entry dropped', () => {
    const q = new ConversationQueues()
    q.voting.set(1, election())
    expect(applyConsensusResult(q, 1, false, election()).kind).toBe('election-rejected')
    expect(q.voting.size).toBe(0)
  })

  it('removal dedup (non-owner): a second approved removal of the same target is a no-op', () => {
    const q = new ConversationQueues()
    expect(applyConsensusResult(q, 1, true, remove(2)).kind).toBe('queued-removal')
    expect(applyConsensusResult(q, 2, true, remove(2))).toEqual({ kind: 'no-action', reason: 'duplicate-target' })
    expect([...q.approved.keys()]).toEqual([1])
  })

  it('removal dedup (owner): the owner voting entry is dropped too', () => {
    const q = new ConversationQueues()
    applyConsensusResult(q, 1, true, remove(2))
    q.voting.set(2, remove(2))
    applyConsensusResult(q, 2, true, remove(2))
    expect(q.voting.size).toBe(0)
    expect(q.approved.size).toBe(1)
  })

  it('score ECP YES → urgent removal with RemoveMember queued under the same id', () => {
    const q = new ConversationQueues()
    const r = applyConsensusResult(q, 7, true, ecp(ViolationType.SCORE_BELOW_THRESHOLD, 4))
    expect(r).toEqual({ kind: 'urgent-removal', target: id(4) })
    expect(q.approved.get(7)).toEqual(remove(4))
    expect(q.urgentTarget).toBe(toHex(id(4)))
  })

  it('score ECP NO → nothing queued', () => {
    const q = new ConversationQueues()
    expect(applyConsensusResult(q, 7, false, ecp(ViolationType.SCORE_BELOW_THRESHOLD, 4)).kind).toBe('no-action')
    expect(q.approved.size).toBe(0)
    expect(q.urgentTarget).toBeUndefined()
  })

  it('Deadlock ECP YES → recovery mode opened, nothing queued; NO → no action', () => {
    const q = new ConversationQueues()
    expect(applyConsensusResult(q, 3, true, ecp(ViolationType.DEADLOCK)).kind).toBe('recovery-mode-opened')
    expect(q.approved.size).toBe(0)
    expect(applyConsensusResult(q, 4, false, ecp(ViolationType.DEADLOCK)).kind).toBe('no-action')
  })

  it('regular removal approved → queued removal, in approval order after earlier work', () => {
    const q = new ConversationQueues()
    applyConsensusResult(q, 10, true, invite(5))
    expect(applyConsensusResult(q, 11, true, remove(6))).toEqual({ kind: 'queued-removal', target: id(6) })
    expect([...q.approved.keys()]).toEqual([10, 11])
  })

  it('non-score emergency YES queues nothing', () => {
    const q = new ConversationQueues()
    expect(applyConsensusResult(q, 3, true, ecp(ViolationType.BROKEN_COMMIT, 2)).kind).toBe('no-action')
    expect(q.approved.size).toBe(0)
  })

  it('rejected add/remove reports the target so its buffered update can be dropped', () => {
    const q = new ConversationQueues()
    expect(applyConsensusResult(q, 1, false, invite(3))).toEqual({ kind: 'rejected-membership', target: id(3) })
    expect(applyConsensusResult(q, 2, false, remove(3))).toEqual({ kind: 'rejected-membership', target: id(3) })
  })

  it('duplicate add of an already-approved joiner is a no-op (demls: targets are deduplicated)', () => {
    const q = new ConversationQueues()
    applyConsensusResult(q, 1, true, invite(3))
    expect(applyConsensusResult(q, 2, true, invite(3)).kind).toBe('no-action')
    expect(q.approved.size).toBe(1)
  })

  it('approved work the membership already satisfies is not queued (a caught-up member must not revive it)', () => {
    const q = new ConversationQueues()
    const members = new Set([toHex(id(3))])
    const isMember = (h: string) => members.has(h)
    // The joiner was added by a commit we caught up on before our votes resolved.
    expect(applyConsensusResult(q, 1, true, invite(3), isMember)).toEqual({ kind: 'no-action', reason: 'already-satisfied' })
    // A removal of someone already gone.
    expect(applyConsensusResult(q, 2, true, remove(4), isMember)).toEqual({ kind: 'no-action', reason: 'already-satisfied' })
    expect(q.approved.size).toBe(0)
    // Unsatisfied work is queued as before.
    expect(applyConsensusResult(q, 3, true, remove(3), isMember).kind).toBe('queued-removal')
    expect(applyConsensusResult(q, 4, true, invite(5), isMember).kind).toBe('no-action')
    expect([...q.approved.keys()]).toEqual([3, 4])
  })
})
