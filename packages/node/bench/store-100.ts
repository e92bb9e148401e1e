/**
 * Memory and disk of a demls-node serving 100 conversations: the built bin
 * (`dist/main.js`) with 100 `--serve`, fed by one member process over
 * gossipsub on 127.0.0.1 with `PER` packets of a 256 B chat message's size
 * on the wire (about 480 B) per conversation, paced at about 1,000 a second. Measured: the node's resident
 * memory (VmRSS, Linux) idle and after feeding, its store's bytes on disk,
 * and a restart's time to ready with everything kept.
 *
 * Writes docs/bench/demls-node-store.json (`pnpm bench` renders it into
 * docs/benchmarks.md).
 *
 *   npx -y pnpm@10.34.9 --filter @demls/node build
 *   npx -y pnpm@10.34.9 --filter @demls/node exec tsx bench/store-100.ts [PER]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { summarise, writeReport } from '@demls-dev/bench-kit'
import { gossipsubTransport } from '@demls/transport-gossipsub'
import { topicFor } from '@demls/wire'

const PER = Number(process.argv[2] ?? 100)
const CONVERSATIONS = 100
const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const ids = [...Array(CONVERSATIONS).keys()].map((k) => `conversation-${k}`)
const dir = mkdtempSync(join(tmpdir(), 'demls-node-bench-'))

async function start(): Promise<{ child: ChildProcess; addr: string; ms: number; out: () => string }> {
  const t0 = performance.now()
  const child = spawn(process.execPath, [BIN, '--dir', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-relay', ...ids.flatMap((id) => ['--serve', id])], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  for (;;) {
    const line = out.split('\n').find((l) => l.startsWith('demls-node-ready '))
    if (line !== undefined) return { child, addr: (JSON.parse(line.slice(17)) as { multiaddrs: string[] }).multiaddrs[0]!, ms: performance.now() - t0, out: () => out }
    if (child.exitCode !== null) throw new Error(out)
    await sleep(20)
  }
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
const stopped = (c: ChildProcess) => new Promise((r) => c.once('exit', r))

const first = await start()
await sleep(2_000)
const idle = rssMiB(first.child.pid!)
const member = gossipsubTransport({ bootstrap: [first.addr] })
await member.start()
for (const id of ids) member.subscribe(topicFor(id, 'app'))
const deadline = Date.now() + 30_000
while (!ids.every((id) => member.readiness(topicFor(id, 'app')).ready) && Date.now() < deadline) await sleep(50)
// Random bytes, as ciphertext is (LevelDB compresses its blocks: a constant payload would flatter the disk figure).
const payload = new Uint8Array(400)
const t0 = performance.now()
let bytes = 0
for (let k = 0; k < PER; k++) {
  for (const id of ids) {
    globalThis.crypto.getRandomValues(payload)
    bytes += (await member.publish({ conversationId: id, subtopic: 'app', payload })).bytes
  }
  // Paced at about 1,000 packets a second: unpaced bursts of thousands a second from one peer are
  // dropped by gossipsub itself before they reach the node (553 of 10,000 arrived in one such run).
  await sleep(100)
}
const feedMs = performance.now() - t0
await sleep(3_000)
const fed = rssMiB(first.child.pid!)
await member.stop()
first.child.kill('SIGTERM')
await stopped(first.child)
const disk = Number(execFileSync('du', ['-sb', join(dir, 'store')], { encoding: 'utf8' }).split('\t')[0])
const second = await start()
const kept = /(\d+) packets kept/.exec(second.out())?.[1]
await sleep(1_000)
const restarted = rssMiB(second.child.pid!)
second.child.kill('SIGTERM')
await stopped(second.child)
rmSync(dir, { recursive: true, force: true })
const result = {
  conversations: CONVERSATIONS,
  packetsPerConversation: PER,
  packetsSent: PER * CONVERSATIONS,
  bytesSent: bytes,
  feedMs: Math.round(feedMs),
  rssIdleMiB: +idle.toFixed(1),
  rssAfterFeedMiB: +fed.toFixed(1),
  diskBytes: disk,
  restartReadyMs: Math.round(second.ms),
  keptAfterRestart: Number(kept),
  rssAfterRestartMiB: +restarted.toFixed(1),
}
console.log(JSON.stringify(result, null, 2))
const mib = (b: number) => (b / 1024 / 1024).toFixed(1)
writeReport({
  package: '@demls/node-store',
  title: `demls-node serving ${CONVERSATIONS} conversations: memory and disk of its store (one run)`,
  measurements: [summarise(`demls-node restart → ready with ${result.keptAfterRestart} packets kept (index rebuilt from LevelDB)`, [second.ms])],
  comparisons: [],
  notes: [
    `The built bin with ${CONVERSATIONS} --serve, fed over gossipsub on 127.0.0.1 by one member: ${PER} packets per conversation, ${result.packetsSent} in all, ${mib(bytes)} MiB on the wire (random 400 B payloads, as ciphertext; about 450 B a packet), paced at about 1,000 a second (${result.feedMs} ms).`,
    `Resident memory (VmRSS): ${result.rssIdleMiB} MiB idle (libp2p, gossipsub, kad-dht, LevelDB), ${result.rssAfterFeedMiB} MiB after the feed, ${result.rssAfterRestartMiB} MiB after a restart with everything kept.`,
    `On disk: ${mib(disk)} MiB (LevelDB) for ${mib(bytes)} MiB of packets; kept after the restart: ${result.keptAfterRestart} of ${result.packetsSent}.`,
    'Unpaced bursts of thousands of packets a second from one peer are dropped by gossipsub itself before they reach the node (553 of 10,000 arrived in such a run): the store keeps what gossipsub delivers.',
  ],
})
process.exit(0)
