import { memoryStorage } from '@demls/storage'
import type { MemoryTransport } from '@demls/transport-memory'
import { type FetchStoredOptions, type InboundPacket, topicFor } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { User, type UserEvent } from '../../src/index.js'
import { FAST, type Member, type Scenario, bootstrap, conv, converged, hex, keyFor, scenario, text } from '../scenarios/harness.js'
import { crashable } from './stores.js'

// A store is one more backfill source, trusted with nothing: these tests give
// a restarted member a store (a transport `fetchStored`) that withholds,
// replays, serves garbage or another group's packets, or fails, and check
// that MLS decides what is delivered, each message once, and the member's
// state is untouched. The store keeps what a real store keeps: every packet
// it saw on the conversation's app topic, as it travelled.

const ID = 'chat'
const APP = topicFor(ID, 'app')
const bodies = (events: UserEvent[]) => events.flatMap((e) => (e.type === 'message' ? [new TextDecoder().decode(e.body)] : []))
const dropped = (events: UserEvent[]) => events.filter((e) => e.type === 'dropped').length

type Serve = (kept: InboundPacket[], all: Map<string, InboundPacket[]>) => InboundPacket[] | Promise<InboundPacket[]>

/** An observer on the network (as a store node is), keeping every packet of `topics`. */
async function observer(s: Scenario, topics: string[]): Promise<Map<string, InboundPacket[]>> {
  const t = s.net.createTransport('store')
  await t.start()
  const kept = new Map<string, InboundPacket[]>(topics.map((x) => [x, []]))
  for (const x of topics) t.subscribe(x)
  t.addEventListener('message', (e) => kept.get(e.detail.topic)?.push(e.detail))
  return kept
}

/** m2 was down while m0 chatted; it restarts cut off from m0 and m1, with only `serve`'s store. */
async function awayAndBack(serve: Serve, opts: { otherGroup?: boolean; readBefore?: boolean; commitWhileAway?: boolean } = {}) {
  const inner = await memoryStorage()
  const s = await scenario(opts.commitWhileAway ? 4 : 3, { userInit: (i) => (i === 2 ? { storage: crashable(inner) } : {}) })
  const kept = await observer(s, [APP, topicFor('other', 'app')])
  await bootstrap(s, ID, 3)
  if (opts.otherGroup) {
    await s.members[0]!.user.createConversation('other')
    await conv(s, 0, 'other').sendMessage(text('of another group'))
  }
  if (opts.readBefore) {
    await conv(s, 0, ID).sendMessage(text('read before going away'))
    await s.until(() => bodies(s.members[2]!.events).includes('read before going away'))
  }
  await s.members[2]!.user.stop()
  if (opts.commitWhileAway) {
    // A commit m2 misses: m3 joins (m2 is silent but not yet removed).
    const join = s.members[3]!.user.join(ID)
    await s.until(() => s.members[3]!.user.conversation(ID) !== undefined)
    await join
    await s.until(() => converged(s, ID, [0, 1, 3]))
  }
  await conv(s, 0, ID).sendMessage(text('while away 1'))
  await conv(s, 1, ID).sendMessage(text('while away 2'))
  // Past the re-publishes of chat that reached nobody.
  await s.net.clock.advance(10_000)
  const epoch = conv(s, 0, ID).epoch()
  const auth = hex(conv(s, 0, ID).epochAuthenticator())

  const transport = s.net.createTransport('m2-back') as MemoryTransport & { fetchStored?: (topic: string, o: FetchStoredOptions) => AsyncIterable<InboundPacket> }
  s.net.partition(['m2-back'], s.members.filter((_, i) => i !== 2).map((m) => m.name))
  const asked: FetchStoredOptions[] = []
  transport.fetchStored = async function* (topic, o) {
    asked.push(o)
    for (const p of await serve(topic === APP ? [...kept.get(APP)!] : [], kept)) yield p
  }
  const user = await User.create({ privateKey: keyFor(2), transport, clock: s.net.clock, config: FAST, random: () => 0.5, storage: crashable(inner) })
  const back: Member = { user, name: 'm2-back', events: [] }
  user.events$.subscribe((e) => back.events.push(e))
  s.members[2] = back
  await s.net.clock.advance(2_000)
  return { s, back, kept, epoch, auth, asked }
}

/** A packet as a transport hands it over, with another payload. */
const withPayload = (p: InboundPacket, payload: Uint8Array): InboundPacket => ({ ...p, envelope: { ...p.envelope, payload }, bytes: payload.length })

