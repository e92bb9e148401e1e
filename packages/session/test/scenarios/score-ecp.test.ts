import { scoreBelowThreshold } from '@demls/scoring'
import { describe, expect, it } from 'vitest'
import { bootstrap, conv, eventsOf, hex, memberIdOf, scenario } from './harness.js'

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
