import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, memberIdOf, scenario } from './harness.js'

describe('protocol_steward (reference §13.2)', () => {
  it('steward_auto_commits_approved_work_on_inactivity', async () => {
    const s = await scenario(2)
    await bootstrap(s, 'b1')
    expect(conv(s, 0, 'b1').conversation.isSteward()).toBe(true)
    expect(conv(s, 0, 'b1').epoch()).toBe(1n)
    await conv(s, 0, 'b1').removeMember(memberIdOf(1))
    // No further calls: timers alone drive the commit.
    await s.until(() => conv(s, 0, 'b1').epoch() === 2n && eventsOf(s, 1, 'leaving').length === 1)
    expect(conv(s, 0, 'b1').members()).toHaveLength(1)
    await s.stop()
  })

  it('small_group_reconciles_locally_without_election', async () => {
    const s = await scenario(2, { config: { stewardList: { snMin: 1, snMax: 3 } } })
    await bootstrap(s, 'sg')
    await s.net.advance(15 * 40)
    expect(converged(s, 'sg')).toBe(true)
    expect(conv(s, 0, 'sg').conversation.isSteward()).toBe(true)
    for (const i of [0, 1]) {
      expect(conv(s, i, 'sg').conversation.electionRound()).toBe(0)
      expect(eventsOf(s, i, 'vote-requested').filter((e) => e.request?.payload === 'stewardElection')).toHaveLength(0)
    }
    await s.stop()
  })

  it('over_sn_max_but_unsettled_members_do_not_elect', async () => {
    const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 2 } } })
    await bootstrap(s, 'lg')
    await s.net.advance(15 * 40)
    expect(converged(s, 'lg')).toBe(true)
    for (const i of [0, 1, 2]) expect(conv(s, i, 'lg').conversation.electionRound()).toBe(0)
    await s.stop()
  })
})
