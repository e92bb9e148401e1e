import { describe, expect, it } from 'vitest'
import type { ConversationConfigInit } from '../../src/index.js'
import { bootstrap, conv, eventsOf, memberIdOf, scenario } from './harness.js'

const ID = 'os'

/**
 * Four members. Member 0 proposes removing member 3 (its YES bundled) and
 * goes silent as soon as member 1 has the proposal; members 2 and 3 are
 * silent too. Member 1 holds two votes of four (ceil(8/3) = 3 needed): only
 * a timeout can resolve the proposal.
 */
async function ownerGoesSilent(config: ConversationConfigInit = {}) {
  const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 4 }, ...config } })
  await bootstrap(s, ID)
  const id = (await conv(s, 0, ID).removeMember(memberIdOf(3)))!
  await s.until(() => eventsOf(s, 1, 'vote-requested').some((e) => e.proposalId === id))
  const receivedAt = s.net.clock.now()
  for (const i of [0, 2, 3]) s.net.mute(s.members[i]!.name)
  const outcome = () => eventsOf(s, 1, 'consensus-reached').find((e) => e.proposalId === id)
  return { s, id, receivedAt, outcome, timeout: conv(s, 1, ID).conversation.config().consensusTimeoutMs }
}

describe('deviation 3: every member times out every open proposal', () => {
  it('a proposal whose owner went silent resolves on the other members at their own timeout', async () => {
    const { s, receivedAt, outcome, timeout } = await ownerGoesSilent()
    await s.until(() => outcome() !== undefined)
    const elapsed = s.net.clock.now() - receivedAt
    expect(elapsed).toBeGreaterThanOrEqual(timeout)
    expect(elapsed).toBeLessThan(timeout + 100)
    // At the timeout the silent voters weigh YES (liveness): the removal is approved.
    expect(outcome()).toMatchObject({ approved: true, failed: false })
    expect(conv(s, 1, ID).conversation.approvedCount()).toBe(1)
    await s.stop()
  })

  it('with the reference rule (only the owner times out) it never resolves and blocks its target', async () => {
    const { s, outcome, timeout } = await ownerGoesSilent({ referenceGaps: { onlyOwnerTimesOut: true } })
    await s.net.advance(20 * timeout)
    expect(outcome()).toBeUndefined()
    expect(conv(s, 1, ID).conversation.approvedCount()).toBe(0)
    // The stuck proposal still holds its target: the removal cannot even be proposed again.
    expect(await conv(s, 1, ID).removeMember(memberIdOf(3))).toBeUndefined()
    await s.stop()
  })
})
