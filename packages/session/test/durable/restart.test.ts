import { memoryStorage } from '@demls/storage'
import { describe, expect, it } from 'vitest'
import { StateCorruptError, StorageOwnerError, User, type UserEvent } from '../../src/index.js'
import { type Scenario, bootstrap, conv, converged, hex, keyFor, scenario, text, restartMember } from '../scenarios/harness.js'
import { type Crashable, crashable } from './stores.js'

const ID = 'chat'

/** Crash member `i`: its store stops writing at once, its transport leaves the network. */
async function crash(s: Scenario, i: number, store: Crashable): Promise<void> {
  store.crash()
  await s.members[i]!.user.stop()
}

const received = (events: UserEvent[], body: string) =>
  events.some((e) => e.type === 'message' && new TextDecoder().decode(e.body) === body)

describe('durable state: a member survives a crash and catches up', () => {
  it('m1 crashes, the group commits a join without it, m1 restarts from its store at its old epoch, catches up and chats both ways', async () => {
    const inner = await memoryStorage()
    const store = crashable(inner)
    const s = await scenario(4, { userInit: (i) => (i === 1 ? { storage: store } : {}) })
    await bootstrap(s, ID, 3)
    await conv(s, 1, ID).sendMessage(text('before the crash'))
    await s.until(() => received(s.members[0]!.events, 'before the crash'))
    const epochAtCrash = conv(s, 1, ID).epoch()
    const authAtCrash = hex(conv(s, 1, ID).epochAuthenticator())
    expect(store.writes.some((k) => k === `conv/${ID}/state`)).toBe(true)

    await crash(s, 1, store)
    // The group moves on without m1: m3 joins (m1 is silent; the others admit it).
    const join = s.members[3]!.user.join(ID)
    await s.until(() => s.members[3]!.user.conversation(ID) !== undefined)
    await join
    await s.until(() => converged(s, ID, [0, 2, 3]) && conv(s, 0, ID).members().length === 4)
    const groupEpoch = conv(s, 0, ID).epoch()
    expect(groupEpoch).toBeGreaterThan(epochAtCrash)

    const { user, events } = await restartMember(s, 1, crashable(inner))
    expect(user.conversations()).toEqual([ID])
    const resumed = user.conversation(ID)!
    expect(resumed.epoch()).toBe(epochAtCrash)
    expect(hex(resumed.epochAuthenticator())).toBe(authAtCrash)

    await s.until(() => converged(s, ID, [0, 1, 2, 3]))
    expect(conv(s, 1, ID).epoch()).toBe(groupEpoch)
    await conv(s, 3, ID).sendMessage(text('to everyone, m1 included'))
    await s.until(() => received(events, 'to everyone, m1 included'))
    await conv(s, 1, ID).sendMessage(text('m1 is back'))
    await s.until(() => [0, 2, 3].every((i) => received(s.members[i]!.events, 'm1 is back')))
    expect(events.filter((e) => e.type === 'error')).toEqual([])
    await s.stop()
  }, 60_000)

  it('a packet leaves only once the state of the step that produced it is durable; a failed write sends nothing', async () => {
    const store = crashable(await memoryStorage())
    const s = await scenario(2, { userInit: (i) => (i === 1 ? { storage: store } : {}) })
    await bootstrap(s, ID)
    const writesBefore = store.writes.length
    store.hold()
    const sending = conv(s, 1, ID).sendMessage(text('after the write'))
    await sending
    for (let k = 0; k < 50; k++) await new Promise((r) => setImmediate(r))
    // The write is held: the chat packet has not left.
    expect(received(s.members[0]!.events, 'after the write')).toBe(false)
    expect(store.writes.length).toBe(writesBefore)
    store.open()
    await s.until(() => received(s.members[0]!.events, 'after the write'))
    expect(store.writes.length).toBeGreaterThan(writesBefore)

    // A write that fails: the packet is never sent, and the user is told.
    store.crash()
    await conv(s, 1, ID).sendMessage(text('never durable'))
    await s.net.clock.advance(3_000)
    expect(received(s.members[0]!.events, 'never durable')).toBe(false)
    expect(s.members[1]!.events.some((e) => e.type === 'error' && e.operation === 'save')).toBe(true)
    await s.stop()
  }, 60_000)

  it('leaving deletes the conversation from the store; a restart then holds nothing', async () => {
    const inner = await memoryStorage()
    const store = crashable(inner)
    const s = await scenario(3, { userInit: (i) => (i === 2 ? { storage: store } : {}) })
    await bootstrap(s, ID)
    expect(await inner.get(['conv', ID, 'state'])).toBeInstanceOf(Uint8Array)
    await conv(s, 2, ID).leave()
    await s.until(() => s.members[2]!.user.conversation(ID) === undefined && conv(s, 0, ID).members().length === 2)
    await s.net.clock.advance(1_000)
    const left: string[] = []
    for await (const e of inner.entries(['conv'])) left.push(e.key.join('/'))
    expect(left).toEqual([])
    await s.members[2]!.user.stop()
    const { user } = await restartMember(s, 2, crashable(inner))
    expect(user.conversations()).toEqual([])
    await s.stop()
  }, 60_000)

  it('a store belongs to one member; unreadable state throws StateCorruptError, or is skipped and listed', async () => {
    const inner = await memoryStorage()
    const s = await scenario(2, { userInit: (i) => (i === 0 ? { storage: crashable(inner) } : {}) })
    await bootstrap(s, ID)
    await s.members[0]!.user.stop()
    const other = User.create({ privateKey: keyFor(5), transport: s.net.createTransport('thief'), clock: s.net.clock, storage: crashable(inner) })
    await expect(other).rejects.toBeInstanceOf(StorageOwnerError)

    const saved = (await inner.get(['conv', ID, 'state']))!
    for (const bad of [saved.slice(0, 20), Uint8Array.of(1, 2, 3), Uint8Array.from([...saved.slice(0, 4), 99, ...saved.slice(5)])]) {
      await inner.put(['conv', ID, 'state'], bad)
      const init = { privateKey: keyFor(0), clock: s.net.clock, storage: crashable(inner) }
      const err = await User.create({ ...init, transport: s.net.createTransport(`m0-${bad.length}-a`) }).catch((e) => e)
      expect(err).toBeInstanceOf(StateCorruptError)
      expect(err.conversationId).toBe(ID)
      const user = await User.create({ ...init, transport: s.net.createTransport(`m0-${bad.length}-b`), onCorruptState: 'skip' })
      expect(user.conversations()).toEqual([])
      expect(user.unreadableConversations().map((e) => e.conversationId)).toEqual([ID])
      await user.stop()
      // Left in place for inspection.
      expect(await inner.get(['conv', ID, 'state'])).toEqual(bad)
    }
    await s.stop()
  }, 60_000)
})
