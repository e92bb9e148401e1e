import { describe, expect, it } from 'vitest'
import { conv, converged, eventsOf, hex, scenario, text } from './harness.js'

describe('a 20-member group grown by batched joins', () => {
  it('converges on one epoch, member set and authenticator, and every chat reaches everyone', async () => {
    const n = 20
    const s = await scenario(n)
    const id = 'big'
    await s.members[0]!.user.createConversation(id)
    const batches = [[1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]]
    let size = 1
    for (const batch of batches) {
      const joins = batch.map((i) => s.members[i]!.user.join(id))
      size += batch.length
      const inGroup = [...Array(size).keys()]
      await s.until(() => batch.every((i) => s.members[i]!.user.conversation(id) !== undefined), 300_000)
      await Promise.all(joins)
      await s.until(() => converged(s, id, inGroup) && conv(s, 0, id).members().length === size, 300_000)
    }
    expect(converged(s, id)).toBe(true)
    const epoch = conv(s, 0, id).epoch()
    for (let i = 0; i < n; i++) expect(conv(s, i, id).epoch()).toBe(epoch)
    for (let i = 0; i < n; i++) await conv(s, i, id).sendMessage(text(`hello from ${i}`))
    await s.until(() => s.members.every((_, i) => eventsOf(s, i, 'message').length >= n - 1), 60_000)
    for (let i = 0; i < n; i++) {
      const got = eventsOf(s, i, 'message').map((e) => new TextDecoder().decode(e.body))
      const want = [...Array(n).keys()].filter((j) => j !== i).map((j) => `hello from ${j}`)
      expect(got.sort()).toEqual(want.sort())
      for (const e of eventsOf(s, i, 'message')) {
        const from = Number(new TextDecoder().decode(e.body).split(' ').at(-1))
        expect(hex(e.sender)).toBe(hex(s.members[from]!.user.memberId))
      }
    }
    await s.stop()
  }, 300_000)
})

describe('protocol_join_scale (deviation 6: a joiner welcomed in an election epoch learns the elected list)', () => {
  it('grows to 11 members one at a time with sn = (1, 2) without forking', async () => {
    const s = await scenario(11, { config: { stewardList: { snMin: 1, snMax: 2 } } })
    const id = 'scale'
    await s.members[0]!.user.createConversation(id)
    let elections = 0
    for (let i = 1; i < 11; i++) {
      const joining = s.members[i]!.user.join(id)
      await s.until(() => s.members[i]!.user.conversation(id) !== undefined, 300_000)
      await joining
      const inGroup = [...Array(i + 1).keys()]
      await s.until(() => converged(s, id, inGroup) && conv(s, 0, id).members().length === i + 1, 300_000)
      // Every member, including the newest, holds the same steward list.
      await s.until(() => {
        const lists = inGroup.map((k) => conv(s, k, id).conversation.stewards().map(hex).join())
        return lists.every((l) => l === lists[0])
      }, 60_000)
      elections = eventsOf(s, 0, 'consensus-reached').filter((e) => e.request?.payload === 'stewardElection').length
    }
    expect(elections).toBeGreaterThan(0)
    expect(converged(s, id)).toBe(true)
    await s.stop()
  }, 300_000)
})
