import { type PeerScoringPlugin, ScoreEvent, defaultPeerScoring, scoreBelowThreshold } from '@demls/scoring'
import { type Storage, memoryStorage } from '@demls/storage'
import { describe, expect, it } from 'vitest'
import { crashable } from '../durable/stores.js'
import { bootstrap, conv, converged, eventsOf, hex, joining, memberIdOf, scenario, restartMember } from './harness.js'

/**
 * The evicted-creator report: during concurrent joins one member saw the
 * creator's commits against approvals that reached it late, its own scores
 * of the creator fell to the threshold, it filed SCORE_BELOW_THRESHOLD, and
 * every other member auto-voted YES. Scores are local observations: a voter
 * now votes YES on such an emergency only if its own score of the target
 * is at or below the threshold too.
 */
describe('score-removal emergencies are judged by each voter from its own scores', () => {
  it("one member's skewed scores cannot evict an honest creator", async () => {
    const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 4 } } })
    await bootstrap(s, 'e', 4)
    // Member 1 files the emergency its skewed view would file.
    const ecp = await conv(s, 1, 'e').submitEmergency(scoreBelowThreshold(memberIdOf(0), conv(s, 1, 'e').epoch(), 0n))
    await s.until(() => [0, 1, 2, 3].every((i) => eventsOf(s, i, 'consensus-reached').some((e) => e.proposalId === ecp)), 30_000)
    for (const i of [0, 1, 2, 3]) {
      expect(eventsOf(s, i, 'consensus-reached').find((e) => e.proposalId === ecp)?.approved).toBe(false)
    }
    await s.net.advance(10_000)
    for (const i of [0, 1, 2, 3]) expect(conv(s, i, 'e').members().map(hex)).toContain(hex(memberIdOf(0)))
    await s.stop()
  })

  it('with three members the filer alone cannot pass it either', async () => {
    const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 3 } } })
    await bootstrap(s, 'e2', 3)
    const ecp = await conv(s, 0, 'e2').submitEmergency(scoreBelowThreshold(memberIdOf(2), conv(s, 0, 'e2').epoch(), 0n))
    // Member 1 has no such score: NO; member 2 (the target): NO.
    await s.until(() => eventsOf(s, 1, 'consensus-reached').some((e) => e.proposalId === ecp), 30_000)
    expect(eventsOf(s, 1, 'consensus-reached').find((e) => e.proposalId === ecp)?.approved).toBe(false)
    await s.stop()
  })
})

/**
 * The honest-steward eviction of the 20-peer real-network run: a steward's
 * own scores of a member fell to the threshold while the others' did not.
 * Its score removal was voted down (−50, EmergencyNoCreator), and it filed
 * the same removal again at once, on the same scores, four times: the
 * group then rightly scored the filer at the threshold and removed it. A
 * removal the group voted down is filed again only on new evidence (our
 * score of the target fell further), across a restart too.
 */
describe('a score removal the group voted down', () => {
  /** Six members (0–3 in the group); a steward's own scores put another member at the threshold and its removal is voted down. */
  async function refusedRemoval() {
    const scorings: PeerScoringPlugin[] = []
    const stores: Storage[] = []
    for (let i = 0; i < 6; i++) stores.push(await memoryStorage())
    const s = await scenario(6, {
      config: { stewardList: { snMin: 1, snMax: 4 } },
      plugins: (i) => ({ makeScoring: (init) => (scorings[i] = defaultPeerScoring(init)) }),
      userInit: (i) => ({ storage: crashable(stores[i]!) }),
    })
    await bootstrap(s, 'r', 4)
    const filer = [1, 2, 3, 0].find((i) => conv(s, i, 'r').conversation.isSteward())!
    const target = memberIdOf([0, 1, 2, 3].find((i) => i !== filer)!)
    // The filer alone saw the target censor three times (its view, not the group's).
    scorings[filer]!.applyOps([0, 1, 2].map(() => ({ memberId: target, event: ScoreEvent.CensorshipInactivity })))
    expect(scorings[filer]!.scoreFor(target)!).toBeLessThanOrEqual(scorings[filer]!.threshold())
    // Every commit makes the filer sweep its scores: a removal the others vote down.
    joining(s, 4, 'r')
    const filed = () => s.members[filer]!.events.filter((e) => e.type === 'own-proposal-submitted' && e.request.emergencyCriteria !== undefined)
    const decided = () => eventsOf(s, filer, 'consensus-reached').find((e) => e.proposalId === (filed()[0] as { proposalId: number }).proposalId)
    await s.until(() => filed().length > 0 && decided() !== undefined, 30_000)
    expect(decided()?.approved).toBe(false)
    return { s, filer, target, stores, skewed: scorings[filer]!, filed }
  }

  it('is not filed again on the same scores, so the filer is not evicted by its own filings', async () => {
    const { s, filer, target, skewed, filed } = await refusedRemoval()
    await s.net.advance(60_000)
    expect(filed()).toHaveLength(1)
    for (const i of [0, 1, 2, 3, 4]) expect(conv(s, i, 'r').members().map(hex)).toContain(hex(memberIdOf(filer)))
    expect(converged(s, 'r', [0, 1, 2, 3, 4])).toBe(true)
    // New evidence (a further penalty in its own view) lets it file again at the next commit.
    skewed.applyOps([{ memberId: target, event: ScoreEvent.CensorshipInactivity }])
    joining(s, 5, 'r')
    await s.until(() => filed().length === 2, 30_000)
    await s.stop()
  })

  it('is not filed again after the filer restarts from its store either', async () => {
    const { s, filer, stores } = await refusedRemoval()
    await s.until(() => converged(s, 'r', [0, 1, 2, 3, 4]), 30_000)
    // Restart the filer from what it saved (its skewed scores come back with it).
    await s.members[filer]!.user.stop()
    const { user, events } = await restartMember(s, filer, crashable(stores[filer]!), 'filer-again')
    await s.until(() => user.conversation('r') !== undefined && converged(s, 'r', [0, 1, 2, 3, 4]), 30_000)
    joining(s, 5, 'r')
    await s.until(() => converged(s, 'r'), 30_000)
    await s.net.advance(10_000)
    expect(events.filter((e) => e.type === 'own-proposal-submitted')).toEqual([])
    await s.stop()
  })
})
