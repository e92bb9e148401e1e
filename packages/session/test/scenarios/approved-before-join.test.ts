import { describe, expect, it } from 'vitest'
import { conv, converged, eventsOf, scenario } from './harness.js'

// Found by the real-network burst (issue 21): a lone creator approves five
// joins at epoch 0 (one voter: itself), commits three of them (a capped
// batch), then the other two. The three joiners of epoch 1 must accept that
// second commit: its adds were approved by the members of epoch 0, before
// they joined, so they check the creator's signed votes against the members
// their Welcome shows for the epoch before it. Before, they refused it ("no
// verifiable approval"), and since only they could vouch for it to each
// other, the group split for good.
describe('work approved before a joiner joined, committed after', () => {
  it('is accepted by the joiners of the first commit, and the group converges', async () => {
    const s = await scenario(6, { config: { commitBatchMax: 3 } })
    const id = 'approved-before-join'
    await s.members[0]!.user.createConversation(id)
    const joins = [1, 2, 3, 4, 5].map((i) => s.members[i]!.user.join(id, { probe: false }))
    const all = [0, 1, 2, 3, 4, 5]
    await s.until(() => converged(s, id, all) && conv(s, 0, id).members().length === 6, 120_000)
    await Promise.all(joins)
    // Two commits at least (the batch is capped at three), and nobody refused one for want of an approval.
    expect(conv(s, 0, id).epoch()).toBeGreaterThanOrEqual(2n)
    for (const i of all) {
      const refused = eventsOf(s, i, 'dropped').filter((e) => e.detail?.includes('no verifiable approval'))
      expect(refused, `member ${i}`).toEqual([])
    }
    await s.stop()
  }, 60_000)
})
