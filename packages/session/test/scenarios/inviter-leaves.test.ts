import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/index.js'
import { FAST, bootstrapInvited, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'

const batchWindowMs = resolveConfig({ ...FAST, admission: 'invite' }).commitBatchWindowMs
const N = 5

// Issue 56 (docs/fault-runs.md, "the inviting steward leaving during a join"):
// the epoch steward invites N, the group approves N's join, and the steward
// leaves around the moment it would commit the join. Whatever the timing,
// N ends in the group with every remaining member, on one branch, and the
// steward ends out of it.
describe('the inviting epoch steward leaves while its invitee joins', () => {
  it.each([-20, -2, 0, 2, 20, 200])('leave at T %d ms (T: the steward freezes for the join)', async (leaveAt) => {
    const s = await scenario(6, { config: { admission: 'invite' } })
    const id = `inviter-leaves-${leaveAt}`
    await bootstrapInvited(s, id, 5)
    const steward = [0, 1, 2, 3, 4].find((i) => conv(s, i, id).conversation.isEpochSteward())!
    await conv(s, steward, id).invite(memberIdOf(N))
    await s.net.advance(50)
    const mark = s.members[steward]!.events.length
    const joined = joining(s, N, id)
    const approved = () => s.members[steward]!.events.slice(mark).some((e) => e.type === 'consensus-reached' && e.approved && e.request?.memberInvite !== undefined)
    await s.until(approved, 30_000)
    const t = s.net.clock.now() + batchWindowMs
    s.net.clock.setTimer(() => s.net.clock.track(conv(s, steward, id).leave()), Math.max(0, t + leaveAt - s.net.clock.now()))
    const remaining = [0, 1, 2, 3, 4, N].filter((i) => i !== steward)
    const gone = () => s.members[steward]!.user.conversation(id) === undefined
    await s.until(() => joined.out.done, 120_000)
    expect(joined.out.error).toBeUndefined()
    await s.until(() => gone() && converged(s, id, remaining), 120_000)
    await s.net.advance(20_000)
    expect(converged(s, id, remaining)).toBe(true)
    expect(conv(s, remaining[0]!, id).members().map(hex).sort()).toEqual(remaining.map((i) => hex(memberIdOf(i))).sort())
    expect(eventsOf(s, steward, 'leaving').length).toBe(1)
    await s.stop()
  }, 300_000)
})
