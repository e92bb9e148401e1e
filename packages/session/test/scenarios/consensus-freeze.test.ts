import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, memberIdOf, scenario } from './harness.js'

describe('protocol_consensus and protocol_freeze (reference §13.2)', () => {
  it('peer_vote_no_blocks_the_commit', async () => {
    const s = await scenario(2)
    await bootstrap(s, 'c2')
    const epoch = conv(s, 0, 'c2').epoch()
    const id = await conv(s, 0, 'c2').removeMember(memberIdOf(1))
    await s.until(() => eventsOf(s, 1, 'vote-requested').some((e) => e.proposalId === id))
    await conv(s, 1, 'c2').vote(id!, false)
    await s.until(() => eventsOf(s, 0, 'consensus-reached').some((e) => e.proposalId === id))
    const outcome = eventsOf(s, 0, 'consensus-reached').find((e) => e.proposalId === id)!
    expect(outcome.approved).toBe(false)
    await s.net.advance(10_000)
    expect(conv(s, 0, 'c2').epoch()).toBe(epoch)
    expect(converged(s, 'c2')).toBe(true)
    expect(conv(s, 0, 'c2').members()).toHaveLength(2)
    expect(eventsOf(s, 1, 'leaving')).toHaveLength(0)
    await s.stop()
  })

  it('freeze_cycle_emits_phases_in_order', async () => {
    const s = await scenario(2)
    await bootstrap(s, 'c3')
    const start = s.members[0]!.events.length
    await conv(s, 0, 'c3').removeMember(memberIdOf(1))
    await s.until(() => conv(s, 0, 'c3').epoch() === 2n)
    const phases = s.members[0]!.events
      .slice(start)
      .filter((e) => e.type === 'phase-change')
      .map((e) => (e as { state: string }).state)
    const order = ['freezing', 'selection', 'working']
    let at = 0
    for (const p of phases) if (p === order[at]) at++
    expect(at).toBe(3)
    expect(eventsOf(s, 0, 'commit-applied').length).toBeGreaterThanOrEqual(1)
    await s.stop()
  })
})
