import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  I64_MAX,
  I64_MIN,
  InMemoryPeerScoreStorage,
  PeerScoringService,
  SCORE_EVENTS,
  type ScoreOp,
  type PeerScoreStorage,
} from '../src/index.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const ids = fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 8, selector: hex })
const score = fc.bigInt({ min: I64_MIN, max: I64_MAX })
const smallScore = fc.bigInt({ min: -300n, max: 300n })
const deltaTable = fc.record(
  Object.fromEntries(SCORE_EVENTS.map((e) => [e, fc.oneof(smallScore, score)])) as Record<(typeof SCORE_EVENTS)[number], fc.Arbitrary<bigint>>,
  { requiredKeys: [] },
)

describe('properties', () => {
  it('random op sequences never change untracked members', () => {
    fc.assert(
      fc.property(ids, fc.nat(), deltaTable, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SCORE_EVENTS)), { maxLength: 60 }), (members, split, deltas, raw) => {
        const k = 1 + (split % (members.length - 1))
        const tracked = members.slice(0, k)
        const untracked = members.slice(k)
        const svc = new PeerScoringService({ deltas })
        svc.syncMembers(tracked)
        const ops: ScoreOp[] = raw.map(([i, event]) => ({ memberId: members[i % members.length] as Uint8Array, event }))
        svc.applyOps(ops)
        for (const m of untracked) expect(svc.scoreFor(m)).toBeUndefined()
        expect(svc.allMembersWithScores().map((e) => hex(e.memberId)).sort()).toEqual(tracked.map(hex).sort())
        for (const e of svc.allMembersWithScores()) {
          expect(e.score >= I64_MIN && e.score <= I64_MAX).toBe(true)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('snapshot → restore is identity', () => {
    fc.assert(
      fc.property(ids, fc.array(fc.oneof(smallScore, score), { minLength: 8, maxLength: 8 }), smallScore, (members, scores, def) => {
        const a = new PeerScoringService({ defaultScore: def })
        a.syncMembers(members)
        a.applySnapshot(members.map((memberId, i) => ({ memberId, score: i % 2 === 0 ? (scores[i] as bigint) : def })))
        const snap = structuredClone(a.snapshot())
        for (const e of snap) expect(e.score).not.toBe(def)
        const b = new PeerScoringService({ defaultScore: def })
        b.syncMembers(members)
        b.applySnapshot(snap)
        const norm = (s: PeerScoringService) => s.allMembersWithScores().map((e) => `${hex(e.memberId)}=${e.score}`).sort()
        expect(norm(b)).toEqual(norm(a))
        expect(b.snapshot().map((e) => `${hex(e.memberId)}=${e.score}`).sort()).toEqual(snap.map((e) => `${hex(e.memberId)}=${e.score}`).sort())
        // restoring into an empty table auto-tracks exactly the diverged members
        const c = new PeerScoringService({ defaultScore: def })
        c.applySnapshot(snap)
        expect(c.snapshot().length).toBe(snap.length)
      }),
      { numRuns: 200 },
    )
  })

  it('threshold-crossing events are consistent with before/after scores', () => {
    fc.assert(
      fc.property(ids, smallScore, deltaTable, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SCORE_EVENTS)), { maxLength: 60 }), (members, threshold, deltas, raw) => {
        const svc = new PeerScoringService({ deltas, threshold })
        svc.syncMembers(members)
        for (const [i, event] of raw) {
          const memberId = members[i % members.length] as Uint8Array
          const before = svc.scoreFor(memberId) as bigint
          const c = svc.applyOp({ memberId, event })
          const after = svc.scoreFor(memberId) as bigint
          const down = before > threshold && after <= threshold
          const up = before <= threshold && after > threshold
          if (down) expect(c?.type).toBe('ThresholdCrossedDown')
          else if (up) expect(c?.type).toBe('ThresholdCrossedUp')
          else expect(c).toBeUndefined()
          if (c) {
            expect(c.before).toBe(before)
            expect(c.after).toBe(after)
            expect(c.threshold).toBe(threshold)
          }
        }
        // the below-threshold set matches the scores
        const below = new Set(svc.membersBelowThreshold().map(hex))
        for (const e of svc.allMembersWithScores()) expect(below.has(hex(e.memberId))).toBe(e.score <= threshold)
      }),
      { numRuns: 200 },
    )
  })

  it('applyOps returns the same crossings as applying the ops one by one', () => {
    fc.assert(
      fc.property(ids, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SCORE_EVENTS)), { maxLength: 40 }), (members, raw) => {
        const ops = raw.map(([i, event]) => ({ memberId: members[i % members.length] as Uint8Array, event }))
        const a = new PeerScoringService()
        const b = new PeerScoringService()
        a.syncMembers(members)
        b.syncMembers(members)
        const batch = a.applyOps(ops)
        const single = ops.map((o) => b.applyOp(o)).filter((c) => c !== undefined)
        expect(batch).toEqual(single)
      }),
      { numRuns: 100 },
    )
  })
})

describe('PeerScoreStorage contract', () => {
  it('a custom storage backend plugs in (get, set, idempotent remove, complete allScores)', () => {
    const writes: string[] = []
    const inner = new InMemoryPeerScoreStorage()
    const storage: PeerScoreStorage = {
      get: (id) => inner.get(id),
      set: (id, s) => {
        writes.push(`${hex(id)}=${s}`)
        inner.set(id, s)
      },
      remove: (id) => inner.remove(id),
      allScores: () => inner.allScores(),
    }
    const svc = new PeerScoringService({ storage })
    const a = new Uint8Array([1])
    svc.addMember(a)
    svc.applyOp({ memberId: a, event: 'SuccessfulCommit' })
    svc.removeMember(a)
    svc.removeMember(a)
    expect(writes).toEqual(['01=100', '01=110'])
    expect(inner.allScores()).toEqual([])
  })

  it('InMemoryPeerScoreStorage copies ids and keeps insertion order', () => {
    const s = new InMemoryPeerScoreStorage()
    const a = new Uint8Array([2])
    s.set(a, 5n)
    s.set(new Uint8Array([1]), 6n)
    a[0] = 9
    expect(s.get(new Uint8Array([2]))).toBe(5n)
    s.set(new Uint8Array([2]), 7n)
    expect(s.allScores()).toEqual([
      { memberId: new Uint8Array([2]), score: 7n },
      { memberId: new Uint8Array([1]), score: 6n },
    ])
  })
})
