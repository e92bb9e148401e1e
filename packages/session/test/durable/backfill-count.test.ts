import { memoryStorage } from '@demls/storage'
import type { MemoryTransport } from '@demls/transport-memory'
import { topicFor } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { UserEvent } from '../../src/index.js'
import { Outbox } from '../../src/state/outbox.js'
import { bootstrap, conv, converged, restartMember, scenario, text } from '../scenarios/harness.js'
import { crashable } from './stores.js'

const ID = 'room'
const bodies = (events: UserEvent[]) => events.flatMap((e) => (e.type === 'message' ? [new TextDecoder().decode(e.body)] : []))
const recovered = (events: UserEvent[]) => events.reduce((n, e) => n + (e.type === 'backfill' ? e.messages : 0), 0)

/**
 * The chat printed "recovered 0 message(s) sent while you were away" right
 * after the one message sent while it was away: the `backfill` event counts
 * what the reply delivered, and that message had come live first (a
 * re-publish of chat that reached nobody, gossip), so the reply's copy was
 * a replay. The chat now prints the line only when the reply delivered
 * something; the count itself is taken from a counter, not from the events
 * not yet drained.
 */
describe('the backfill event counts the messages the reply delivered', () => {
  it('read from the reply: one message, counted once', async () => {
    const inner = await memoryStorage()
    const s = await scenario(2, { userInit: (i) => (i === 1 ? { storage: crashable(inner) } : {}) })
    await bootstrap(s, ID, 2)
    s.members[1]!.user.stop()
    await conv(s, 0, ID).sendMessage(text('sent while you were away'))
    await s.net.clock.advance(1_000)
    const { events } = await restartMember(s, 1, crashable(inner), 'm1-back')
    await s.until(() => converged(s, ID) && events.some((e) => e.type === 'backfill'))
    await s.net.clock.advance(5_000)
    expect(bodies(events)).toEqual(['sent while you were away'])
    expect(recovered(events)).toBe(1)
    await s.stop()
  }, 60_000)

  it('read live before the reply (the same ciphertext relayed at once): one message, and the reply recovered none', async () => {
    const inner = await memoryStorage()
    const s = await scenario(2, { userInit: (i) => (i === 1 ? { storage: crashable(inner) } : {}) })
    await bootstrap(s, ID, 2)
    const sniffer = s.net.createTransport('relay') as MemoryTransport
    await sniffer.start()
    sniffer.subscribe(topicFor(ID, 'app'))
    const heard: Uint8Array[] = []
    sniffer.addEventListener('message', (e) => heard.push(e.detail.envelope.payload))
    s.members[1]!.user.stop()
    await conv(s, 0, ID).sendMessage(text('sent while you were away'))
    await s.net.clock.advance(1_000)
    const chat = heard.at(-1)!
    const { events } = await restartMember(s, 1, crashable(inner), 'm1-back')
    await sniffer.publish({ conversationId: ID, subtopic: 'app', payload: chat })
    await s.until(() => converged(s, ID) && events.some((e) => e.type === 'backfill'))
    await s.net.clock.advance(5_000)
    expect(bodies(events)).toEqual(['sent while you were away'])
    const backfills = events.filter((e) => e.type === 'backfill')
    expect(backfills.map((e) => e.type === 'backfill' && e.messages)).toEqual([0])
    // The live copy came first.
    expect(events.findIndex((e) => e.type === 'message')).toBeLessThan(events.findIndex((e) => e.type === 'backfill'))
    await s.stop()
  }, 60_000)

  it('the outbox counts every chat message it emitted, also those a driver drained meanwhile', () => {
    const outbox = new Outbox()
    outbox.emit({ type: 'message', sender: new Uint8Array(20), body: text('a'), epoch: 1n, id: new Uint8Array(32) }, 1n)
    const before = outbox.messagesEmitted
    outbox.events.splice(0) // the driver drains what an earlier step emitted
    outbox.emit({ type: 'message', sender: new Uint8Array(20), body: text('b'), epoch: 1n, id: new Uint8Array(32).fill(1) }, 1n)
    outbox.emit({ type: 'dropped', reason: 'duplicate' }, 1n)
    expect(outbox.messagesEmitted - before).toBe(1)
    // What counting the undrained events gave: 1 − 1 = 0.
    expect(outbox.events.filter((e) => e.type === 'message').length - 1).toBe(0)
  })
})
