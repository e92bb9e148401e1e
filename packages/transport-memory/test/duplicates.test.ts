import { type InboundPacket, encodeTransportEnvelope } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { GOSSIPSUB_SEEN_TTL_MS, MemoryNetwork, type NetworkTraceEvent } from '../src/index.js'
import { CONV, TOPIC, mesh, payload, seqOf } from './helpers.js'

const packet = (n: number) => ({ conversationId: CONV, subtopic: 'app' as const, payload: payload(n) })

describe("gossipsub's duplicate suppression (dropDuplicatesWithinMs)", () => {
  it('is on by default with gossipsub’s 2-minute seen window, and can be turned off', () => {
    expect(GOSSIPSUB_SEEN_TTL_MS).toBe(120_000)
    expect(new MemoryNetwork().dropDuplicatesWithinMs).toBe(120_000)
    expect(new MemoryNetwork({ dropDuplicatesWithinMs: false }).dropDuplicatesWithinMs).toBe(0)
    expect(new MemoryNetwork({ dropDuplicatesWithinMs: 5_000 }).dropDuplicatesWithinMs).toBe(5_000)
    expect(() => new MemoryNetwork({ dropDuplicatesWithinMs: -1 })).toThrow(expect.objectContaining({ name: 'InvalidFaultsError' }))
    expect(() => new MemoryNetwork({ dropDuplicatesWithinMs: Number.NaN })).toThrow(expect.objectContaining({ name: 'InvalidFaultsError' }))
  })

  it('a publish of the same payload again is new bytes (the envelope sequence) and is delivered', async () => {
    const { net, peers, box } = await mesh(3, { seed: 1 })
    const [a, b, c] = peers as [(typeof peers)[0], (typeof peers)[0], (typeof peers)[0]]
    expect((await a.publish(packet(7))).recipients).toBe(2)
    await net.advance(10)
    expect((await a.publish(packet(7))).recipients).toBe(2)
    await net.advance(10)
    expect(box(b).map(seqOf)).toEqual([7, 7])
    expect(box(c).map(seqOf)).toEqual([7, 7])
    expect(a.publishStats()).toEqual({ published: 2, reachedNobody: 0, noPeers: 0, duplicates: 0 })
  })

  it('a publish of bytes the peer has seen reaches nobody within the window, and everybody after it', async () => {
    const { net, peers, box } = await mesh(3, { seed: 1 })
    const [a, b, c] = peers as [(typeof peers)[0], (typeof peers)[0], (typeof peers)[0]]
    // Exactly what a's n-th publish of packet(7) writes (`wrapOutbound`: sequence n, counted per transport).
    const nth = (n: bigint) => encodeTransportEnvelope({ conversationId: CONV, subtopic: 'app', senderAppId: a.appId, payload: payload(7), sequence: n })
    // a receives its own future bytes first (a restarted peer's old packet, relayed back to it).
    net.deliverRaw(a, TOPIC, nth(1n), { delayMs: 0 })
    await net.advance(10)
    expect((await a.publish(packet(7))).recipients).toBe(0)
    net.deliverRaw(a, TOPIC, nth(2n), { delayMs: 0 })
    await net.advance(GOSSIPSUB_SEEN_TTL_MS - 1) // 1 ms before the copy a received expires
    expect((await a.publish(packet(7))).recipients).toBe(0)
    net.deliverRaw(a, TOPIC, nth(3n), { delayMs: 0 })
    await net.advance(GOSSIPSUB_SEEN_TTL_MS)
    expect((await a.publish(packet(7))).recipients).toBe(2)
    await net.advance(10)
    expect(box(b).map(seqOf)).toEqual([7])
    expect(box(c).map(seqOf)).toEqual([7])
    expect(net.topicStats(TOPIC)).toMatchObject({ published: 3, reachedNobody: 2, duplicatePublishes: 2 })
    expect(a.publishStats()).toEqual({ published: 3, reachedNobody: 2, noPeers: 0, duplicates: 2 })
    // Different bytes are never confused with seen ones.
    expect((await a.publish(packet(8))).recipients).toBe(2)
  })

  it('a copy injected by the duplicate fault is dropped at the receiver (reason "duplicate")', async () => {
    const { net, peers, box, send } = await mesh(2, { seed: 12, faults: { duplicate: 0.5, jitterMs: 10 } })
    const N = 400
    for (let i = 0; i < N; i++) await send(peers[0]!, i)
    await net.advance(100)
    const got = box(peers[1]!)
    expect(got).toHaveLength(N)
    expect(new Set(got.map(seqOf)).size).toBe(N)
    const s = net.topicStats(TOPIC)
    expect(s.duplicated).toBeGreaterThan(100)
    expect(s.droppedBy.duplicate).toBe(s.duplicated)
    expect(s.delivered).toBe(N)
  })

  it('raw bytes a peer has already received are dropped; a stopped peer forgets what it saw', async () => {
    const { net, peers, box } = await mesh(2, { seed: 3 })
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]]
    const bytes = encodeTransportEnvelope({ conversationId: CONV, subtopic: 'app', senderAppId: a.appId, payload: payload(5) })
    net.deliverRaw(b, TOPIC, bytes)
    net.deliverRaw(b, TOPIC, bytes)
    await net.advance(10)
    expect(box(b)).toHaveLength(1)
    expect(net.topicStats(TOPIC).droppedBy.duplicate).toBe(1)
    await b.stop()
    await b.start()
    net.deliverRaw(b, TOPIC, bytes)
    await net.advance(10)
    expect(box(b)).toHaveLength(2)
  })

  it('per peer, like gossipsub: a peer that has not seen the bytes gets them, one that has does not', async () => {
    const net = new MemoryNetwork({ seed: 4 })
    const [a, b, c] = ['a', 'b', 'c'].map((id) => net.createTransport(id))
    const got = new Map<string, InboundPacket[]>()
    for (const t of [a!, b!, c!]) {
      await t.start()
      t.subscribe(TOPIC)
      got.set(t.peerId, [])
      t.addEventListener('message', (e) => got.get(t.peerId)!.push(e.detail))
    }
    const bytes = encodeTransportEnvelope({ conversationId: CONV, subtopic: 'app', senderAppId: new Uint8Array(16), payload: payload(9) })
    net.deliverRaw(b!, TOPIC, bytes) // b has seen it; c has not
    await net.advance(10)
    net.deliverRaw(c!, TOPIC, bytes)
    net.deliverRaw(b!, TOPIC, bytes)
    await net.advance(10)
    expect(got.get('b')).toHaveLength(1)
    expect(got.get('c')).toHaveLength(1)
  })

  it('with nobody reachable the bytes are not marked seen (as on gossipsub), and that counts as noPeers', async () => {
    const net = new MemoryNetwork({ seed: 2 })
    const a = net.createTransport('a')
    await a.start()
    a.subscribe(TOPIC)
    await expect(a.publish(packet(1))).rejects.toMatchObject({ name: 'NoPeersError' })
    expect((await a.publish(packet(1), { allowNoPeers: true })).recipients).toBe(0)
    const b = net.createTransport('b')
    await b.start()
    b.subscribe(TOPIC)
    expect((await a.publish(packet(1))).recipients).toBe(1)
    expect(a.publishStats()).toEqual({ published: 3, reachedNobody: 2, noPeers: 2, duplicates: 0 })
    expect(net.topicStats(TOPIC)).toMatchObject({ published: 2, reachedNobody: 1, duplicatePublishes: 0 })
  })

  it('a muted sender still marks its bytes seen; the trace flags duplicate publishes', async () => {
    const trace: NetworkTraceEvent[] = []
    const { net, peers } = await mesh(2, { seed: 6, trace: (e) => trace.push(e) })
    const bytes = (n: bigint) => encodeTransportEnvelope({ conversationId: CONV, subtopic: 'app', senderAppId: peers[0]!.appId, payload: payload(3), sequence: n })
    net.mute('p0')
    expect((await peers[0]!.publish(packet(3))).recipients).toBe(1)
    net.unmute('p0')
    // The muted publish was marked seen: the same bytes arriving at p0 are dropped.
    net.deliverRaw('p0', TOPIC, bytes(1n))
    await net.advance(10)
    expect(net.topicStats(TOPIC).droppedBy.duplicate).toBe(1)
    // p0 has seen its next publish's bytes: that publish is a duplicate.
    net.deliverRaw('p0', TOPIC, bytes(2n))
    await net.advance(10)
    expect((await peers[0]!.publish(packet(3))).recipients).toBe(0)
    expect(trace.filter((e) => e.type === 'publish').map((e) => (e.type === 'publish' ? e.duplicate ?? false : null))).toEqual([false, true])
  })

  it('is deterministic: the same seed gives the same trace with duplicate faults on', async () => {
    const run = async () => {
      const trace: string[] = []
      const { net, peers, send } = await mesh(3, { seed: 'dup', faults: { duplicate: 0.3, jitterMs: 30, loss: 0.1 }, trace: (e) => trace.push(JSON.stringify(e)) })
      for (let i = 0; i < 50; i++) {
        await send(peers[i % 3]!, i % 10) // repeats: same sender, same payload (new bytes: the envelope sequence)
        await net.advance(3)
      }
      await net.advance(200)
      return { trace, stats: net.stats() }
    }
    const [x, y] = [await run(), await run()]
    expect(x.trace).toEqual(y.trace)
    expect(x.stats).toEqual(y.stats)
    expect(x.stats.total.duplicatePublishes).toBe(0)
    expect(x.stats.total.droppedBy.duplicate).toBeGreaterThan(0)
  })

})
