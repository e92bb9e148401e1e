import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

// Issue 56, one outcome per proposal: a member that missed an approved removal of a steward (cut off
// while the group voted it and elected again without it) catches up on the commits and must end on the
// group's list. Its own view of the election epoch still holds the removed steward, so the elected list
// does not regenerate over its pool; the election's certificate, carried by the replays, decides.

const stewardsOf = (s: Awaited<ReturnType<typeof scenario>>, i: number, id: string) => conv(s, i, id).conversation.stewards().map(hex).join()

describe('a member cut off while the group removed a steward and elected again', () => {
  it('installs the elected list from its certificate and converges on it', async () => {
    // Before: it caught up on the commits but refused the list ("steward list refused: does not regenerate
    // from the settled members") and kept the removed steward's list, the group split on two lists.
    const s = await scenario(7)
    const id = 'mr-a'
    await bootstrap(s, id, 7)
    const all = [0, 1, 2, 3, 4, 5, 6]
    const list = conv(s, 0, id).conversation.stewards().map(hex)
    const x = all.find((i) => list.includes(hex(memberIdOf(i))))!
    const cut = all.find((i) => !list.includes(hex(memberIdOf(i))))!
    const proposer = all.find((i) => i !== x && i !== cut)!
    for (const i of all.filter((i) => i !== x)) {
      s.members[i]!.user.events$.subscribe((e) => {
        if (e.type === 'vote-requested' && e.request?.removeMember && hex(e.request.removeMember.memberId) === hex(memberIdOf(x))) {
          s.net.clock.track(conv(s, i, id).vote(e.proposalId, true))
        }
      })
    }
    s.net.partition([s.members[cut]!.name])
    await conv(s, proposer, id).removeMember(memberIdOf(x))
    const rest = all.filter((i) => i !== x && i !== cut)
    await s.until(() => s.members[x]!.user.conversation(id) === undefined && converged(s, id, rest), 60_000)
    const elected = stewardsOf(s, rest[0]!, id)
    expect(elected).not.toContain(hex(memberIdOf(x)))
    expect(eventsOf(s, cut, 'consensus-reached').some((e) => e.request?.payload === 'stewardElection')).toBe(false)
    s.net.heal()
    await s.until(() => converged(s, id, [...rest, cut]) && stewardsOf(s, cut, id) === elected, 60_000)
    expect(eventsOf(s, cut, 'steward-list-inferred').map((e) => e.stewards.map(hex).join())).toContain(elected)
    expect(eventsOf(s, cut, 'dropped').filter((e) => (e.detail ?? '').includes('does not regenerate'))).toEqual([])
    await s.stop()
  }, 120_000)
})
