/**
 * Store backfill of 1,000 chat messages, real parts on 127.0.0.1 in one
 * process: members A, B, C (`User`s over gossipsub, C's state in LevelDB)
 * and a `StoreService` node. C stops; A sends N chat messages of 256 B; A
 * and B stop; C restarts with only the store reachable. Measured: time from
 * C's `User.create` to its N-th message, packets and bytes the store
 * returned, pages, and the store's bytes on disk.
 *
 * Writes docs/bench/demls-transport-gossipsub-store.json (`pnpm bench` renders
 * it into docs/benchmarks.md).
 *
 *   npx -y pnpm@10.34.9 --filter @demls/transport-gossipsub exec tsx bench/store.ts [N]
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compare, summarise, writeReport } from '@demls-dev/bench-kit'
import { FAST_TIMING, User } from '@demls/session'
import { levelStorage } from '@demls/storage'
import { systemClock, topicFor } from '@demls/wire'
import { StoreService, createGossipsubNode, gossipsubTransport } from '../src/index.js'

const N = Number(process.argv[2] ?? 1_000)
const ID = 'bench-store'
const KEYS = [
  'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
].map((h) => Uint8Array.from(h.match(/../g)!.map((b) => Number.parseInt(b, 16))))
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function until(p: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!p()) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} timed out`)
    await sleep(5)
  }
}

const root = await mkdtemp(join(tmpdir(), 'demls-bench-store-'))
const node = await createGossipsubNode()
await node.start()
const store = await StoreService.open({ node, directory: join(root, 'store'), serve: [ID] })
const addr = node.getMultiaddrs()[0]!.toString()

async function user(i: number, bootstrap: string[], location?: string, stores: string[] = []) {
  const transport = gossipsubTransport({ bootstrap, stores })
  const storage = location === undefined ? undefined : await levelStorage({ location })
  const u = await User.create({ privateKey: KEYS[i]!, transport, clock: systemClock, config: FAST_TIMING, ...(storage ? { storage } : {}) })
  const messages: number[] = []
  u.events$.subscribe((e) => {
    if (e.type === 'message') messages.push(performance.now())
  })
  return { u, transport, messages }
}

const a = await user(0, [addr])
const aAddr = a.transport.multiaddrs()[0]!.toString()
const b = await user(1, [addr, aAddr])
const cDir = join(root, 'c')
const c = await user(2, [addr, aAddr], cDir, [addr])
await a.u.createConversation(ID, { admission: 'open' })
await until(() => [b, c].every((p) => p.transport.readiness(topicFor(ID, 'welcome')).ready), 10_000, 'welcome')
await Promise.all([b.u.join(ID), c.u.join(ID)])
await until(() => [a, b, c].every((p) => p.u.conversation(ID)?.state() === 'working' && p.u.conversation(ID)!.members().length === 3), 60_000, 'group')
await c.u.stop()
await sleep(500)
const before = store.stats()
const body = new Uint8Array(256).fill(0x61)
const t0 = performance.now()
for (let k = 0; k < N; k++) await a.u.conversation(ID)!.sendMessage(body)
await until(() => b.messages.length >= N, 120_000, 'b reads everything live')
const sendMs = performance.now() - t0
await until(() => store.stats().stored - before.stored >= N, 30_000, 'the store keeps everything')
await a.u.stop()
await b.u.stop()

let fetched = 0
let fetchedBytes = 0
const answeredBefore = store.stats().answered
const t1 = performance.now()
const back = await user(2, [addr], cDir, [addr])
back.transport.addEventListener('drop', () => undefined)
await until(() => back.messages.length >= N, 300_000, `c reads ${N} from the store`)
const readMs = back.messages[N - 1]! - t1
// What the store returns for the same request, for its size (the session fed exactly these).
for await (const p of back.transport.fetchStored(topicFor(ID, 'app'), { sinceMs: 0 })) {
  fetched++
  fetchedBytes += p.bytes
}
const s = store.stats()
await back.u.stop()
await store.close()
await node.stop()
const disk = execFileSync('du', ['-sb', join(root, 'store')], { encoding: 'utf8' }).split('\t')[0]
const result = {
  messages: N,
  sendAllMs: Math.round(sendMs),
  restartToLastMessageMs: Math.round(readMs),
  delivered: back.messages.length,
  storeReturnedPackets: fetched,
  storeReturnedBytes: fetchedBytes,
  pages: (s.answered - answeredBefore) / 2,
  keptPackets: s.packets,
  keptBytes: s.bytes,
  diskBytes: Number(disk),
}
console.log(JSON.stringify(result, null, 2))
if (back.messages.length !== N) throw new Error(`bench: ${back.messages.length} messages delivered, not ${N}`)
const fromStore = summarise(`store backfill: ${N} chat messages read by a restarted member, time per message`, [readMs / N], { messages: N })
const live = summarise(`live: the same ${N} chat messages sent and read by an online member, time per message`, [sendMs / N], { messages: N })
writeReport({
  package: '@demls/transport-gossipsub-store',
  title: 'store for encrypted traffic: backfill of 1,000 chat messages from a StoreService (one run)',
  measurements: [fromStore, live],
  comparisons: [compare('store backfill vs live chat (time per message)', fromStore, live)],
  notes: [
    `Real parts in one process on 127.0.0.1: three Users (MLS, gossipsub; C's state in LevelDB) and a StoreService node. C stops; A sends ${N} chat messages of 256 B; A and B stop; C restarts with only the store reachable.`,
    `Restart (User.create) → the ${N}th message read: ${result.restartToLastMessageMs} ms; all ${result.delivered} delivered once.`,
    `The store returned ${result.storeReturnedPackets} packets (the chat, and the group's own traffic on the topic since C's last save) in ${result.storeReturnedBytes} bytes, ${result.pages} pages (1,000 packets or 1 MiB a page); it kept ${result.keptBytes} bytes of packets, ${result.diskBytes} bytes on disk (LevelDB).`,
  ],
})
await rm(root, { recursive: true, force: true })
process.exit(0)
