import { describe, expect, it } from 'vitest'
import { bootstrap, conv, eventsOf, joining, scenario } from './harness.js'

/**
 * `docs/deviations.md`, "votes": a membership vote left undecided at the
 * consensus timeout is not reported to the joiner as a rejection; its next
 * announcement opens a new vote.
 */
describe('an undecided membership vote is not a rejection for the joiner', () => {
  it('n = 2 with one member silent: the vote fails at the timeout, the joiner keeps waiting, and joins once a new vote passes', async () => {
    const s = await scenario(3)
    const id = 'undecided'
    await bootstrap(s, id, 2)
    s.net.mute(s.members[1]!.name)
    const carol = joining(s, 2, id, { timeoutMs: 120_000 })
    // Alice opens the vote on carol's key package; bob never votes, so it cannot decide (n = 2).
    const failed = () =>
      eventsOf(s, 0, 'consensus-reached').find((e) => e.request?.payload === 'memberInvite' && e.failed && !e.approved)
    await s.until(() => failed() !== undefined, 60_000)
    expect(carol.progress.map((p) => p.phase)).toContain('acked')
    // Give a REJECTED status time to arrive, if one were sent: the join must still be pending.
    await s.net.advance(2_000)
    expect(carol.out).toEqual({ done: false })
    s.net.unmute(s.members[1]!.name)
    await s.until(() => carol.out.done, 110_000)
    const handle = await carol.promise
    expect(carol.out.error).toBeUndefined()
    expect(handle?.state()).toBe('working')
    expect(conv(s, 0, id).members()).toHaveLength(3)
    // It took a second vote: a new one, or the certificate of the one alice's timer failed, once bob could vote
    // (the group's outcome wins over her timer's); the failed one came first.
    const invites = eventsOf(s, 0, 'consensus-reached').filter((e) => e.request?.payload === 'memberInvite')
    const firstFailed = invites.findIndex((e) => e.failed && !e.approved)
    expect(firstFailed).toBeGreaterThanOrEqual(0)
    expect(invites.slice(firstFailed + 1).some((e) => e.approved)).toBe(true)
    await s.stop()
  }, 60_000)
})
