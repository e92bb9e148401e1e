import { encodeTransportEnvelope, topicFor } from '@demls/wire'
import type { TopicReadiness } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import {
  DuplicatePeerError,
  MemoryNetwork,
  type MemoryTransport,
  type NetworkTraceEvent,
  UnknownPeerError,
  memoryNetwork,
} from '../src/index.js'
import { CONV, TOPIC, mesh, payload, seqOf } from './helpers.js'

describe('MemoryNetwork peers', () => {
  it('creates stopped transports with 16-byte seeded app ids', () => {
    const net = memoryNetwork({ seed: 3 })
    const a = net.createTransport('a')
    const b = net.createTransport('b')
    expect(a.isStarted).toBe(false)
    expect(a.appId).toHaveLength(16)
    expect(a.appId).not.toEqual(b.appId)
    expect(new MemoryNetwork({ seed: 3 }).createTransport('a').appId).toEqual(a.appId)
    expect(new MemoryNetwork({ seed: 4 }).createTransport('a').appId).not.toEqual(a.appId)
    expect(net.createTransport('c', { appId: new Uint8Array([7, 7]) }).appId).toEqual(new Uint8Array([7, 7]))
    expect(net.peers()).toEqual(['a', 'b', 'c'])
    expect(net.transport('b')).toBe(b)
  })

  it('rejects duplicate and unknown peer ids with typed errors', () => {
    const net = new MemoryNetwork()
    net.createTransport('a')
    expect(() => net.createTransport('a')).toThrow(DuplicatePeerError)
    expect(() => net.transport('zz')).toThrow(UnknownPeerError)
    expect(() => net.mute('zz')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PEER', peerId: 'zz' }))
    expect(() => net.partition(['a'], ['zz'])).toThrow(UnknownPeerError)
  })

  it('removeTransport detaches a peer; it cannot start again', async () => {
    const { net, peers, box, send } = await mesh(3)
    const [a, b] = peers as [MemoryTransport, MemoryTransport]
    await send(a, 1)
    net.removeTransport('p1')
    await net.advance(100)
    expect(box(b)).toHaveLength(0)
    expect(net.peers()).toEqual(['p0', 'p2'])
    expect(peers[0]!.readiness(TOPIC).meshPeers).toBe(1)
    await expect(peers[1]!.start()).rejects.toBeInstanceOf(UnknownPeerError)
  })
})

describe('MemoryNetwork delivery', () => {
  it('delivers asynchronously at now + delayMs, never inside publish', async () => {
    const { net, peers, box, send } = await mesh(2, { faults: { delayMs: 40 } })
    const [a, b] = peers as [MemoryTransport, MemoryTransport]
    const t0 = net.clock.now()
    const r = await send(a, 1)
    expect(r.recipients).toBe(1)
    expect(box(b)).toHaveLength(0)
    await net.advance(39)
    expect(box(b)).toHaveLength(0)
    await net.advance(1)
    expect(box(b)).toHaveLength(1)
    expect(box(b)[0]!.receivedAt).toBe(t0 + 40)
  })

  it('keeps FIFO order per link without jitter or reordering', async () => {
    const { net, peers, box, send } = await mesh(2)
    for (let i = 0; i < 50; i++) await send(peers[0]!, i)
    await net.advance(100)
    expect(box(peers[1]!).map(seqOf)).toEqual([...Array(50).keys()])
  })

  it('publishes to subscribers even when the publisher is not subscribed (fan-out)', async () => {
    const { net, peers, box } = await mesh(2)
    const c = net.createTransport('c')
    await c.start()
    const r = await c.publish({ conversationId: CONV, subtopic: 'app', payload: payload(1) })
    expect(r.recipients).toBe(2)
    await net.advance(10)
    expect(box(peers[0]!)).toHaveLength(1)
    expect(box(peers[1]!)).toHaveLength(1)
  })

  it('drops in-flight deliveries to a peer that stops, even if it restarts before they are due', async () => {
    const { net, peers, box, send } = await mesh(2, { faults: { delayMs: 50 } })
    const [a, b] = peers as [MemoryTransport, MemoryTransport]
    await send(a, 1)
    await peers[1]!.stop()
    await peers[1]!.start()
    await net.advance(100)
    expect(box(b)).toHaveLength(0)
    expect(net.topicStats(TOPIC).droppedBy.offline).toBe(1)
    await send(a, 2)
    await net.advance(100)
    expect(box(b).map(seqOf)).toEqual([2])
  })

  it('a transport that unsubscribed while a packet was in flight drops it as not-subscribed', async () => {
    const { net, peers, send } = await mesh(2)
    const drops: string[] = []
    peers[1]!.addEventListener('drop', (e) => drops.push(e.detail.reason))
    await send(peers[0]!, 1)
    peers[1]!.unsubscribe(TOPIC)
    await net.advance(10)
    expect(drops).toEqual(['not-subscribed'])
    expect(net.topicStats(TOPIC).rejected).toBe(1)
  })

  it('drops packets carrying the receiver app id (two instances sharing one id)', async () => {
    const net = new MemoryNetwork()
    const id = new Uint8Array(16).fill(1)
    const a = net.createTransport('a', { appId: id })
    const b = net.createTransport('b', { appId: id })
    const reasons: string[] = []
    b.addEventListener('drop', (e) => reasons.push(e.detail.reason))
    await a.start()
    await b.start()
    a.subscribe(TOPIC)
    b.subscribe(TOPIC)
    await a.publish({ conversationId: CONV, subtopic: 'app', payload: payload(1) })
    await net.advance(10)
    expect(reasons).toEqual(['self'])
  })

  it('gives every recipient its own copy of the bytes', async () => {
    const { net, peers, box, send } = await mesh(3)
    peers[1]!.addEventListener('message', (e) => e.detail.envelope.payload.fill(0xff))
    await send(peers[0]!, 7)
    await net.advance(10)
    expect(seqOf(box(peers[2]!)[0]!)).toBe(7)
  })

  it('deliverRaw hands bytes to one transport, which validates them', async () => {
    const { net, peers, box } = await mesh(2)
    const reasons: string[] = []
    peers[1]!.addEventListener('drop', (e) => reasons.push(e.detail.reason))
    net.deliverRaw('p1', TOPIC, new Uint8Array([1, 2, 3]))
    const ok = encodeTransportEnvelope({ conversationId: CONV, subtopic: 'app', senderAppId: new Uint8Array([9]), payload: payload(5) })
    net.deliverRaw('p1', TOPIC, ok, { delayMs: 0 })
    await net.advance(0)
    expect(box(peers[1]!).map(seqOf)).toEqual([5])
    await net.advance(5)
    expect(reasons).toEqual(['malformed'])
  })
})

describe('MemoryNetwork readiness', () => {
  it('emits readiness on subscribe, start, stop and partition', async () => {
    const net = new MemoryNetwork()
    for (const p of ['a', 'b', 'c']) net.createTransport(p)
    const events: TopicReadiness[] = []
    const ta = net.transport('a')
    ta.addEventListener('readiness', (e) => events.push(e.detail))
    await ta.start()
    ta.subscribe(TOPIC)
    net.transport('b').subscribe(TOPIC) // b not started: not counted
    expect(ta.readiness(TOPIC)).toEqual({ topic: TOPIC, meshPeers: 0, subscribers: 0, ready: false })
    await net.transport('b').start()
    expect(events.at(-1)).toEqual({ topic: TOPIC, meshPeers: 1, subscribers: 1, ready: true })
    await net.transport('c').start()
    net.transport('c').subscribe(TOPIC)
    expect(events.at(-1)).toMatchObject({ meshPeers: 2, subscribers: 2 })
    net.partition(['a'], [net.transport('c')])
    expect(events.at(-1)).toEqual({ topic: TOPIC, meshPeers: 1, subscribers: 2, ready: true })
    expect(net.transport('b').readiness(TOPIC).meshPeers).toBe(2)
    net.heal()
    expect(events.at(-1)).toMatchObject({ meshPeers: 2, subscribers: 2 })
    await net.transport('b').stop()
    expect(events.at(-1)).toMatchObject({ meshPeers: 1, subscribers: 1 })
    const count = events.length
    await ta.stop()
    expect(events.at(-1)).toMatchObject({ meshPeers: 0, subscribers: 0, ready: false })
    expect(events).toHaveLength(count + 1)
    expect(ta.readiness(TOPIC).ready).toBe(false)
  })

  it('readiness of an unsubscribed topic counts reachable subscribers', async () => {
    const { net } = await mesh(2)
    const c = net.createTransport('c')
    await c.start()
    expect(c.readiness(TOPIC)).toMatchObject({ meshPeers: 2, subscribers: 2, ready: true })
    expect(c.readiness(topicFor('other', 'app')).ready).toBe(false)
  })
})

describe('MemoryNetwork with async handlers', () => {
  it('a tracked async handler replies at the virtual instant it was triggered', async () => {
    const trace: NetworkTraceEvent[] = []
    const { net, peers, box, send } = await mesh(2, { faults: { delayMs: 30 }, trace: (e) => trace.push(e) })
    const [alice, bob] = peers as [MemoryTransport, MemoryTransport]
    bob.addEventListener('message', (e) => {
      net.clock.track(
        (async () => {
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', e.detail.envelope.payload.slice()))
          await new Promise((r) => setTimeout(r, 5)) // real time passes, virtual time does not
          await bob.publish({ conversationId: CONV, subtopic: 'app', payload: digest })
        })(),
      )
    })
    const t0 = net.clock.now()
    await send(alice, 1)
    const elapsed = await net.runUntil(() => box(alice).length === 1, { maxMs: 1_000 })
    expect(elapsed).toBe(60)
    expect(box(alice)[0]!.envelope.payload).toHaveLength(32)
    expect(trace.filter((e) => e.type === 'publish').map((e) => [e.from, e.at - t0])).toEqual([
      ['p0', 0],
      ['p1', 30],
    ])
    expect(trace.filter((e) => e.type === 'deliver').map((e) => [e.to, e.at - t0, e.type === 'deliver' && e.accepted])).toEqual([
      ['p1', 30, true],
      ['p0', 60, true],
    ])
  })
})
