import { describe, expect, it } from 'vitest'
import type { InboundPacket } from '@demls/wire'
import type { NetworkTraceEvent } from '../src/index.js'
import { mesh, seqOf } from './helpers.js'

const FAULTS = { loss: 0.1, duplicate: 0.1, reorder: 0.2, reorderWindowMs: 40, delayMs: 5, jitterMs: 15 }

async function run(seed: number | string): Promise<string[]> {
  const trace: NetworkTraceEvent[] = []
  const { net, peers, box, send } = await mesh(6, { seed, faults: FAULTS, trace: (e) => trace.push(e) })
  for (let round = 0; round < 30; round++) {
    for (const [i, p] of peers.entries()) await send(p, round * 10 + i)
    if (round === 10) net.partition(['p0', 'p1'])
    if (round === 20) net.heal()
    await net.advance(7)
  }
  await net.advance(200)
  const receipts = peers.map((p) => `${p.peerId}:${box(p).map((m) => `${seqOf(m)}@${m.receivedAt}`).join(',')}`)
  const ids = peers.map((p) => Array.from(p.appId).join('.'))
  return [...ids, ...receipts, ...trace.map((e) => JSON.stringify(e))]
}

describe('determinism', () => {
  it('the same seed and inputs give the same delivery schedule', async () => {
    const first = await run(7)
    const second = await run(7)
    expect(first.length).toBeGreaterThan(500)
    expect(second).toEqual(first)
  })

  it('a different seed gives a different schedule; string seeds work', async () => {
    expect(await run(8)).not.toEqual(await run(7))
    expect(await run('scenario-a')).toEqual(await run('scenario-a'))
    expect(await run('scenario-a')).not.toEqual(await run('scenario-b'))
  })

  it("a peer's faults do not depend on other peers' traffic", async () => {
    const lossy = { seed: 3, faults: { loss: 0.5, jitterMs: 10 } }
    const quiet = await mesh(3, lossy)
    const busy = await mesh(3, lossy)
    for (let i = 0; i < 100; i++) {
      await quiet.send(quiet.peers[0]!, i)
      await busy.send(busy.peers[2]!, 1000 + i) // extra traffic from another peer
      await busy.send(busy.peers[0]!, i)
    }
    await quiet.net.advance(50)
    await busy.net.advance(50)
    const fromP0 = (ms: InboundPacket[]) => ms.filter((m) => seqOf(m) < 1000).map((m) => `${seqOf(m)}@${m.receivedAt}`)
    const got = fromP0(quiet.box(quiet.peers[1]!))
    expect(got.length).toBeGreaterThan(20)
    expect(got.length).toBeLessThan(80)
    expect(fromP0(busy.box(busy.peers[1]!))).toEqual(got)
  })
})
