import { describe, expect, it } from 'vitest'
import { deadMemberRemovalBoundMs, deadMemberWindowMs, resolveConfig, suspectWindowMs } from '../../src/index.js'
import { FAST, type Scenario, bootstrap, bootstrapThreeStewards, conv, converged, hex, memberIdOf, scenario } from './harness.js'

const config = resolveConfig(FAST)

/**
 * A 4-member group; the member the rotation names epoch steward is cut off
 * (no leave: its transport drops everything both ways). Returns what the
 * live members saw.
 */
async function silentSteward(s: Scenario, threeStewards = false, loss = 0) {
  if (threeStewards) await bootstrapThreeStewards(s, 'd')
  else await bootstrap(s, 'd', 4)
  if (loss > 0) s.net.setFaults({ loss })
  const victimId = conv(s, 0, 'd').conversation.epochSteward()!
  const victim = [0, 1, 2, 3].find((i) => hex(memberIdOf(i)) === hex(victimId))!
  const live = [0, 1, 2, 3].filter((i) => i !== victim)
  const cutAt = s.net.clock.now()
  s.net.mute(s.members[victim]!.name, { outbound: true, inbound: true })
  const detectAt = cutAt + suspectWindowMs(config) + config.attestationIntervalMs
  const actingVictim: number[] = []
  const removed = () => live.every((i) => !conv(s, i, 'd').members().some((m) => hex(m) === hex(victimId)))
  let lastSample = 0
  await s.until(() => {
    const now = s.net.clock.now()
    if (now >= detectAt && now - lastSample >= 50) {
      lastSample = now
      for (const i of live) {
        const e = conv(s, i, 'd').conversation.epochSteward()
        if (e !== undefined && hex(e) === hex(victimId)) actingVictim.push(now - cutAt)
      }
    }
    return removed()
  }, 120_000)
  const removedAfter = s.net.clock.now() - cutAt
  await s.until(() => converged(s, 'd', live), 60_000)
  return { victim, live, removedAfter, actingVictim }
}

/** A 4-member group with two stewards: the epoch steward (who proposes removals of the silent) and another member. */
async function proposerAndTarget(id: string) {
  const s = await scenario(4, { config: { stewardList: { snMax: 2 } } })
  await bootstrap(s, id, 4)
  const proposerId = conv(s, 0, id).conversation.epochSteward()!
  const proposer = [0, 1, 2, 3].find((i) => hex(memberIdOf(i)) === hex(proposerId))!
  const target = [0, 1, 2, 3].find((i) => i !== proposer)!
  return { s, proposer, target }
}

describe('dead members are removed by a vote of those who also stopped hearing them', () => {
  it('a silent sole steward is removed within the bound, never acts as epoch steward once suspected, and nobody else is removed', async () => {
    const s = await scenario(4, { config: { stewardList: { snMax: 2 } } })
    const r = await silentSteward(s)
    expect(r.removedAfter).toBeLessThanOrEqual(deadMemberRemovalBoundMs(config))
    expect(r.actingVictim).toEqual([])
    const members = conv(s, r.live[0]!, 'd').members().map(hex).sort()
    expect(members).toEqual(r.live.map((i) => hex(memberIdOf(i))).sort())
    console.log(`silent sole steward removed after ${r.removedAfter} ms (bound ${deadMemberRemovalBoundMs(config)} ms)`)
    await s.stop()
  }, 120_000)

  it("with 10 % loss (and the memory network's gossip seen cache), a silent steward of three is removed and nobody else; the next steward acts at once", async () => {
    const s = await scenario(4, {
      seed: 7,
      config: { stewardList: { snMax: 3 } },
    })
    const r = await silentSteward(s, true, 0.1)
    expect(r.removedAfter).toBeLessThanOrEqual(deadMemberRemovalBoundMs(config))
    expect(r.actingVictim).toEqual([])
    const members = conv(s, r.live[0]!, 'd').members().map(hex).sort()
    expect(members).toEqual(r.live.map((i) => hex(memberIdOf(i))).sort())
    console.log(`silent steward (lossy) removed after ${r.removedAfter} ms`)
    await s.stop()
  }, 120_000)

  it('a member cut off from the proposer only is not removed: those who still hear it vote NO', async () => {
    const { s, proposer, target } = await proposerAndTarget('n')
    const outcomes: boolean[] = []
    for (const m of s.members) {
      m.user.events$.subscribe((e) => {
        if (e.type === 'consensus-reached' && e.request?.payload === 'removeMember') outcomes.push(e.approved)
      })
    }
    s.net.partition([s.members[proposer]!.name], [s.members[target]!.name])
    await s.until(() => outcomes.length > 0, 60_000)
    await s.net.advance(deadMemberRemovalBoundMs(config))
    expect(outcomes.length).toBeGreaterThan(0)
    expect(outcomes.every((a) => !a)).toBe(true)
    for (const i of [0, 1, 2, 3]) expect(conv(s, i, 'n').members().length).toBe(4)
    await s.stop()
  }, 120_000)

  it('a removal the others vote down is proposed again only after a doubling wait, not every window', async () => {
    const { s, proposer, target } = await proposerAndTarget('b')
    const proposedAt: number[] = []
    s.members[proposer]!.user.events$.subscribe((e) => {
      if (e.type === 'own-proposal-submitted' && e.request?.payload === 'removeMember' && hex(e.request.removeMember!.memberId) === hex(memberIdOf(target))) {
        proposedAt.push(s.net.clock.now())
      }
    })
    s.net.partition([s.members[proposer]!.name], [s.members[target]!.name])
    const window = deadMemberWindowMs(config)
    await s.until(() => proposedAt.length > 0, 60_000)
    await s.net.advance(10 * window)
    // Every window would be 11 proposals; doubling waits give t0, +1, +3, +7 windows.
    expect(proposedAt.length).toBe(4)
    const gaps = proposedAt.slice(1).map((t, k) => (t - proposedAt[k]!) / window)
    expect(gaps.map((g) => Math.floor(g))).toEqual([1, 2, 4])
    for (const i of [0, 1, 2, 3]) expect(conv(s, i, 'b').members().length).toBe(4)
    await s.stop()
  }, 120_000)
})
