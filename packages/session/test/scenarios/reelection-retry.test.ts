import { describe, expect, it } from 'vitest'
import { FAST_TIMING } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { memberIdOf } from './harness.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

// Found by the seeded fault runs (12 members, 20 % loss; seed 37 left ten
// of twelve members in Reelection): both stewards lost a removal's proposal
// and every vote on it. The others approved it, froze for its commit, got
// no candidate and entered Reelection, where only the responsible proposer
// (the first steward of the old list heard from lately) files the recovery
// election; the stewards, still Working and unaware, never did. Now the
// next member in line files it after each wait without one.
describe('reelection that its responsible proposer never hears of', () => {
  it('the next member in line files the recovery election; the group leaves Reelection and converges', async () => {
    const bed = await Bed.create('reelect', 5, { ...FAST_TIMING, admission: 'open' })
    for (const i of [1, 2, 3, 4]) await bed.add(i)
    await bed.run(3_000)
    const all = [0, 1, 2, 3, 4]
    const stewards = all.filter((i) => bed.conv(0).stewards().some((s) => hex(s) === hex(memberIdOf(i))))
    const others = all.filter((i) => !stewards.includes(i))
    expect(stewards.length).toBe(2)
    const [proposer, target] = others as [number, number]
    // Every packet to a steward is lost while the removal is voted and the others freeze for it.
    bed.intercept = (_from, to, p) => (stewards.includes(to) ? undefined : p)
    await bed.conv(proposer).removeMember(memberIdOf(target), bed.now)
    await bed.until(() => others.every((i) => i === target || bed.conv(i).state() === 'reelection'), 30_000)
    for (const s of stewards) expect(bed.conv(s).state()).toBe('working')
    bed.intercept = undefined
    const epoch = bed.conv(proposer).epoch()
    // Without a fallback proposer this waits for good.
    await bed.until(() => all.every((i) => bed.conv(i).state() === 'working' || bed.peers[i]!.conversation?.isClosed === true), 60_000)
    // What moved it: an election filed after the wait, approved by everyone (the unaware stewards too).
    for (const i of all) {
      const outcomes = bed.eventsOf(i, 'consensus-reached').filter((e) => e.request?.payload === 'stewardElection')
      expect(outcomes.at(-1)?.approved, `member ${i}`).toBe(true)
    }
    const live = all.filter((i) => bed.conv(i).isClosed !== true)
    await bed.until(() => live.every((i) => hex(bed.conv(i).epochAuthenticator()) === hex(bed.conv(live[0]!).epochAuthenticator()) && bed.conv(i).state() === 'working'), 60_000)
    expect(bed.conv(proposer).epoch()).toBeGreaterThanOrEqual(epoch)
  }, 120_000)
})
