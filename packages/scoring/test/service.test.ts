import { describe, expect, it } from 'vitest'
import {
  I64_MAX,
  I64_MIN,
  InMemoryPeerScoreStorage,
  PeerScoringService,
  ScoreEvent,
  type ScoreOp,
} from '../src/index.js'

const enc = (s: string) => new TextEncoder().encode(s)
const alice = enc('alice')
const bob = enc('bob')
const charlie = enc('charlie')
const op = (memberId: Uint8Array, event: ScoreEvent): ScoreOp => ({ memberId, event })
const hasId = (list: Uint8Array[], id: Uint8Array) => list.some((m) => Buffer.from(m).equals(Buffer.from(id)))

// Same table as the reference test helper `make_service`.
const makeService = () =>
  new PeerScoringService({
    deltas: { EmergencyNoCreator: -50n, EmergencyYesCreator: 20n, BrokenCommit: -50n, SuccessfulCommit: 10n, MisbehavingCommit: -30n },
    defaultScore: 100n,
    threshold: 0n,
  })

describe('peer_scoring/service.rs', () => {
  it('add_member_gets_default_score', () => {
    const svc = makeService()
    svc.addMember(alice)
    expect(svc.scoreFor(alice)).toBe(100n)
    expect(hasId(svc.membersBelowThreshold(), alice)).toBe(false)
  })

  it('add_member_below_threshold_lands_below', () => {
    const svc = new PeerScoringService({ deltas: {}, defaultScore: -10n, threshold: 0n })
    expect(svc.addMember(alice)).toBe(true)
    expect(hasId(svc.membersBelowThreshold(), alice)).toBe(true)
  })

  it('unknown_member_returns_none', () => {
    expect(makeService().scoreFor(enc('unknown'))).toBeUndefined()
  })

  it('remove_member_clears_score', () => {
    const svc = makeService()
    svc.addMember(alice)
    svc.removeMember(alice)
    expect(svc.scoreFor(alice)).toBeUndefined()
    svc.removeMember(alice) // idempotent
    expect(svc.isTracked(alice)).toBe(false)
  })

  it('apply_event_decreases_score', () => {
    const svc = makeService()
    svc.addMember(alice)
    svc.applyOp(op(alice, ScoreEvent.EmergencyNoCreator))
    expect(svc.scoreFor(alice)).toBe(50n)
  })

  it('apply_op_unknown_member_is_noop', () => {
    const svc = makeService()
    expect(svc.applyOp(op(enc('unknown'), ScoreEvent.EmergencyNoCreator))).toBeUndefined()
    expect(svc.scoreFor(enc('unknown'))).toBeUndefined()
  })

  it('multiple_events_accumulate', () => {
    const svc = makeService()
    svc.addMember(alice)
    for (const e of [ScoreEvent.EmergencyNoCreator, ScoreEvent.MisbehavingCommit, ScoreEvent.SuccessfulCommit]) svc.applyOp(op(alice, e))
    expect(svc.scoreFor(alice)).toBe(30n)
  })

  it('apply_ops_applies_every_op', () => {
    const svc = makeService()
    svc.addMember(alice)
    svc.addMember(bob)
    const crossings = svc.applyOps([
      op(alice, ScoreEvent.BrokenCommit),
      op(alice, ScoreEvent.BrokenCommit),
      op(bob, ScoreEvent.BrokenCommit),
      op(bob, ScoreEvent.BrokenCommit),
    ])
    const below = svc.membersBelowThreshold()
    expect(hasId(below, alice)).toBe(true)
    expect(hasId(below, bob)).toBe(true)
    expect(crossings.map((c) => [new TextDecoder().decode(c.memberId), c.type, c.before, c.after])).toEqual([
      ['alice', 'ThresholdCrossedDown', 50n, 0n],
      ['bob', 'ThresholdCrossedDown', 50n, 0n],
    ])
  })

  it('snapshot_includes_only_diverged_scores', () => {
    const svc = makeService()
    for (const m of [alice, bob, charlie]) svc.addMember(m)
    svc.applyOp(op(alice, ScoreEvent.SuccessfulCommit))
    expect(svc.snapshot()).toEqual([{ memberId: alice, score: 110n }])
  })

  it('apply_snapshot_sets_absolute_scores', () => {
    const svc = makeService()
    svc.addMember(alice)
    svc.addMember(bob)
    svc.applySnapshot([
      { memberId: alice, score: -10n },
      { memberId: bob, score: 50 },
    ])
    expect(svc.scoreFor(alice)).toBe(-10n)
    expect(svc.scoreFor(bob)).toBe(50n)
    const below = svc.membersBelowThreshold()
    expect(hasId(below, alice)).toBe(true)
    expect(hasId(below, bob)).toBe(false)
  })

  it('apply_snapshot_auto_tracks_unknown_member', () => {
    const svc = makeService()
    const crossings = svc.applySnapshot([{ memberId: enc('newcomer'), score: -10n }])
    expect(svc.scoreFor(enc('newcomer'))).toBe(-10n)
    expect(hasId(svc.membersBelowThreshold(), enc('newcomer'))).toBe(true)
    expect(crossings).toHaveLength(1)
    expect(crossings[0]?.before).toBeUndefined()
  })

  it('members_below_threshold_filters_correctly', () => {
    const svc = makeService()
    for (const m of [alice, bob, charlie]) svc.addMember(m)
    for (const e of [ScoreEvent.EmergencyNoCreator, ScoreEvent.BrokenCommit]) svc.applyOp(op(alice, e))
    for (let i = 0; i < 2; i++) svc.applyOp(op(charlie, ScoreEvent.EmergencyNoCreator))
    const below = svc.membersBelowThreshold()
    expect(hasId(below, alice)).toBe(true)
    expect(hasId(below, charlie)).toBe(true)
    expect(hasId(below, bob)).toBe(false)
  })

  it('set_threshold_changes_below_threshold_set', () => {
    const svc = makeService()
    svc.addMember(alice)
    svc.applySnapshot([{ memberId: alice, score: -10n }])
    svc.setThreshold(-50n)
    expect(hasId(svc.membersBelowThreshold(), alice)).toBe(false)
    svc.setThreshold(-5)
    expect(hasId(svc.membersBelowThreshold(), alice)).toBe(true)
    expect(svc.threshold()).toBe(-5n)
  })

  it('score_saturates_no_overflow', () => {
    const svc = new PeerScoringService({ deltas: { SuccessfulCommit: I64_MAX }, defaultScore: I64_MAX, threshold: 0n })
    svc.addMember(alice)
    svc.applyOp(op(alice, ScoreEvent.SuccessfulCommit))
    expect(svc.scoreFor(alice)).toBe(I64_MAX)
    const low = new PeerScoringService({ deltas: { BrokenCommit: I64_MIN }, defaultScore: I64_MIN + 1n, threshold: 0n })
    low.addMember(alice)
    low.applyOp(op(alice, ScoreEvent.BrokenCommit))
    expect(low.scoreFor(alice)).toBe(I64_MIN)
  })

  it('unknown_event_yields_zero_delta', () => {
    const svc = new PeerScoringService({ deltas: { EmergencyNoCreator: -50n }, defaultScore: 100n, threshold: 0n })
    svc.addMember(alice)
    svc.applyOp(op(alice, ScoreEvent.SuccessfulCommit))
    expect(svc.scoreFor(alice)).toBe(100n)
  })
})

