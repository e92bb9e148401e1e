// Opt-in (`pnpm --filter @demls-dev/demo network`, NET_SIZE peers, default 10):
// the library on the network we ship on, at a size a small community
// reaches: NET_SIZE peer processes over libp2p gossipsub on 127.0.0.1 (one IP, as
// behind one NAT), FAST timing, real time. Joins staggered and concurrent;
// every joiner admitted; chat from every member reaches every other member.
import { appendFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PeerProcess } from '../src/peers.js'
import { converged, sleep, startSwarm, waitFor } from '../src/swarm.js'

const SIZE = Number(process.env.NET_SIZE ?? 10)
const BURST = Number(process.env.NET_BURST ?? Math.min(10, Math.max(0, SIZE - 1)))

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

/** Start a swarm of `size` peers before the tests of a block, stop it after (dumping events to NET_EVENTS). */
function swarm(size: number, label: string): PeerProcess[] {
  const peers: PeerProcess[] = []
  beforeAll(async () => {
    await startSwarm({ size, fanout: 3, timing: 'lan' }, peers)
  }, 60_000 + size * 20_000)
  afterAll(async () => {
    // NET_EVENTS=<file>: every event of every peer as JSON lines, for post-mortems.
    if (process.env.NET_EVENTS) {
      const lines = peers.flatMap((p) => p.events.map((e) => JSON.stringify({ swarm: label, peer: p.name, at: e.at, ...e.event })))
      appendFileSync(process.env.NET_EVENTS, `${lines.join('\n')}\n`)
    }
    await Promise.all(peers.map((p) => p.stop(2_000).catch(() => p.kill())))
  }, 60_000)
  return peers
}

// NET_SIZE=0 or NET_BURST=0 leaves a block out (not skipped: not defined).
if (SIZE > 1) describe(`real network: ${SIZE} peer processes over gossipsub on 127.0.0.1, joins staggered`, () => {
  const peers = swarm(SIZE, 'staggered')

  it(`${SIZE - 1} joiners staggered by 500 ms are all admitted, and chat reaches every member`, async () => {
    const id = 'staggered'
    await peers[0]!.request({ type: 'create', conversationId: id, admission: 'open' })
    const t0 = Date.now()
    const joins = peers.slice(1).map(async (p, k) => {
      await sleep(k * 500)
      await p.request({ type: 'join', conversationId: id, timeoutMs: 150_000 }, 170_000)
    })
    const results = await Promise.allSettled(joins)
    const failed = results.flatMap((r, k) => (r.status === 'rejected' ? [`${peers[k + 1]!.name}: ${String(r.reason)}`] : []))
    if (failed.length > 0) await diagnose(id, peers, peers.slice(1).filter((_, k) => results[k]!.status === 'rejected'))
    expect(failed).toEqual([])
    await waitFor(`${SIZE} converged members`, 60_000, () => converged(id, peers, SIZE, 30_000), 1_000).catch(async (err) => {
      await diagnose(id, peers, [])
      throw err
    })
    console.log(`staggered: ${SIZE} members converged ${Date.now() - t0} ms after the first join`)
    expect(await chatAll(id, peers, 30_000)).toBe(SIZE * (SIZE - 1))
  }, 300_000)
})

if (BURST > 0) describe(`real network: ${BURST} peer processes joining at once over gossipsub on 127.0.0.1`, () => {
  // Peer k dials peer k−1 (and up to two earlier ones), so the joiners and the
  // creator form a connected subgraph (gossipsub relays only through subscribers).
  const peers = swarm(1 + BURST, 'burst')

  it(`${BURST} joiners at once are all admitted, and chat reaches every member`, async () => {
    const id = 'burst'
    const [creator, ...joiners] = peers
    await creator!.request({ type: 'create', conversationId: id, admission: 'open' })
    const t0 = Date.now()
    const results = await Promise.allSettled(joiners.map((p) => p.request({ type: 'join', conversationId: id, timeoutMs: 120_000 }, 140_000)))
    const failed = results.flatMap((r, k) => (r.status === 'rejected' ? [`${joiners[k]!.name}: ${String(r.reason)}`] : []))
    if (failed.length > 0) await diagnose(id, peers, joiners.filter((_, k) => results[k]!.status === 'rejected'))
    expect(failed).toEqual([])
    await waitFor(`${peers.length} converged members`, 60_000, () => converged(id, peers, peers.length, 30_000), 1_000).catch(async (err) => {
      await diagnose(id, peers, [])
      throw err
    })
    console.log(`burst: ${peers.length} members converged ${Date.now() - t0} ms after the joins started`)
    expect(await chatAll(id, peers, 30_000)).toBe(peers.length * (peers.length - 1))
  }, 300_000)
})
