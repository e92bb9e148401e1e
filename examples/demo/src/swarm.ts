/**
 * Helpers for driving many peer processes: start them on a sparse
 * bootstrap graph, wait for conditions with a deadline, check that a group
 * converged. Used by the demo (`main.ts`), the real-network tests and the
 * soak benchmark (`soak.ts`).
 */
import { PeerProcess, type RecordedEvent } from './peers.js'
import type { Status } from './protocol.js'

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
export { sleep }

/** Poll `check` until it returns a value (not undefined); throw after `timeoutMs`. */
export async function waitFor<T>(label: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`)
    await sleep(everyMs)
  }
}

/** Statuses of `group` in `conversationId` when they all agree (working, one epoch, one authenticator, `size` members). */
export async function converged(conversationId: string, group: PeerProcess[], size: number, timeoutMs = 10_000): Promise<Status[] | undefined> {
  const all = await Promise.all(group.map((p) => p.status(conversationId, timeoutMs)))
  const first = all[0]
  if (first === undefined || first.members.length !== size) return undefined
  const same = all.every(
    (s) => s.state === 'working' && s.epoch === first.epoch && s.authenticator === first.authenticator && s.members.join() === first.members.join(),
  )
  return same ? all : undefined
}

/** Options of {@link startSwarm}. */
export interface SwarmInit {
  /** How many peers. */
  size: number
  /** Each peer dials at most this many earlier peers (a sparse, connected graph). @default 3 */
  fanout?: number
  /** Called for every event any peer reports. */
  onEvent?: (peer: PeerProcess, e: RecordedEvent) => void
  /** The timing profile of every peer: `FAST_TIMING` or `LAN_TIMING` (many processes on one small machine). @default 'fast' */
  timing?: 'fast' | 'lan'
  /** Deadline for one peer's start (ms). @default 60_000 */
  startTimeoutMs?: number
}

/**
 * Fork `size` peer processes and start them one after another: peer `i`
 * dials its predecessor and up to `fanout − 1` other earlier peers
 * (deterministically spread), so the graph is connected without a full mesh.
 * Peers are pushed onto `peers` as they are forked, so a caller that passes
 * its own array can kill them all even when a start fails.
 */
export async function startSwarm(init: SwarmInit, peers: PeerProcess[] = []): Promise<PeerProcess[]> {
  const fanout = init.fanout ?? 3
  // One process at a time: loading libp2p and MLS in twenty processes at once starves a small machine.
  for (let i = 0; i < init.size; i++) {
    const p = new PeerProcess(i, init.onEvent ?? (() => undefined))
    peers.push(p)
    const targets = new Set<number>()
    for (let k = 1; k <= fanout && targets.size < Math.min(fanout, p.index); k++) {
      targets.add(k === 1 ? p.index - 1 : Math.floor((p.index * k) / (fanout + 1)))
    }
    const bootstrap = [...targets].filter((t) => t >= 0 && t < p.index).flatMap((t) => peers[t]!.addrs)
    const r = await p.request({ type: 'start', index: p.index, bootstrap, timing: init.timing ?? 'fast' }, init.startTimeoutMs ?? 60_000)
    p.memberId = r.memberId ?? ''
    p.addrs = r.addrs ?? []
  }
  return peers
}
