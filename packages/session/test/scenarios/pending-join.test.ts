import { topicFor } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { WelcomeTimeoutError } from '../../src/index.js'
import { bootstrap, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'

describe('pending-join eviction (reference 3.0 pending_join_eviction: 3 × commit inactivity)', () => {
  it('pending_join_expires_evicts_the_entry_and_stops_announcing', async () => {
    const s = await scenario(3)
    const id = 'pj'
    await bootstrap(s, id, 2)
    const joiner = s.members[2]!
    // The group never hears the joiner.
    s.net.partition([joiner.name], [s.members[0]!.name, s.members[1]!.name])
    const started = s.net.clock.now()
    // Announce without probing (a probing joiner would end with NoReadyPeersError here).
    const { out } = joining(s, 2, id, { probe: false })
    expect(joiner.user.transport.getTopics()).toContain(topicFor(id, 'welcome'))
    await s.until(() => out.done, 300_000)
    const commitInactivity = conv(s, 0, id).conversation.config().commitInactivityMs
    expect(out.error).toBeInstanceOf(WelcomeTimeoutError)
    expect(s.net.clock.now() - started).toBeGreaterThanOrEqual(3 * commitInactivity)
    // Evicted: no conversation, no subscription, no more announcements.
    expect(joiner.user.conversation(id)).toBeUndefined()
    expect(joiner.user.conversations()).toEqual([])
    expect(joiner.user.transport.getTopics()).not.toContain(topicFor(id, 'welcome'))
    expect(joiner.user.transport.getTopics()).not.toContain(topicFor(id, 'app'))
    const announced = s.net.topicStats(topicFor(id, 'welcome')).published
    await s.net.advance(10 * commitInactivity)
    expect(s.net.topicStats(topicFor(id, 'welcome')).published).toBe(announced)
    expect(eventsOf(s, 2, 'conversation-created')).toHaveLength(0)
    // Nothing of the abandoned attempt lingers: a later join, once reachable, completes.
    s.net.heal()
    const again = joiner.user.join(id)
    await s.until(() => joiner.user.conversation(id) !== undefined)
    await again
    await s.until(() => converged(s, id) && conv(s, 0, id).members().length === 3)
    await s.stop()
  })

  it("a joiner's stale key package leaves the members' buffers after pendingUpdateMaxEpochs", async () => {
    // sn = (1, 1): one steward; a key package heard only by plain members waits in their buffers.
    const s = await scenario(5, { config: { stewardList: { snMin: 1, snMax: 1 }, pendingUpdateMaxEpochs: 0 } })
    const id = 'pk'
    await bootstrap(s, id, 3)
    const steward = [0, 1, 2].find((i) => conv(s, i, id).conversation.isSteward())!
    const plain = [0, 1, 2].filter((i) => i !== steward)
    const [ghost, late] = [3, 4]
    s.net.partition([s.members[ghost]!.name], [s.members[steward]!.name])
    const { out } = joining(s, ghost, id)
    await s.until(() => plain.every((i) => conv(s, i, id).conversation.pendingUpdateCount() === 1))
    await s.until(() => out.done, 300_000)
    expect(out.error).toBeInstanceOf(WelcomeTimeoutError)
    for (const i of plain) expect(conv(s, i, id).conversation.pendingUpdateCount()).toBe(1)
    // The next commit (another joiner) ages the buffered key package out.
    const mark = s.members.map((m) => m.events.length)
    const lateJoin = s.members[late]!.user.join(id)
    await s.until(() => s.members[late]!.user.conversation(id) !== undefined)
    await lateJoin
    await s.until(() => converged(s, id, [0, 1, 2, late]))
    for (const i of plain) expect(conv(s, i, id).conversation.pendingUpdateCount()).toBe(0)
    // Nobody ever proposes the ghost, whoever becomes steward.
    await s.net.advance(30_000)
    const ghostHex = hex(memberIdOf(ghost))
    for (const i of [0, 1, 2, late]) {
      const asked = s.members[i]!.events.slice(mark[i]).filter((e) => e.type === 'vote-requested' && hex(e.request?.memberInvite?.memberId ?? new Uint8Array()) === ghostHex)
      expect(asked).toHaveLength(0)
    }
    expect(conv(s, 0, id).members().map(hex)).not.toContain(ghostHex)
    await s.stop()
  })
})
