// Where the CPU of a membership change goes (issue 18): grow a group to
// PROFILE_N members (default 50) on the memory network, in batches of 5
// joiners, under V8's sampling profiler, and sum self time by category
// (vote signatures, MLS, wire encoding, session logic, the simulated
// network, GC …) and by function. Writes `docs/profile/session.md`
// (and `.json`, and the raw `.cpuprofile` when PROFILE_RAW=1).
//
//   pnpm --filter @demls/session profile            # n = 50
//   PROFILE_N=100 pnpm --filter @demls/session profile
//   PROFILE_FLOW=remove pnpm --filter @demls/session profile   # the large-group removal, docs/profile/session-remove.md
//   PROFILE_FLOW=form PROFILE_N=200 pnpm --filter @demls/session profile   # bench:large's formation, docs/profile/session-form.md
import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { signatureBackend } from '@demls/consensus'
import { MemoryNetwork } from '@demls/transport-memory'
import { FAST_TIMING, User } from '../src/index.js'
import { admitBatch, removeLastByVote } from './group-flow.js'
import { aggregatedConsensus } from './aggregated.js'
import { largeGroupConfig } from './large-group.js'

const N = Number(process.env.PROFILE_N ?? 50)
const BATCH = 5
const OUT = fileURLToPath(new URL('../../../docs/profile/', import.meta.url))

