import { describe, expect, it } from 'vitest'
import {
  ATTESTERS_PER_INTERVAL,
  LAN_TIMING,
  attestationPeriodMs,
  deadMemberRemovalBoundMs,
  deadMemberWindowMs,
  resolveConfig,
  suspectWindowMs,
} from '../../src/core/config.js'
import { looksDead, syncLastSeen } from '../../src/stewardship/liveness.js'
import { attestationDeadline, heartbeat, startHeartbeat } from '../../src/sync/catch-up.js'
import { coreFixture } from '../core-fixture.js'

/**
 * Periodic attestations go to every member: at one per member per interval
 * a group of n costs n² deliveries per interval. Above
 * ATTESTERS_PER_INTERVAL members each one attests less often, and the
 * windows that judge silence stretch with it.
 */
describe('the attestation period grows with the group', () => {
  const lan = resolveConfig(LAN_TIMING)

  it('is the configured interval up to ATTESTERS_PER_INTERVAL members, then grows in proportion; the silence windows follow', () => {
    expect(ATTESTERS_PER_INTERVAL).toBe(10)
    expect([1, 2, 10].map((n) => attestationPeriodMs(lan, n))).toEqual([4_000, 4_000, 4_000])
    expect(attestationPeriodMs(lan, 15)).toBe(6_000)
    expect(attestationPeriodMs(lan, 30)).toBe(12_000)
    expect(attestationPeriodMs(lan)).toBe(4_000) // no count: the configured interval
    // The group as a whole attests about ATTESTERS_PER_INTERVAL times per interval, whatever its size.
    for (const n of [30, 100, 1_000, 10_000]) expect((n * lan.attestationIntervalMs) / attestationPeriodMs(lan, n)).toBeCloseTo(ATTESTERS_PER_INTERVAL, 6)
    expect(suspectWindowMs(lan, 10)).toBe(9_000)
    expect(suspectWindowMs(lan, 30)).toBe(25_000)
    expect(deadMemberWindowMs(lan, 10)).toBe(27_000)
    expect(deadMemberWindowMs(lan, 30)).toBe(75_000)
    expect(deadMemberRemovalBoundMs(lan, 30) - deadMemberRemovalBoundMs(lan, 10)).toBe(75_000 - 27_000 + 12_000 - 4_000)
  })

  it('a configured dead-member window is never shorter than the suspect window at the group’s size', () => {
    const c = resolveConfig({ ...LAN_TIMING, deadMemberAfterMs: 20_000 })
    expect(deadMemberWindowMs(c, 10)).toBe(20_000)
    expect(deadMemberWindowMs(c, 30)).toBe(25_000) // a member attesting every 12 s is not dead after 20 s
  })

  it('in a group of 30, a member attests every 12 s (LAN timing), and one silent for 27 s is not judged dead; after 75 s it is', async () => {
    const { core } = await coreFixture({ id: 'period', members: 30, config: LAN_TIMING })
    const now = core.now
    startHeartbeat(core, now)
    expect(attestationDeadline(core, now)).toBe(now + 12_000)
    heartbeat(core, now + 4_000)
    expect(core.outbox.packets).toEqual([]) // the configured interval is not enough at this size
    heartbeat(core, now + 12_000)
    expect(core.outbox.packets).toHaveLength(1)
    expect(attestationDeadline(core, now + 12_000)).toBe(now + 24_000)
    syncLastSeen(core, now)
    const silent = [...core.memberSet()].find((hex) => hex !== core.memberHex)!
    expect(looksDead(core, silent, now + 27_000)).toBe(false)
    expect(looksDead(core, silent, now + 74_999)).toBe(false)
    expect(looksDead(core, silent, now + 75_000)).toBe(true)
  })
})
