import { describe, expect, it } from 'vitest'
import { ConversationBlockedError, ConversationClosedError, SendQueueFullError, WelcomeTimeoutError } from '../../src/index.js'
import { bootstrap, bootstrapThreeStewards, conv, converged, eventsOf, hex, memberIdOf, scenario, text } from './harness.js'

describe('phase gates, self-leave and join deadlines', () => {
  it('chat waits out a freeze and is sent in the next epoch; votes are refused; the freeze waits for every eligible steward', async () => {
    const s = await scenario(4, {
      config: { stewardList: { snMin: 1, snMax: 3 }, freezeDurationMs: 5_000, sendQueueMax: 3, sendQueueMaxBytes: 1_024 },
    })
    // One more commit after the first three, so those three become the steward list.
    await bootstrapThreeStewards(s, 'gate')
    const stewards = conv(s, 0, 'gate').conversation.stewards().map(hex)
    expect(stewards).not.toContain(hex(memberIdOf(3)))
    // Mute one steward: its candidate never arrives, so the others wait the whole freeze window.
    const silent = [0, 1, 2].find((i) => !conv(s, i, 'gate').conversation.isEpochSteward())!
    const active = [0, 1, 2].find((i) => i !== silent && conv(s, i, 'gate').conversation.isEpochSteward())!
    s.net.mute(s.members[silent]!.name)
    await conv(s, active, 'gate').removeMember(memberIdOf(3))
    await s.until(() => conv(s, active, 'gate').state() === 'freezing')
    const frozenAt = s.net.clock.now()
    const frozenEpoch = conv(s, active, 'gate').epoch()
    let sent = false
    void conv(s, active, 'gate')
      .sendMessage(text('sent during the freeze'))
      .then(() => {
        sent = true
      })
    const second = conv(s, active, 'gate').sendMessage(text('and a second one'))
    // Bounded in bytes and in count.
    await expect(conv(s, active, 'gate').sendMessage(new Uint8Array(1_000))).rejects.toBeInstanceOf(SendQueueFullError)
    const third = conv(s, active, 'gate').sendMessage(text('third'))
    await expect(conv(s, active, 'gate').sendMessage(text('fourth'))).rejects.toBeInstanceOf(SendQueueFullError)
    // The member being removed queues too, and its messages fail once its removal is merged.
    await s.until(() => conv(s, 3, 'gate').state() === 'freezing')
    const doomed = conv(s, 3, 'gate').sendMessage(text('from the removed member'))
    let doomedOutcome: unknown
    doomed.then(
      () => {
        doomedOutcome = 'sent'
      },
      (e: unknown) => {
        doomedOutcome = e
      },
    )
    await s.net.advance(100)
    expect(sent).toBe(false)
    expect(conv(s, active, 'gate').conversation.queuedMessageCount()).toBe(3)
    await expect(conv(s, active, 'gate').vote(1, true)).rejects.toBeInstanceOf(ConversationBlockedError)
    await s.until(() => conv(s, active, 'gate').state() === 'working')
    expect(s.net.clock.now() - frozenAt).toBeGreaterThanOrEqual(5_000)
    expect(conv(s, active, 'gate').members()).toHaveLength(3)
    await s.until(() => sent)
    await second
    await third
    await s.until(() => doomedOutcome !== undefined)
    expect(doomedOutcome).toBeInstanceOf(ConversationClosedError)
    // Delivered in order, encrypted in the epoch after the freeze, to every remaining member.
    const receivers = [0, 1, 2].filter((i) => i !== active && i !== silent)
    await s.until(() =>
      receivers.every((i) => eventsOf(s, i, 'message').filter((m) => m.conversationId === 'gate' && m.epoch > frozenEpoch).length >= 3),
    )
    for (const i of receivers) {
      const bodies = eventsOf(s, i, 'message')
        .filter((m) => m.conversationId === 'gate' && m.epoch > frozenEpoch)
        .map((m) => new TextDecoder().decode(m.body))
      expect(bodies.slice(0, 3)).toEqual(['sent during the freeze', 'and a second one', 'third'])
      expect(bodies).not.toContain('from the removed member')
    }
    await s.stop()
  })

  it('a member of a live group leaves: one proposal, committed by another steward, observed as leaving', async () => {
    const s = await scenario(3)
    await bootstrap(s, 'bye')
    const leaver = 2
    expect(await conv(s, leaver, 'bye').leave()).toBe(true)
    expect(await conv(s, leaver, 'bye').leave()).toBe(false)
    await s.until(() => eventsOf(s, leaver, 'leaving').length === 1)
    await s.until(() => converged(s, 'bye', [0, 1]) && conv(s, 0, 'bye').members().length === 2)
    // Nobody was asked to vote on a self-leave.
    for (const i of [0, 1]) {
      expect(eventsOf(s, i, 'vote-requested').filter((e) => e.request?.removeMember && hex(e.request.removeMember.memberId) === hex(memberIdOf(leaver)))).toHaveLength(0)
    }
    await s.stop()
  })

  it('a pending join without probing expires after 3 × commit inactivity with WelcomeTimeoutError', async () => {
    const s = await scenario(1)
    const started = s.net.clock.now()
    let error: unknown
    s.members[0]!.user.join('nobody-here', { probe: false }).catch((e) => {
      error = e
    })
    await s.until(() => error !== undefined, 600_000)
    expect(error).toBeInstanceOf(WelcomeTimeoutError)
    expect((error as WelcomeTimeoutError).elapsedMs).toBeGreaterThanOrEqual(3 * 2_000)
    // The deadline is exact now (a timer), not checked at the next republication.
    expect(s.net.clock.now() - started).toBe(3 * 2_000)
    await s.stop()
  })

  it('a join is cancelled through its signal with AbortError', async () => {
    const s = await scenario(1)
    const ac = new AbortController()
    let error: unknown
    s.members[0]!.user.join('nobody-here', { signal: ac.signal }).catch((e) => {
      error = e
    })
    await s.net.advance(1_000)
    ac.abort()
    await s.until(() => error !== undefined)
    expect((error as Error).name).toBe('AbortError')
    await s.stop()
  })
})