/** Categories, first match wins: a function's URL (or name, for V8's own entries) against each pattern. */
const CATEGORIES: readonly [string, RegExp][] = [
  ['GC', /^\(garbage collector\)$/],
  ['idle / program', /^\((idle|program|root)\)$/],
  ['vote signatures (secp256k1, keccak)', /secp256k1|@noble\/curves|keccak|sha3|eip191|consensus\/(src|dist)\/signer/],
  ['consensus bookkeeping', /consensus\/(src|dist)/],
  ['MLS (ts-mls, HPKE, AEAD, hashes)', /ts-mls|@hpke|@noble\/(ciphers|hashes)|mls\/(src|dist)|node:crypto|internal\/crypto/],
  ['wire encoding (protobuf)', /protobufjs|wire\/(src|dist)/],
  ['session logic', /session\/(src|dist)/],
  ['scoring and steward lists', /(scoring|steward)\/(src|dist)/],
  ['simulated network and clock', /transport-memory/],
  ['rxjs and other libraries', /node_modules/],
  ['Node internals', /^node:|^internal\//],
]

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

function categoryOf(frame: ProfileNode['callFrame']): string {
  const subject = frame.url === '' ? frame.functionName : frame.url
  for (const [name, pattern] of CATEGORIES) if (pattern.test(subject)) return name
  return 'other'
}

/** V8's own entries, which are categories of their own. */
const V8_ENTRIES = /^\((garbage collector|idle|program|root)\)$/

/**
 * The node whose file decides a sample's category: the node itself, or
 * for native code (no file: an addon's function, a crypto job) and Node's
 * own modules, the nearest caller in a file of ours or of a library, so
 * that libsecp256k1 counts as vote signatures and node:crypto as the MLS
 * code that called it.
 */
function attributedNode(node: ProfileNode, parentOf: ReadonlyMap<number, ProfileNode>): ProfileNode {
  if (V8_ENTRIES.test(node.callFrame.functionName) && node.callFrame.url === '') return node
  let n: ProfileNode | undefined = node
  while (n !== undefined && (n.callFrame.url === '' || /^node:/.test(n.callFrame.url))) n = parentOf.get(n.id)
  return n ?? node
}

const key = (i: number) => {
  const k = new Uint8Array(32)
  k[0] = 0x33
  k[30] = (i >> 8) & 0xff
  k[31] = i & 0xff
  return k
}

/** A flow to profile, set up unprofiled: `run` runs under the profiler and returns the membership changes it made. */
interface Flow {
  run(): Promise<number>
  stop(): Promise<void>
}

/** PROFILE_FLOW=grow (default): grow to N in batches of BATCH joiners, all of it profiled. */
async function grow(): Promise<Flow> {
  const net = new MemoryNetwork({ seed: 7, startTime: Math.floor(Date.now() / 1000) * 1000 })
  const users: User[] = []
  for (let i = 0; i < N; i++) users.push(await User.create({ privateKey: key(i), transport: net.createTransport(`p${i}`), clock: net.clock, config: FAST_TIMING, random: () => 0.5 }))
  const id = 'profile'
  return {
    async run() {
      await users[0]!.createConversation(id, { admission: 'open' })
      const e0 = users[0]!.conversation(id)!.epoch()
      for (let first = 1; first < N; first += BATCH) await admitBatch(net, users, id, first, Math.min(N, first + BATCH))
      return Number(users[0]!.conversation(id)!.epoch() - e0)
    },
    stop: async () => {
      for (const u of users) await u.stop()
    },
  }
}

/**
 * PROFILE_FLOW=remove: the large-group bench's removal (`bench:large`), a
 * group of N formed unprofiled in one batch, then REMOVES members removed
 * by vote one after another under the profiler.
 */
/**
 * N users on a fresh memory network with the large-group bench's
 * configuration for one batch of N − 1 joiners; with
 * PROFILE_CONSENSUS=aggregated, the BLS plug-in (issue 55): votes to the
 * aggregators and one proof per change.
 */
async function largeGroupUsers(): Promise<{ net: MemoryNetwork; users: User[] }> {
  const net = new MemoryNetwork({ seed: 1000 + N, startTime: Math.floor(Date.now() / 1000) * 1000 })
  const config = largeGroupConfig(N - 1)
  const users: User[] = []
  const aggregated = process.env.PROFILE_CONSENSUS === 'aggregated'
  for (let i = 0; i < N; i++) {
    const plugins = aggregated ? { plugins: { consensus: aggregatedConsensus(key(i)) } } : {}
    users.push(await User.create({ privateKey: key(i), transport: net.createTransport(`m${i}`), clock: net.clock, config, random: () => 0.5, ...plugins }))
  }
  return { net, users }
}

async function remove(): Promise<Flow> {
  const { net, users } = await largeGroupUsers()
  const id = 'profile-remove'
  const conv = (i: number) => users[i]!.conversation(id)!
  await users[0]!.createConversation(id, { admission: 'open' })
  await admitBatch(net, users, id, 1, N)
  await net.advance(50)
  return {
    async run() {
      const e0 = conv(0).epoch()
      for (let k = 1; k <= REMOVES; k++) {
        await removeLastByVote(net, users, id, N - k + 1)
        await net.advance(50)
      }
      return Number(conv(0).epoch() - e0)
    },
    stop: async () => {
      for (const u of users) await u.stop()
    },
  }
}

/**
 * PROFILE_FLOW=form: the large-group bench's formation (`bench:large`'s
 * form phase), all of it profiled: N − 1 joiners announce at once and the
 * creator, alone, votes them in and admits them in one commit.
 */
async function form(): Promise<Flow> {
  const { net, users } = await largeGroupUsers()
  const id = 'profile-form'
  return {
    async run() {
      await users[0]!.createConversation(id, { admission: 'open' })
      const e0 = users[0]!.conversation(id)!.epoch()
      await admitBatch(net, users, id, 1, N)
      await net.advance(50)
      return Number(users[0]!.conversation(id)!.epoch() - e0)
    },
    stop: async () => {
      for (const u of users) await u.stop()
    },
  }
}

const FLOW = process.env.PROFILE_FLOW ?? 'grow'
const REMOVES = Number(process.env.LARGE_REMOVES ?? 3)
const flow = FLOW === 'remove' ? await remove() : FLOW === 'form' ? await form() : await grow()

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 500 })
await session.post('Profiler.start')
const cpu0 = process.cpuUsage()
const changes = await flow.run()
const cpu = process.cpuUsage(cpu0)
const { profile } = (await session.post('Profiler.stop')) as { profile: Profile }
session.disconnect()
await flow.stop()

