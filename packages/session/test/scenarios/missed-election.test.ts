import { describe, expect, it } from 'vitest'
import { conv, converged, eventsOf, hex, scenario } from './harness.js'

const stewardsOf = (s: Awaited<ReturnType<typeof scenario>>, i: number, id: string) =>
  conv(s, i, id).conversation.stewards().map(hex).join()

describe('a member that missed a steward election', () => {
  it('catches up across the election and the commits after it, and ends with the elected list', async () => {
    const s = await scenario(6)
    const id = 'missed'
    // One join per epoch (0–3): the list installed at epoch 2 covers epochs 2 and 3.
    await s.members[0]!.user.createConversation(id)
    for (const i of [1, 2, 3]) {
      void s.members[i]!.user.join(id)
      await s.until(() => s.members[i]!.user.conversation(id) !== undefined && converged(s, id, [...Array(i + 1).keys()]))
    }
    expect(conv(s, 0, id).epoch()).toBe(3n)
    const [cut] = [3]
    s.net.partition([s.members[cut]!.name])
    // Without member 3: a join (epoch 4, where the list is exhausted and an election is due) …
    const others = [0, 1, 2, 4]
    void s.members[4]!.user.join(id)
    await s.until(() => s.members[4]!.user.conversation(id) !== undefined && converged(s, id, others))
    await s.until(() => others.every((i) => conv(s, i, id).conversation.electionRound() === 0 && stewardsOf(s, i, id) === stewardsOf(s, 0, id)) && conv(s, 0, id).epoch() === 4n)
    // … the election lands, then two more joins under the elected list.
    await s.until(() => eventsOf(s, 0, 'consensus-reached').some((e) => e.request?.payload === 'stewardElection' && e.approved))
    void s.members[5]!.user.join(id)
    await s.until(() => s.members[5]!.user.conversation(id) !== undefined && converged(s, id, [...others, 5]))
    expect(conv(s, 0, id).epoch()).toBe(5n)
    expect(conv(s, cut, id).epoch()).toBe(3n)
    const elected = stewardsOf(s, 0, id)
    // Member 3 comes back: it catches up on every commit and learns the list it never voted on.
    s.net.heal()
    await s.until(() => converged(s, id) && stewardsOf(s, cut, id) === elected, 60_000)
    // It never saw the election: a peer sent it the list, which regenerates from what it saw at that epoch.
    expect(eventsOf(s, cut, 'consensus-reached').some((e) => e.request?.payload === 'stewardElection')).toBe(false)
    expect(eventsOf(s, cut, 'steward-list-inferred').map((e) => e.stewards.map(hex).join())).toContain(elected)
    // And it keeps up: another change after the catch-up lands everywhere.
    await conv(s, 1, id).removeMember(s.members[5]!.user.memberId)
    await s.until(() => converged(s, id, [0, 1, 2, 3, 4]) && conv(s, 0, id).members().length === 5, 60_000)
    expect(stewardsOf(s, cut, id)).toBe(stewardsOf(s, 0, id))
    await s.stop()
  })
})
