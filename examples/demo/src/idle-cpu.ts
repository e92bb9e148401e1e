// Diagnostic: N peers form a group (staggered joins), then report each peer's CPU use over an idle window.
import { converged, sleep, startSwarm, waitFor } from './swarm.js'
import type { PeerProcess } from './peers.js'

const N = Number(process.env.NET_SIZE ?? 20)
const peers: PeerProcess[] = []
try {
  await startSwarm({ size: N, fanout: 3 }, peers)
  const id = 'idle'
  await peers[0]!.request({ type: 'create', conversationId: id })
  const t0 = Date.now()
  const cpu0 = await Promise.all(peers.map((p) => p.status(id, 120_000).then((s) => s.cpuMs)))
  await Promise.all(peers.slice(1).map(async (p, k) => { await sleep(k * 500); await p.request({ type: 'join', conversationId: id, timeoutMs: 150_000 }, 170_000) }))
  console.log('joined', Date.now() - t0)
  await waitFor("converged", 180_000, () => converged(id, peers, N, 60_000), 1_000)
  const formed = Date.now() - t0
  const cpu1 = await Promise.all(peers.map((p) => p.status(id, 120_000).then((s) => s.cpuMs)))
  console.log(`formed in ${formed} ms; CPU during formation (ms):`, cpu1.map((c, i) => c - cpu0[i]!).join(' '))
  await sleep(30_000)
  const cpu2 = await Promise.all(peers.map((p) => p.status(id, 120_000).then((s) => s.cpuMs)))
  console.log('idle CPU over 30 s (% of a core):', cpu2.map((c, i) => ((c - cpu1[i]!) / 300).toFixed(1)).join(' '))
} catch (err) {
  console.log(String(err))
  await sleep(5_000)
} finally {
  await Promise.all(peers.map((p) => p.stop(60_000).catch(() => p.kill())))
}
