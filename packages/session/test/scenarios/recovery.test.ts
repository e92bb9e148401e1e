import { deadlock } from '@demls/scoring'
import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

describe('recovery mode and Layer 2 (reference 3.0 recovery_inactivity_reelection)', () => {
  it('recovery_inactivity_drives_a_cut_off_member_to_reelection', async () => {
    // Long commit inactivity (a plain member would wait 20.5 s), short recovery window (0.5 s).
    const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 3 }, commitInactivityMs: 20_000 } })
    const id = 'ri'
    await bootstrap(s, id)
    const [a, b, o] = [0, 1, 2]
    // An accepted Deadlock ECP opens recovery mode; with no work its forced freeze ends in Working.
    await conv(s, a, id).submitEmergency(deadlock(conv(s, a, id).epoch()))
    await s.until(() => [a, b, o].every((i) => conv(s, i, id).conversation.mode() === 'recovery' && conv(s, i, id).state() === 'working'))
    const { recoveryInactivityMs, freezeDurationMs } = conv(s, o, id).conversation.config()
    // Work is approved: removing o. Then o is cut off: nobody's candidate reaches it.
    const mark = s.members[o]!.events.length
    await conv(s, a, id).removeMember(memberIdOf(o))
    await s.until(() => conv(s, o, id).conversation.approvedCount() === 1)
    const approvedAt = s.net.clock.now()
    s.net.partition([s.members[o]!.name], [s.members[a]!.name, s.members[b]!.name])
    const phases = () => s.members[o]!.events.slice(mark).filter((e) => e.type === 'phase-change').map((e) => (e as { state: string }).state)
    // The recovery window, not commit inactivity, starts o's freeze.
    await s.until(() => phases().includes('freezing'))
    expect(s.net.clock.now() - approvedAt).toBeGreaterThanOrEqual(recoveryInactivityMs)
    expect(s.net.clock.now() - approvedAt).toBeLessThan(recoveryInactivityMs + 100)
    // o cannot commit its own removal and hears no candidate: the freeze times out into Reelection.
    await s.until(() => phases().includes('reelection'))
    expect(s.net.clock.now() - approvedAt).toBeGreaterThanOrEqual(recoveryInactivityMs + freezeDurationMs)
    expect(phases()).toEqual(['freezing', 'selection', 'reelection'])
    expect(conv(s, o, id).conversation.mode()).toBe('recovery')
    expect(s.members[o]!.events.slice(mark).some((e) => e.type === 'commit-applied')).toBe(false)
    // Meanwhile a and b committed the removal. Once reachable again, o learns it and leaves.
    await s.until(() => converged(s, id, [a, b]) && conv(s, a, id).members().length === 2)
    s.net.heal()
    await s.until(() => eventsOf(s, o, 'leaving').length === 1)
    await s.stop()
  })

  it('the only steward goes silent: the others elect a new one (no list member is eligible) and remove it', async () => {
    const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 1 } } })
    const id = 'l2'
    await bootstrap(s, id)
    const steward = [0, 1, 2].find((i) => conv(s, i, id).conversation.isSteward())!
    const rest = [0, 1, 2].filter((i) => i !== steward)
    s.net.mute(s.members[steward]!.name)
    await conv(s, rest[0]!, id).removeMember(memberIdOf(steward))
    // The approved removal makes the only steward ineligible; the head of the list the
    // election proposes is responsible for it, and the new steward commits the removal.
    await s.until(() => converged(s, id, rest) && conv(s, rest[0]!, id).members().length === 2)
    for (const i of rest) {
      const stewards = conv(s, i, id).conversation.stewards().map(hex)
      expect(stewards).toHaveLength(1)
      expect(stewards).not.toContain(hex(memberIdOf(steward)))
      expect(eventsOf(s, i, 'consensus-reached').some((e) => e.request?.payload === 'stewardElection' && e.approved)).toBe(true)
    }
    expect(eventsOf(s, steward, 'leaving')).toHaveLength(1)
    await s.stop()
  })
})