describe('PeerScoringService (more)', () => {
  it('reference default deltas, default 100, threshold 0', () => {
    const svc = new PeerScoringService()
    const cfg = svc.config
    expect(cfg.defaultScore).toBe(100n)
    expect(cfg.threshold).toBe(0n)
    expect(cfg.deltas).toEqual({
      BrokenCommit: -50n,
      BrokenMlsProposal: -30n,
      CensorshipInactivity: -40n,
      MisbehavingCommit: -10n,
      EmergencyYesCreator: 20n,
      EmergencyNoCreator: -50n,
      SuccessfulCommit: 10n,
      HonestCommitAttempt: 5n,
      EquivocatingVote: -(1n << 63n),
      EquivocatingCommit: -(1n << 63n),
      ForgedAggregateProof: -50n,
    })
    expect(svc.id).toBe('de-mls/peer-scoring/reference')
    expect(svc.version).toBe('1.0.0')
    expect(new PeerScoringService({ deltas: { BrokenCommit: -1 } }).id).toBe('de-mls/peer-scoring/custom-deltas')
    expect(new PeerScoringService({ deltas: { BrokenCommit: -1 }, id: 'mine' }).id).toBe('mine')
  })

  it('threshold crossing up, and exactly at the threshold counts as below', () => {
    const svc = new PeerScoringService()
    svc.addMember(alice)
    expect(svc.applyOps([op(alice, ScoreEvent.BrokenCommit)])).toEqual([]) // 50
    const down = svc.applyOps([op(alice, ScoreEvent.BrokenCommit)]) // 0
    expect(down.map((c) => c.type)).toEqual(['ThresholdCrossedDown'])
    expect(svc.applyOps([op(alice, ScoreEvent.BrokenCommit)])).toEqual([]) // -50: already below
    const up = svc.applyOps([op(alice, ScoreEvent.EmergencyYesCreator), op(alice, ScoreEvent.EmergencyYesCreator), op(alice, ScoreEvent.EmergencyYesCreator)])
    expect(up.map((c) => [c.type, c.before, c.after])).toEqual([['ThresholdCrossedUp', -10n, 10n]])
  })

  it('a late op cannot resurrect a removed member', () => {
    const svc = new PeerScoringService()
    svc.addMember(alice)
    svc.removeMember(alice)
    svc.applyOps([op(alice, ScoreEvent.SuccessfulCommit)])
    expect(svc.isTracked(alice)).toBe(false)
    expect(svc.allMembersWithScores()).toEqual([])
  })

  it('addMember does not reset an existing score', () => {
    const svc = new PeerScoringService()
    svc.addMember(alice)
    svc.applyOp(op(alice, ScoreEvent.BrokenCommit))
    svc.addMember(alice)
    expect(svc.scoreFor(alice)).toBe(50n)
  })

  it('syncMembers adds and removes to match the roster', () => {
    const storage = new InMemoryPeerScoreStorage()
    const svc = new PeerScoringService({ storage })
    svc.syncMembers([alice, bob])
    svc.applyOp(op(bob, ScoreEvent.BrokenCommit))
    const diff = svc.syncMembers([bob, charlie])
    expect(diff).toEqual({ toAdd: [charlie], toRemove: [alice] })
    expect(svc.allMembersWithScores()).toEqual([
      { memberId: bob, score: 50n },
      { memberId: charlie, score: 100n },
    ])
    expect(storage.size).toBe(2)
  })

  it('invalid scores are rejected atomically', () => {
    const svc = new PeerScoringService()
    expect(() => svc.applySnapshot([{ memberId: alice, score: 1n }, { memberId: bob, score: 2n ** 63n }])).toThrow(
      expect.objectContaining({ name: 'InvalidScoreError', code: 'INVALID_SCORE' }),
    )
    expect(svc.isTracked(alice)).toBe(false)
    expect(() => new PeerScoringService({ threshold: 0.5 })).toThrow(expect.objectContaining({ name: 'InvalidScoreError' }))
    expect(() => new PeerScoringService({ deltas: { BrokenCommit: 2n ** 64n } })).toThrow(expect.objectContaining({ name: 'InvalidScoreError' }))
  })

  it('setDefaultScore affects members tracked afterwards and the sparse snapshot', () => {
    const svc = new PeerScoringService()
    svc.addMember(alice)
    svc.setDefaultScore(50)
    svc.addMember(bob)
    expect(svc.scoreFor(bob)).toBe(50n)
    expect(svc.snapshot()).toEqual([{ memberId: alice, score: 100n }])
  })
})
