/**
 * A diagnostic of the real network (`pnpm --filter @demls-dev/demo probe`):
 * NET_SIZE peer processes (default 20) on LAN_TIMING, joins staggered by
 * 500 ms; every two seconds it prints, for each peer, how long a status
 * request took (`!` over a second), its epoch and member count, and the CPU
 * seconds it used so far. NET_EVENTS=<file> writes every peer event as JSON
 * lines at the end. Used to find the failures in docs/fault-runs.md.
 */
import { writeFileSync } from 'node:fs'
import { sleep, startSwarm } from './swarm.js'
import type { PeerProcess } from './peers.js'
const N = Number(process.env.NET_SIZE ?? 20)
const peers: PeerProcess[] = []
const t0 = Date.now()
const log = (...a: unknown[]) => console.log(((Date.now() - t0) / 1000).toFixed(1), ...a)
try {
  await startSwarm({ size: N, fanout: 3, timing: 'lan' }, peers)
  log('started')
  const id = 'r'
  await peers[0]!.request({ type: 'create', conversationId: id, admission: 'open' })
  const joins = peers.slice(1).map(async (p, k) => { await sleep(k * 500); await p.request({ type: 'join', conversationId: id, timeoutMs: 150_000 }, 170_000).then(() => log(p.name, 'joined'), (e) => log(p.name, String(e))) })
  let done = false
  void Promise.allSettled(joins).then(() => { done = true })
  for (let round = 0; round < 60; round++) {
    const line = await Promise.all(peers.map(async (p) => {
      const s = Date.now()
      const st = await p.status(id, 20_000).catch(() => undefined)
      const ms = Date.now() - s
      return st ? `${ms > 999 ? '!' : ''}${ms}:e${st.epoch}/${st.members.length}:${(st.cpuMs / 1000).toFixed(0)}` : 'X'
    }))
    log(line.join(' '))
    if (done && round > 25) break
    await sleep(2_000)
  }
} finally {
  if (process.env.NET_EVENTS) {
    writeFileSync(process.env.NET_EVENTS, peers.flatMap((p) => p.events.map((e) => JSON.stringify({ peer: p.name, at: e.at - t0, ...e.event }))).join('\n'))
  }
  await Promise.all(peers.map((p) => p.stop(3_000).catch(() => p.kill())))
}
