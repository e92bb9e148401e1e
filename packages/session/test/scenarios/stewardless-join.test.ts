import { describe, expect, it } from 'vitest'
import { conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'

describe('a joiner arriving while the only steward is dead', () => {
  it('is admitted once the group has removed the steward and elected another, with a list that has a member', async () => {
    // One steward (snMax 1), cut off both ways: the joiner's add is approved, nobody can commit it until
    // recovery, and the dead steward's removal is approved beside it. Whatever order the commits take on
    // the memory network, the joiner must end up in the group with a steward list that has a member (a
    // list with none it would refuse, and never join). The sans-I/O test of the same case, where one
    // commit would carry both, is in other-differences.test.ts ("leaves the joiner for later").
    const s = await scenario(5, { config: { admission: 'open', stewardList: { snMin: 1, snMax: 1 } } })
    await s.members[0]!.user.createConversation('sd')
    for (const i of [1, 2, 3]) {
      const j = joining(s, i, 'sd')
      await s.until(() => j.out.done)
      expect(j.out.error).toBeUndefined()
    }
    await s.until(() => converged(s, 'sd', [0, 1, 2, 3]) && conv(s, 0, 'sd').members().length === 4)
    const stewardId = conv(s, 1, 'sd').conversation.stewards()[0]!
    const steward = [0, 1, 2, 3].find((i) => hex(memberIdOf(i)) === hex(stewardId))!
    const live = [0, 1, 2, 3].filter((i) => i !== steward)
    s.net.mute(s.members[steward]!.name, { outbound: true, inbound: true })
    const joiner = joining(s, 4, 'sd')
    // Once the add is approved (nobody can commit it yet), a member proposes the dead steward's removal.
    const addApproved = () => eventsOf(s, live[0]!, 'consensus-reached').some((e) => e.approved && e.request?.memberInvite !== undefined)
    await s.until(addApproved, 60_000)
    const committedBefore = eventsOf(s, live[0]!, 'commit-applied').length
    await conv(s, live[0]!, 'sd').removeMember(stewardId)
    await s.until(() => joiner.out.done, 300_000)
    expect(joiner.out.error).toBeUndefined()
    const all = [...live, 4]
    await s.until(() => converged(s, 'sd', all) && conv(s, 4, 'sd').members().length === 4, 120_000)
    const j = conv(s, 4, 'sd')
    expect(j.members().map(hex).sort()).toEqual(all.map((i) => hex(memberIdOf(i))).sort())
    const members = new Set(j.members().map(hex))
    expect(j.conversation.stewards().some((m) => members.has(hex(m)))).toBe(true)
    for (const i of live) expect(conv(s, i, 'sd').conversation.stewards().map(hex)).toEqual(j.conversation.stewards().map(hex))
    // Where the joiner came in: with the removal or after it.
    const batches = eventsOf(s, live[0]!, 'commit-applied').map((e) => e.batch.map((r) => r.payload).join('+'))
    console.log(`commits after the steward went silent: ${batches.slice(committedBefore).join(', ')}`)
    await s.stop()
  }, 300_000)
})
