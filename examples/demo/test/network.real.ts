// Opt-in (`pnpm --filter @demls-dev/demo network`, NET_SIZE peers, default 10):
// the library on the network we ship on, at a size a small community
// reaches: NET_SIZE peer processes over libp2p gossipsub on 127.0.0.1 (one IP, as
// behind one NAT), FAST timing, real time. Joins staggered and concurrent;
// every joiner admitted; chat from every member reaches every other member.
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PeerProcess } from '../src/peers.js'
import { converged, sleep, startSwarm, waitFor } from '../src/swarm.js'

const SIZE = Number(process.env.NET_SIZE ?? 10)
const peers: PeerProcess[] = []

/** Every member of `group` sends one message; wait until each received every other member's. */
async function chatAll(id: string, group: PeerProcess[], timeoutMs: number): Promise<number> {
  const since = Date.now()
  await Promise.all(group.map((p) => p.request({ type: 'send', conversationId: id, text: `${id}: hello from ${p.name}` }, 30_000)))
  const expected = group.length * (group.length - 1)
  const delivered = () =>
    group.reduce(
      (n, p) =>
        n + new Set(p.eventsOf('message', since).filter((m) => m.by !== p.memberId && m.text?.startsWith(`${id}:`)).map((m) => m.by)).size,
      0,
    )
  await waitFor(`${expected} deliveries in ${id}`, timeoutMs, () => (delivered() >= expected ? true : undefined)).catch(() => undefined)
  return delivered()
}

/** Print every member's status, and the event counts of members off the creator's epoch and of `failed`. */
async function diagnose(id: string, group: PeerProcess[], failed: PeerProcess[]): Promise<void> {
  const all = await Promise.all(group.map((p) => p.status(id, 30_000).catch(() => undefined)))
  console.log(all.map((st, i) => `${group[i]!.name}: ${st?.state} e${st?.epoch} n${st?.members.length} ${st?.authenticator.slice(0, 8)}`).join('\n'))
  const lag = group.filter((p, i) => all[i]?.epoch !== all[0]?.epoch || failed.includes(p))
  for (const p of lag.slice(0, 3)) {
    const counts = new Map<string, number>()
    for (const e of p.events) {
      if (e.event.kind === 'message' || (e.event.conversation !== undefined && e.event.conversation !== id)) continue
      const k = `${e.event.kind} ${e.event.state ?? ''} ${e.event.reason ?? ''} ${e.event.error?.slice(0, 120) ?? ''} ${e.event.epoch ?? ''}`
      counts.set(k, (counts.get(k) ?? 0) + 1)
    }
    console.log(`== ${p.name}\n${[...counts].map(([k, n]) => `${n}× ${k}`).join('\n')}`)
  }
}

describe(`real network: ${SIZE} peer processes over gossipsub on 127.0.0.1`, () => {
  beforeAll(async () => {
    await startSwarm({ size: SIZE, fanout: 3 }, peers)
  }, 240_000)

  afterAll(async () => {
    // NET_EVENTS=<file>: every event of every peer as JSON lines, for post-mortems.
    if (process.env.NET_EVENTS) {
      const lines = peers.flatMap((p) => p.events.map((e) => JSON.stringify({ peer: p.name, at: e.at, ...e.event })))
      writeFileSync(process.env.NET_EVENTS, `${lines.join('\n')}\n`)
    }
    await Promise.all(peers.map((p) => p.stop(2_000).catch(() => p.kill())))
  }, 60_000)

  it(`${SIZE - 1} joiners staggered by 500 ms are all admitted, and chat reaches every member`, async () => {
    const id = 'staggered'
    await peers[0]!.request({ type: 'create', conversationId: id })
    const joins = peers.slice(1).map(async (p, k) => {
      await sleep(k * 500)
      await p.request({ type: 'join', conversationId: id, timeoutMs: 150_000 }, 170_000)
    })
    const results = await Promise.allSettled(joins)
    const failed = results.flatMap((r, k) => (r.status === 'rejected' ? [`${peers[k + 1]!.name}: ${String(r.reason)}`] : []))
    expect(failed).toEqual([])
    await waitFor(`${SIZE} converged members`, 60_000, () => converged(id, peers, SIZE, 30_000), 1_000).catch(async (err) => {
      await diagnose(id, peers, [])
      throw err
    })
    expect(await chatAll(id, peers, 30_000)).toBe(SIZE * (SIZE - 1))
  }, 300_000)

  it(`${Math.min(10, SIZE - 1)} joiners at once are all admitted, and chat reaches every member`, async () => {
    const id = 'burst'
    const creator = peers[0]!
    // Peers 1–10: each dialled its predecessor, so they and the creator form a connected
    // subgraph (gossipsub relays a topic only through peers subscribed to it).
    const joiners = peers.slice(1, 1 + Math.min(10, SIZE - 1))
    await creator.request({ type: 'create', conversationId: id })
    const results = await Promise.allSettled(joiners.map((p) => p.request({ type: 'join', conversationId: id, timeoutMs: 120_000 }, 140_000)))
    const failed = results.flatMap((r, k) => (r.status === 'rejected' ? [`${joiners[k]!.name}: ${String(r.reason)}`] : []))
    const group = [creator, ...joiners]
    if (failed.length > 0) await diagnose(id, group, joiners.filter((_, k) => results[k]!.status === 'rejected'))
    expect(failed).toEqual([])
    await waitFor(`${group.length} converged members`, 60_000, () => converged(id, group, group.length, 30_000), 1_000).catch(async (err) => {
      await diagnose(id, group, [])
      throw err
    })
    expect(await chatAll(id, group, 30_000)).toBe(group.length * (group.length - 1))
  }, 300_000)
})