// Self time per node: the sum of the time deltas of the samples that landed on it.
const selfUs = new Map<number, number>()
const samples = profile.samples ?? []
const deltas = profile.timeDeltas ?? []
for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0))
const parentOf = new Map<number, ProfileNode>()
for (const node of profile.nodes as (ProfileNode & { children?: number[] })[]) for (const c of node.children ?? []) parentOf.set(c, node)
const byCategory = new Map<string, number>()
const byFunction = new Map<string, { us: number; category: string }>()
let total = 0
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0
  if (us === 0) continue
  total += us
  const category = categoryOf(attributedNode(node, parentOf).callFrame)
  byCategory.set(category, (byCategory.get(category) ?? 0) + us)
  const file = node.callFrame.url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^file:\/\/.*\/packages\//, '')
  const name = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`
  const f = byFunction.get(name) ?? { us: 0, category }
  f.us += us
  byFunction.set(name, f)
}
// Who calls the top native entries (no file of their own): their parents' self time does not show it.
const callers = new Map<string, Map<string, number>>()
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0
  if (us === 0 || node.callFrame.url !== '') continue
  let p = parentOf.get(node.id)
  while (p !== undefined && p.callFrame.url === '') p = parentOf.get(p.id)
  if (p === undefined) continue
  const callee = node.callFrame.functionName || '(anonymous)'
  const m = callers.get(callee) ?? new Map<string, number>()
  const file = p.callFrame.url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^file:\/\/.*\/packages\//, '')
  const caller = `${p.callFrame.functionName || '(anonymous)'} ${file}:${p.callFrame.lineNumber + 1}`
  m.set(caller, (m.get(caller) ?? 0) + us)
  callers.set(callee, m)
}
const busy = total - (byCategory.get('idle / program') ?? 0)
const pct = (us: number) => `${((100 * us) / busy).toFixed(1)} %`
const categories = [...byCategory].filter(([c]) => c !== 'idle / program').sort((a, b) => b[1] - a[1])
const functions = [...byFunction].filter(([, f]) => f.category !== 'idle / program').sort((a, b) => b[1].us - a[1].us).slice(0, 25)
const cpuMs = (cpu.user + cpu.system) / 1000

const lines = [
  `# Where the CPU of a membership change goes (n = ${N})`,
  '',
  `Generated by \`pnpm --filter @demls/session profile\` (PROFILE_N=${N}) on ${new Date().toISOString()}, Node ${process.version}, secp256k1 backend: ${signatureBackend()}.`,
  FLOW === 'remove'
    ? `A group of ${N} members on the memory network (formed unprofiled, \`largeGroupConfig\`) removes ${REMOVES} members by vote one after another (${changes} membership changes), every member simulated in one process, so each`
    : FLOW === 'form'
      ? `A group of ${N} members forms on the memory network as \`bench:large\` forms it (${N - 1} joiners announce at once, the creator alone votes them in and admits them in ${changes} commit), every member simulated in one process, so each`
      : `A group grows to ${N} members on the memory network in batches of ${BATCH} joiners (${changes} membership changes), every member simulated in one process, so each`,
  `vote is decrypted and verified by every member (O(N²) per proposal here, O(N) per member in a deployment). Process CPU ${(cpuMs / 1000).toFixed(1)} s,`,
  `${(cpuMs / changes / 1000).toFixed(2)} s per change; the sampled busy time below is split by the file each sample's function lives in (self time;`,
  'native code and Node built-ins count for the nearest caller in a file of ours or of a library: libsecp256k1 as vote signatures, node:crypto as MLS).',
  '',
  '| category | self time | share |',
  '|---|---|---|',
  ...categories.map(([c, us]) => `| ${c} | ${(us / 1000).toFixed(0)} ms | ${pct(us)} |`),
  '',
  '| function (top 25 by self time) | category | self time | share |',
  '|---|---|---|---|',
  ...functions.map(([name, f]) => `| \`${name.replace(/\|/g, '\\|')}\` | ${f.category} | ${(f.us / 1000).toFixed(0)} ms | ${pct(f.us)} |`),
  '',
  'Native entries (no file of their own) by the JavaScript function that called them:',
  '',
  '| native entry | caller | self time |',
  '|---|---|---|',
  ...[...callers]
    .flatMap(([callee, m]) => [...m].map(([caller, us]) => [callee, caller, us] as const))
    .sort((a, b) => b[2] - a[2])
    .slice(0, 15)
    .map(([callee, caller, us]) => `| \`${callee}\` | \`${caller}\` | ${(us / 1000).toFixed(0)} ms |`),
  '',
]
mkdirSync(OUT, { recursive: true })
const agg = process.env.PROFILE_CONSENSUS === 'aggregated' ? '-aggregated' : ''
const base = FLOW === 'remove' ? `session-remove${agg}` : FLOW === 'form' ? `session-form${agg}` : 'session'
writeFileSync(join(OUT, `${base}.md`), lines.join('\n'))
writeFileSync(
  join(OUT, `${base}.json`),
  `${JSON.stringify({ flow: FLOW, n: N, batch: BATCH, changes, cpuMs, backend: signatureBackend(), categories: Object.fromEntries(categories.map(([c, us]) => [c, us / 1000])), functions: functions.map(([name, f]) => ({ name, category: f.category, ms: f.us / 1000 })) }, null, 2)}\n`,
)
if (process.env.PROFILE_RAW) writeFileSync(join(OUT, `${base}-n${N}.cpuprofile`), JSON.stringify(profile))
console.log(lines.join('\n'))