describe('a malicious or failing store cannot do worse than withhold', () => {
  it('honest store: the chat sent while m2 was away (no member reachable) comes from the store, once, asked from before its last save', async () => {
    const { s, back, epoch, asked } = await awayAndBack((kept) => kept)
    expect(bodies(back.events).sort()).toEqual(['while away 1', 'while away 2'])
    expect(back.events.some((e) => e.type === 'backfill' && e.messages === 2)).toBe(true)
    expect(conv(s, 2, ID).epoch()).toBe(epoch)
    // From the history request's time (its last save minus HISTORY_LIMITS.overlapMs).
    expect(asked).toHaveLength(1)
    expect(asked[0]!.sinceMs).toBeLessThan(s.net.clock.now())
    expect(asked[0]!.signal).toBeInstanceOf(AbortSignal)
    await s.stop()
  }, 60_000)

  it('a commit m2 missed comes from the store too: it applies it (same epoch and authenticator as the group) and reads the chat of the new epoch', async () => {
    const { s, back, epoch, auth } = await awayAndBack((kept) => kept, { commitWhileAway: true })
    await s.until(() => bodies(back.events).length >= 2)
    expect(bodies(back.events).sort()).toEqual(['while away 1', 'while away 2'])
    expect(back.events.some((e) => e.type === 'commit-applied')).toBe(true)
    expect(conv(s, 2, ID).epoch()).toBe(epoch)
    expect(hex(conv(s, 2, ID).epochAuthenticator())).toBe(auth)
    await s.stop()
  }, 60_000)

  it('replays: every packet three times, reversed, with what m2 read before it went away — each message delivered at most once', async () => {
    const { s, back } = await awayAndBack((kept) => [...kept, ...kept.slice().reverse(), ...kept], { readBefore: true })
    const got = bodies(back.events)
    expect(got).toContain('while away 1')
    expect(got).toContain('while away 2')
    expect(new Set(got).size).toBe(got.length)
    await s.stop()
  }, 60_000)

  it('garbage, truncated, tampered and empty packets: dropped and counted, the real chat still read, state untouched', async () => {
    let garbage = 0
    const { s, back, epoch, auth } = await awayAndBack(
      (kept) => {
        const real = kept.filter((p) => p.envelope.payload.length > 100)
        const first = real[0]!
        const flipped = first.envelope.payload.slice()
        flipped[flipped.length - 5]! ^= 0x01
        const bad = [
          withPayload(first, globalThis.crypto.getRandomValues(new Uint8Array(300))),
          withPayload(first, first.envelope.payload.subarray(0, 40)),
          withPayload(first, flipped),
          withPayload(first, new Uint8Array(0)),
        ]
        garbage = bad.length
        return [...bad, ...kept]
      },
    )
    expect(bodies(back.events).sort()).toEqual(['while away 1', 'while away 2'])
    expect(dropped(back.events)).toBeGreaterThanOrEqual(garbage)
    expect(conv(s, 2, ID).epoch()).toBe(epoch)
    expect(hex(conv(s, 2, ID).epochAuthenticator())).toBe(auth)
    expect(back.events.filter((e) => e.type === 'error')).toEqual([])
    // Still a working member: healed, it converges with the group and reads new chat.
    s.net.heal()
    await conv(s, 0, ID).sendMessage(text('after heal'))
    await s.until(() => bodies(back.events).includes('after heal') && converged(s, ID))
    await s.stop()
  }, 60_000)

  it('another group’s packets served as this conversation’s: dropped (another MLS group), nothing delivered from them, state untouched', async () => {
    const OTHER = topicFor('other', 'app')
    let served = 0
    const { s, back, epoch, auth } = await awayAndBack(
      (_, all) => {
        const foreign = all.get(OTHER)!.map((p) => ({ ...p, topic: APP, envelope: { ...p.envelope, conversationId: ID } }))
        served = foreign.length
        return foreign
      },
      { otherGroup: true },
    )
    expect(served).toBeGreaterThan(0)
    expect(bodies(back.events)).toEqual([])
    expect(dropped(back.events)).toBeGreaterThanOrEqual(served)
    expect(conv(s, 2, ID).epoch()).toBe(epoch)
    expect(hex(conv(s, 2, ID).epochAuthenticator())).toBe(auth)
    await s.stop()
  }, 60_000)

  it('a store that fails once (a stream closed under it) is asked again: the chat comes from it, once, and no error', async () => {
    let calls = 0
    const { s, back, asked } = await awayAndBack((kept) => {
      calls++
      return calls === 1 ? Promise.reject(new Error('stream closed')) : kept
    })
    await s.net.clock.advance(2_000)
    expect(asked).toHaveLength(2)
    expect(bodies(back.events).sort()).toEqual(['while away 1', 'while away 2'])
    expect(back.events.filter((e) => e.type === 'error')).toEqual([])
    await s.stop()
  }, 60_000)

  it('withholding: a store that returns nothing leaves m2 where no store would — the members’ own backfill brings the chat once it reaches them', async () => {
    const { s, back } = await awayAndBack(() => [])
    expect(bodies(back.events)).toEqual([])
    s.net.heal()
    await s.until(() => bodies(back.events).length >= 2 && converged(s, ID))
    expect(bodies(back.events).sort()).toEqual(['while away 1', 'while away 2'])
    await s.stop()
  }, 60_000)

  it('a failing store: asked three times, then an error event (store-backfill), and the conversation goes on', async () => {
    const { s, back, asked } = await awayAndBack(() => Promise.reject(new Error('store unreachable')))
    // The members are reachable again (a longer cut and the group would remove m2 as inactive).
    s.net.heal()
    // Asked again after 1 s and after 4 s more: one error event once the last attempt failed.
    await s.until(() => asked.length === 3 && back.events.some((e) => e.type === 'error'), 10_000)
    await s.net.clock.advance(5_000)
    expect(asked).toHaveLength(3)
    const errors = back.events.filter((e) => e.type === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.type === 'error' && errors[0]!.operation).toBe('store-backfill')
    await s.until(() => bodies(back.events).length >= 2 && converged(s, ID))
    await s.stop()
  }, 60_000)
})
