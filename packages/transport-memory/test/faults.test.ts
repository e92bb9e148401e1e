import { describe, expect, it } from 'vitest'
import { DEFAULT_FAULTS, InvalidFaultsError, MemoryNetwork, resolveFaults } from '../src/index.js'
import { CONV, TOPIC, mesh, payload, seqOf } from './helpers.js'

describe('fault model', () => {
  it('validates and merges fault parameters', () => {
    expect(resolveFaults()).toEqual(DEFAULT_FAULTS)
    expect(resolveFaults({ loss: 0.5 }, { ...DEFAULT_FAULTS, jitterMs: 3 })).toMatchObject({ loss: 0.5, jitterMs: 3 })
    expect(() => resolveFaults({ loss: 1.5 })).toThrow(InvalidFaultsError)
    expect(() => resolveFaults({ duplicate: -0.1 })).toThrow(InvalidFaultsError)
    expect(() => resolveFaults({ reorder: Number.NaN })).toThrow(InvalidFaultsError)
    expect(() => resolveFaults({ delayMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_FAULTS' }))
    expect(() => new MemoryNetwork({ faults: { jitterMs: Number.POSITIVE_INFINITY } })).toThrow(InvalidFaultsError)
    const net = new MemoryNetwork({ faults: { loss: 0.1 } })
    net.setFaults({ jitterMs: 4 })
    expect(net.faults).toMatchObject({ loss: 0.1, jitterMs: 4, delayMs: 5 })
  })

  it('loses packets at the configured rate (within statistical bounds)', async () => {
    const N = 4000
    const p = 0.25
    const { net, peers, box, send } = await mesh(2, { seed: 11, faults: { loss: p } })
    for (let i = 0; i < N; i++) await send(peers[0]!, i)
    await net.advance(100)
    const lost = N - box(peers[1]!).length
    const sigma = Math.sqrt(N * p * (1 - p))
    expect(Math.abs(lost - N * p)).toBeLessThan(4 * sigma)
    const s = net.topicStats(TOPIC)
    expect(s.droppedBy.loss).toBe(lost)
    expect(s.delivered).toBe(N - lost)
  })

  it('loss 0 and 1 are exact', async () => {
    const all = await mesh(2, { faults: { loss: 1 } })
    for (let i = 0; i < 100; i++) await all.send(all.peers[0]!, i)
    await all.net.advance(100)
    expect(all.box(all.peers[1]!)).toHaveLength(0)
  })

  it('duplicates packets at the configured rate; every copy is a full packet (duplicate window off)', async () => {
    const N = 3000
    const p = 0.4
    const { net, peers, box, send } = await mesh(2, { seed: 12, faults: { duplicate: p, jitterMs: 10 }, dropDuplicatesWithinMs: false })
    for (let i = 0; i < N; i++) await send(peers[0]!, i)
    await net.advance(100)
    const got = box(peers[1]!)
    const extra = got.length - N
    expect(Math.abs(extra - N * p)).toBeLessThan(4 * Math.sqrt(N * p * (1 - p)))
    expect(net.topicStats(TOPIC).duplicated).toBe(extra)
    expect(new Set(got.map(seqOf)).size).toBe(N)
  })

  it('reorders packets: held-back ones are overtaken', async () => {
    const { net, peers, box, send } = await mesh(2, { seed: 13, faults: { reorder: 0.2, reorderWindowMs: 50 } })
    for (let i = 0; i < 200; i++) {
      await send(peers[0]!, i)
      await net.advance(1)
    }
    await net.advance(100)
    const order = box(peers[1]!).map(seqOf)
    expect(order).toHaveLength(200)
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(200).keys()])
    const inversions = order.filter((v, i) => i > 0 && v < order[i - 1]!).length
    expect(inversions).toBeGreaterThan(10)
    expect(net.topicStats(TOPIC).reordered).toBeGreaterThan(20)
  })

  it('delays by delayMs plus uniform jitter within bounds', async () => {
    const { net, peers, box, send } = await mesh(2, { seed: 14, faults: { delayMs: 10, jitterMs: 20 } })
    const sentAt = new Map<number, number>()
    for (let i = 0; i < 500; i++) {
      sentAt.set(i, net.clock.now())
      await send(peers[0]!, i)
      await net.advance(3)
    }
    await net.advance(100)
    const lat = box(peers[1]!).map((m) => m.receivedAt - sentAt.get(seqOf(m))!)
    expect(lat).toHaveLength(500)
    expect(lat.every(Number.isInteger)).toBe(true) // virtual time stays integral
    expect(Math.min(...lat)).toBeGreaterThanOrEqual(10)
    expect(Math.max(...lat)).toBeLessThanOrEqual(30)
    expect(Math.min(...lat)).toBeLessThan(12)
    expect(Math.max(...lat)).toBeGreaterThan(28)
    const order = box(peers[1]!).map(seqOf)
    expect(order.some((v, i) => i > 0 && v < order[i - 1]!)).toBe(true) // jitter > gap reorders
  })

  it('partitions cut links both ways until healed', async () => {
    const { net, peers, box, send } = await mesh(4)
    const [a, b, c, d] = peers as [never, never, never, never]
    net.partition(['p0', 'p1'], ['p2', 'p3'])
    expect(net.isReachable('p0', 'p2')).toBe(false)
    expect(net.isReachable('p0', 'p1')).toBe(true)
    expect((await send(a, 1)).recipients).toBe(1)
    await send(c, 2)
    await net.advance(10)
    expect(box(b).map(seqOf)).toEqual([1])
    expect(box(d).map(seqOf)).toEqual([2])
    expect(box(c)).toHaveLength(0)
    expect(box(a)).toHaveLength(0)
    expect(net.topicStats(TOPIC).droppedBy.partition).toBe(4)
    net.heal()
    expect((await send(a, 3)).recipients).toBe(3)
    await net.advance(10)
    expect(box(c).map(seqOf)).toEqual([3])
    expect(box(d).map(seqOf)).toEqual([2, 3])
  })

  it('a partition with one group isolates it from everyone; NoPeersError when nobody is reachable', async () => {
    const { net, peers } = await mesh(3)
    net.partition(['p0'])
    expect(peers[0]!.readiness(TOPIC)).toMatchObject({ meshPeers: 0, subscribers: 2, ready: false })
    await expect(peers[0]!.publish({ conversationId: CONV, subtopic: 'app', payload: payload(1) })).rejects.toMatchObject({
      name: 'NoPeersError',
    })
    net.heal(['p0'], ['p1'])
    expect(peers[0]!.readiness(TOPIC).meshPeers).toBe(1)
    expect(net.isReachable('p0', 'p2')).toBe(false)
  })

  it('drops packets in flight when a partition forms before they arrive', async () => {
    const { net, peers, box, send } = await mesh(2, { faults: { delayMs: 50 } })
    await send(peers[0]!, 1)
    await net.advance(10)
    net.partition(['p0'], ['p1'])
    await net.advance(100)
    expect(box(peers[1]!)).toHaveLength(0)
    expect(net.topicStats(TOPIC).droppedBy.partition).toBe(1)
  })

  it('a muted peer publishes into the void but still receives; unmute restores it', async () => {
    const { net, peers, box, send } = await mesh(3)
    const [a, b, c] = peers as [never, never, never]
    net.mute('p0')
    expect(net.isMuted('p0')).toBe(true)
    expect((await send(a, 1)).recipients).toBe(2) // the sender cannot tell
    await send(b, 2)
    await net.advance(10)
    expect(box(b).map(seqOf)).toEqual([])
    expect(box(c).map(seqOf)).toEqual([2])
    expect(box(a).map(seqOf)).toEqual([2])
    expect(net.topicStats(TOPIC).droppedBy.mute).toBe(2)
    expect(peers[1]!.readiness(TOPIC).meshPeers).toBe(2) // readiness unaffected
    net.unmute('p0')
    expect(net.isMuted('p0')).toBe(false)
    await send(a, 3)
    await net.advance(10)
    expect(box(b).map(seqOf)).toEqual([3])
  })

  it('inbound mute drops what is delivered to the peer', async () => {
    const { net, peers, box, send } = await mesh(2)
    net.mute('p1', { inbound: true, outbound: false })
    await send(peers[0]!, 1)
    await send(peers[1]!, 2)
    await net.advance(10)
    expect(box(peers[1]!)).toHaveLength(0)
    expect(box(peers[0]!).map(seqOf)).toEqual([2])
  })

  it('fault changes apply to packets published afterwards', async () => {
    const { net, peers, box, send } = await mesh(2)
    await send(peers[0]!, 1)
    net.setFaults({ loss: 1 })
    await send(peers[0]!, 2)
    net.setFaults({ loss: 0 })
    await send(peers[0]!, 3)
    await net.advance(10)
    expect(box(peers[1]!).map(seqOf)).toEqual([1, 3])
  })
})
