/**
 * 30 gossipsub peers, each in its own OS process on 127.0.0.1, joined one
 * after another and bootstrapped to a few earlier peers (peer 0, the
 * previous peer and peer ⌊i/2⌋: not a full mesh). Every peer publishes a
 * few distinct packets and every packet must reach every other peer.
 *
 * Peer 0 ends up connected to all 29 others from one IP. With gossipsub's
 * default scoring (IP colocation threshold 10, no whitelist) it scores them
 * all negative from about the 14th peer on and the group stops delivering
 * to and from it; `DEMLS_MP_LEGACY_SCORING=1` runs the test with that
 * scoring to see it fail.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { DemlsScoringInit } from '../src/index.js'
import { sleep } from './helpers.js'
import type { PeerCommand, PeerReply, PeerStatus } from './multiprocess/peer.js'

const PEERS = Number(process.env.DEMLS_MP_PEERS ?? 30)
const MESSAGES_PER_PEER = 3
const PEER_PATH = fileURLToPath(new URL('./multiprocess/peer.ts', import.meta.url))
/** gossipsub 17's own defaults: what demls used before its scoring settings. */
const LEGACY: DemlsScoringInit = { ipColocationWhitelist: [], ipColocationThreshold: 10, ipColocationWeight: -5 }
const scoring = process.env.DEMLS_MP_LEGACY_SCORING === '1' ? LEGACY : undefined

class Peer {
  readonly child: ChildProcess
  readonly hello: Promise<void>
  #waiting: ((r: PeerReply) => void) | undefined
  #exited = false
  readonly exit: Promise<void>

  constructor(readonly index: number) {
    // tsx's loader is resolved from this package's directory (the workspace root holds it).
    this.child = fork(PEER_PATH, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, DEMLS_PEER_LIFETIME_MS: '150000' },
    })
    this.exit = new Promise((r) =>
      this.child.once('exit', () => {
        this.#exited = true
        r()
      }),
    )
    this.hello = new Promise((resolve, reject) => {
      this.child.once('message', (r: PeerReply) => (r.type === 'hello' ? resolve() : reject(new Error(`peer${index}: ${r.type}`))))
      this.child.once('exit', (code) => reject(new Error(`peer${index} exited (${code}) before saying hello`)))
    })
    this.child.on('message', (r: PeerReply) => {
      if (r.type === 'hello') return
      const w = this.#waiting
      this.#waiting = undefined
      w?.(r)
    })
  }

  /** One command at a time per peer; rejects on an error reply, exit or timeout. */
  request<T extends PeerReply['type']>(cmd: PeerCommand, expect: T, timeoutMs = 20_000): Promise<Extract<PeerReply, { type: T }>> {
    if (this.#exited) return Promise.reject(new Error(`peer${this.index} is not running`))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting = undefined
        reject(new Error(`peer${this.index}: no reply to '${cmd.type}' within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiting = (r) => {
        clearTimeout(timer)
        if (r.type === expect) resolve(r as Extract<PeerReply, { type: T }>)
        else reject(new Error(`peer${this.index}: '${cmd.type}' → ${r.type === 'error' ? r.error : r.type}`))
      }
      this.child.send(cmd)
    })
  }

  status(): Promise<PeerStatus> {
    return this.request({ type: 'status' }, 'status').then((r) => r.status)
  }

  kill(): void {
    if (!this.#exited) this.child.kill('SIGKILL')
  }
}

async function pollAll(peers: Peer[], predicate: (s: PeerStatus[]) => boolean, timeoutMs: number, label: string): Promise<PeerStatus[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const statuses = await Promise.all(peers.map((p) => p.status()))
    if (predicate(statuses)) return statuses
    if (Date.now() > deadline) {
      const brief = statuses.map((s, i) => `peer${i}: mesh ${s.meshPeers} subs ${s.subscribers} conns ${s.connections} got ${s.received.length}`)
      throw new Error(`${label} did not hold within ${timeoutMs} ms\n${brief.join('\n')}`)
    }
    await sleep(500)
  }
}

describe(`${PEERS} gossipsub peer processes on 127.0.0.1`, () => {
  const peers: Peer[] = []
  const killAll = () => {
    for (const p of peers) p.kill()
  }
  process.once('exit', killAll)

  afterAll(async () => {
    // Ask politely, then kill whatever is left; never leave a child behind.
    for (const p of peers) p.child.connected && p.child.send({ type: 'stop' } satisfies PeerCommand)
    await Promise.race([Promise.all(peers.map((p) => p.exit)), sleep(3_000)])
    killAll()
    await Promise.race([Promise.all(peers.map((p) => p.exit)), sleep(2_000)])
    process.off('exit', killAll)
  }, 10_000)

  it('every packet reaches every other peer, including the hub every peer dialled', { timeout: 100_000 }, async () => {
    const t0 = Date.now()
    const lap = (what: string) => console.log(`[${PEERS} processes] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    for (let i = 0; i < PEERS; i++) peers.push(new Peer(i))
    await Promise.all(peers.map((p) => p.hello))
    lap('all processes loaded')

    const conversationId = `many-${process.pid}`
    const addrs: string[] = []
    for (const p of peers) {
      const i = p.index
      const bootstrap = [...new Set([0, i - 1, Math.floor(i / 2)])].filter((j) => j >= 0 && j < i).map((j) => addrs[j]!)
      const { addr } = await p.request({ type: 'start', index: i, bootstrap, conversationId, ...(scoring ? { scoring } : {}) }, 'started')
      addrs.push(addr)
    }
    lap('all peers started (staggered)')

    await pollAll(peers, (s) => s.every((x) => x.ready && x.meshPeers >= 1), 30_000, 'every peer in a mesh')
    // Let a couple of heartbeats graft the meshes out to their target degree.
    await sleep(2_500)
    lap('meshes formed')

    const published = await Promise.all(peers.map((p) => p.request({ type: 'publish', count: MESSAGES_PER_PEER }, 'published')))
    lap('all published')

    const expected = (PEERS - 1) * MESSAGES_PER_PEER
    let final: PeerStatus[]
    try {
      final = await pollAll(peers, (s) => s.every((x) => x.received.length >= expected), 30_000, 'full delivery')
    } catch (err) {
      console.log(`recipients per publish: ${JSON.stringify(published.map((p) => p.recipients))}`)
      throw err
    }
    lap('every packet delivered everywhere')

    for (const [i, s] of final.entries()) {
      const want = peers.filter((p) => p.index !== i).flatMap((p) => Array.from({ length: MESSAGES_PER_PEER }, (_, k) => `${p.index}:${k}`))
      expect([...s.received].sort(), `peer${i}`).toEqual(want.sort())
    }
    // The hub saw every peer from one IP and still delivers and is delivered to.
    expect(final[0]!.connections).toBeGreaterThanOrEqual(PEERS - 1)
    for (const r of published) for (const n of r.recipients) expect(n).toBeGreaterThan(0)
  })
})
