// Group-growth benchmark on the memory network: CPU per membership change
// and per member, messages and bytes per change, next to the MLS layer doing
// the same commits and Welcome processing in the same run (the protocol's
// overhead over MLS as a ratio). Sizes: 10 and 50 by default; BENCH_FULL=1
// adds 100 (about ten minutes: every member verifies every vote, so a
// simulation of N members in one process does O(N²) signature checks per
// proposal).
import { compare, summarise, writeReport, type Comparison, type Measurement } from '@demls-dev/bench-kit'
import { ethereumAddress, signatureBackend } from '@demls/consensus'
import { createMlsClient, type MlsService } from '@demls/mls'
import { MemoryNetwork } from '@demls/transport-memory'
import { type ConversationConfigInit, FAST_TIMING as FAST, User } from '../src/index.js'
import { admitBatch } from './group-flow.js'
import { mlsAdmit } from './mls-flow.js'

const key = (i: number) => {
  const k = new Uint8Array(32)
  k[0] = 0x22
  k[30] = (i >> 8) & 0xff
  k[31] = i & 0xff
  return k
}
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const batchesFor = (n: number, size: number) => {
  const out: number[][] = []
  for (let i = 1; i < n; i += size) out.push([...Array(Math.min(size, n - i)).keys()].map((k) => i + k))
  return out
}

async function protocolGrowth(n: number, batch: number, config: ConversationConfigInit = FAST) {
  const net = new MemoryNetwork({ seed: 7, startTime: Math.floor(Date.now() / 1000) * 1000 })
  const users: User[] = []
  for (let i = 0; i < n; i++) {
    users.push(await User.create({ privateKey: key(i), transport: net.createTransport(`p${i}`), clock: net.clock, config, random: () => 0.5 }))
  }
  const id = `grow-${n}`
  const cpu0 = cpuMs()
  const wall0 = performance.now()
  await users[0]!.createConversation(id, { admission: 'open' })
  const epochs0 = users[0]!.conversation(id)!.epoch()
  for (const b of batchesFor(n, batch)) await admitBatch(net, users, id, b[0]!, b.at(-1)! + 1)
  const cpu = cpuMs() - cpu0
  const wall = performance.now() - wall0
  const changes = Number(users[0]!.conversation(id)!.epoch() - epochs0)
  const stats = net.stats().total
  for (const u of users) await u.stop()
  return { cpu, wall, changes, messages: stats.published, bytes: stats.publishedBytes, delivered: stats.delivered }
}

async function mlsGrowth(n: number, batch: number) {
  const clients = await Promise.all([...Array(n).keys()].map((i) => createMlsClient({ memberId: ethereumAddress(key(i)) })))
  const cpu0 = cpuMs()
  const groups: MlsService[] = [await clients[0]!.createGroup('raw')]
  let changes = 0
  for (const b of batchesFor(n, batch)) {
    await mlsAdmit(groups, b.map((i) => clients[i]!))
    changes++
  }
  return { cpu: cpuMs() - cpu0, changes }
}

const sizes = process.env.BENCH_FULL ? [10, 50, 100] : [10, 50]
const batch = 5
const measurements: Measurement[] = []
const comparisons: Comparison[] = []
const notes: string[] = [
  `Joiners arrive in batches of ${batch}; each batch is admitted by one commit (a membership change). CPU is process CPU (user+system) for the whole growth, all simulated members in one process on the virtual clock.`,
  'The MLS baseline performs the same commits, the same commit processing by every existing member and the same Welcome processing with @demls/mls (itself within ~1.1× of raw ts-mls on the same crypto provider, see the @demls/mls report).',
  `Per-member CPU divides by the members at the end. Each proposal is voted by every member and every vote is verified by every member (EIP-191 secp256k1 recovery on the ${signatureBackend()} backend; see the @demls/consensus report for its cost), which grows as O(N²) per proposal in a one-process simulation and O(N) per member in a deployment.`,
]
console.log(`secp256k1 signature backend: ${signatureBackend()}`)
for (const n of sizes) {
  const p = await protocolGrowth(n, batch)
  const m = await mlsGrowth(n, batch)
  const perChange = summarise(`protocol: CPU per membership change, grow to ${n}`, [p.cpu / p.changes], { n, changes: p.changes })
  const mlsPerChange = summarise(`MLS only: CPU per membership change, grow to ${n}`, [m.cpu / m.changes], { n, changes: m.changes })
  measurements.push(
    perChange,
    mlsPerChange,
    summarise(`protocol: CPU per member per change, grow to ${n}`, [p.cpu / p.changes / n], { n }),
    summarise(`protocol: virtual-network wall time per change, grow to ${n}`, [p.wall / p.changes], { n }),
  )
  comparisons.push(compare(`protocol overhead over MLS per change (n=${n})`, perChange, mlsPerChange))
  // Issue 15: the same growth with approval certificates off (no vote bindings, replays unchecked), in the same run.
  const u = await protocolGrowth(n, batch, { ...FAST, referenceGaps: { uncertifiedChanges: true } })
  const uncertified = summarise(`protocol without certificates: CPU per membership change, grow to ${n}`, [u.cpu / u.changes], { n, changes: u.changes })
  measurements.push(uncertified)
  comparisons.push(compare(`certificates on vs off: CPU per change (n=${n})`, perChange, uncertified))
  notes.push(
    `n=${n}: with certificates ${(p.bytes / p.changes / 1024).toFixed(1)} KiB published per change, without ${(u.bytes / u.changes / 1024).toFixed(1)} KiB (${(p.bytes / p.changes / (u.bytes / u.changes)).toFixed(2)}×): every vote carries a 65-byte binding signature, and replays carry certificates.`,
  )
  notes.push(
    `n=${n}: ${p.changes} changes; ${(p.messages / p.changes).toFixed(1)} messages and ${(p.bytes / p.changes / 1024).toFixed(1)} KiB published per change (${(p.delivered / p.changes).toFixed(0)} deliveries per change).`,
  )
  console.log(`n=${n}`, { protocol: p, mls: m })
}
writeReport({ package: '@demls/session', title: 'group growth on the memory network', measurements, comparisons, notes })
