// The large-group end-to-end run of issue 18 (`pnpm --filter @demls/session
// bench:large`; part of `pnpm bench`): a group of n members, every member a
// `User` on the memory network, all in this one process on the virtual
// clock,
//   1. formed by the creator admitting the n − 1 joiners in one batch (each
//      join a proposal, voted on by the creator, then one commit),
//   2. one member removed by a vote of all the others (one commit), done
//      LARGE_REMOVES times (3 below 1,000 members, 1 from 1,000 on; one member after another): the
//      ratio to MLS alone is that of the medians, both measured as often,
//   3. one chat message delivered to every member.
// Each phase reports its process CPU, wall time, virtual time and the
// messages, bytes and deliveries the network counted, next to the same
// three phases done with @demls/mls alone (the same commits, Welcomes,
// stagings, merges, one encryption and n − 2 decryptions) in the same run.
// A phase ends once every member agrees and the traffic it caused has been
// delivered, so a late echo is charged to the phase that caused it.
//
//   LARGE_SIZES=50,100,200 pnpm --filter @demls/session bench:large
//   BENCH_FULL=1 …          sizes 50, 100, 200, 500, 1000 (LARGE_SIZES overrides)
//   (package.json runs it as `tsx --max-semi-space-size=128 …`: a young
//   generation big enough for the garbage of a process that holds every
//   member; the 1,000-member run also needs NODE_OPTIONS=--max-old-space-size=19000)
//   LARGE_REPLAY_ROUNDS=20  warm replays of each member in its own process (member-replay.ts)
//   LARGE_REPLAY_KEEP=dir   keep the replay records there
//   LARGE_SN_MAX=8 …        steward lists of up to 8 members instead of the
//                           reference's 2 (an election every 8th change, not every 2nd)
import { type Comparison, type Measurement, compare, compareToLimit, summarise, writeReport } from '@demls-dev/bench-kit'
import { ethereumAddress, signatureBackend } from '@demls/consensus'
import { type MlsService, createMlsClient } from '@demls/mls'
import { MemoryNetwork } from '@demls/transport-memory'
import { type ConversationConfigInit, FAST_TIMING, User } from '../src/index.js'
import { admitBatch, removeLastByVote } from './group-flow.js'
import { type ReplayRecord, type ReplayResult, recordMembers, replayInChild, replayedMembers } from './member-replay.js'
import { mlsAdmit, mlsCommit } from './mls-flow.js'
import { cpuNow, gcPauses } from './scale-cpu.js'
import { measureRow, perMember } from './scale-model.js'
import { voterKey } from './scale-votes.js'
import { type BenchConsensus, aggregatedConsensus, consensusVariants } from './aggregated.js'

/** The three phases, in order. */
export const LARGE_PHASES = ['form', 'remove', 'chat'] as const
export type LargePhaseName = (typeof LARGE_PHASES)[number]

/** What one phase of the run cost. */
export interface LargePhase {
  name: LargePhaseName
  /** Wall time, ms. */
  wallMs: number
  /** Process CPU (user + system), ms. */
  cpuMs: number
  /** Virtual time the phase took on the network's clock, ms. */
  virtualMs: number
  /** Packets published during the phase. */
  published: number
  /** Bytes published. */
  publishedBytes: number
  /** Packet deliveries. */
  delivered: number
  /** Membership changes (epochs) the phase made. */
  changes: number
  /** Heap used at the end of the phase (MB, no forced GC). */
  heapMb: number
  /**
   * Main-thread pauses of the garbage collector during the phase (ms, V8's
   * `gc` performance entries): part of `cpuMs`, and a floor of what the
   * collector cost (its concurrent threads are in `cpuMs` but not here).
   * One process holds every member's heap, so this grows with n faster
   * than a one-member process's collector would.
   */
  gcMs: number
}

/** One whole run at one size. */
export interface LargeGroupRun {
  n: number
  batch: number
  /** The group's consensus: the reference path, or BLS aggregation (issue 55). */
  consensus: BenchConsensus
  /** Vote traffic of each removal. */
  voteBytes: VoteTraffic[]
  phases: LargePhase[]
  /** The same phases with @demls/mls alone: process CPU, ms (one entry per removal for `remove`). */
  mlsCpuMs: Record<LargePhaseName, number[]>
  /** Heap used and resident set after the run, before the members stop, and the process's peak resident set so far (MB). */
  heapMb: number
  rssMb: number
  peakRssMb: number
  /**
   * The scale model's per-member work for one removal at n (`scale-model.ts`:
   * MLS decryption, decoding and validation of n − 1 votes, the proposal,
   * our own vote, the candidate's authentication, staging and merging the
   * commit), each operation measured in this run at this n: ms.
   */
  modelRemoveMs: number
  /**
   * Per removal, the epoch steward and a plain member replayed alone in a
   * process of their own (`member-replay.ts`): what one member's process
   * pays for the change.
   */
  replays: ReplayResult[][]
}

/** The process's peak resident set so far, MB. */
function peakRssMb(): number {
  return (process.resourceUsage().maxRSS * 1024) / 1e6
}

/**
 * FAST_TIMING with the caps a batch of joiners needs (consensus sessions,
 * commit batch, join queue), and attestations at the default 10 s so the
 * periodic traffic does not dominate a run that lasts a few virtual seconds.
 */
export function largeGroupConfig(batch: number, snMax = stewardListMax()): ConversationConfigInit {
  return {
    ...FAST_TIMING,
    ...(snMax === undefined ? {} : { stewardList: { snMax } }),
    attestationIntervalMs: 10_000,
    maxConsensusSessions: batch + 10,
    maxSessionsPerMember: batch,
    commitBatchMax: batch,
    joinQueueMax: Math.max(256, batch),
    probeAnswersPerSecond: batch + 10,
    commitBatchWindowMs: 1_000,
    joinQueueMaxBytes: Math.max(1_048_576, batch * 4096),
  }
}

/** LARGE_SN_MAX: the steward list's upper bound (the reference's default of 2 when unset). */
function stewardListMax(): number | undefined {
  return process.env.LARGE_SN_MAX === undefined ? undefined : Number(process.env.LARGE_SN_MAX)
}

/** Deliver what is in flight: a few network latencies of virtual time. */
const DRAIN_MS = 50

/** Keys of the run's members: `voterKey(KEY_BASE + i)`. */
const KEY_BASE = 20_000

/** The protocol run: form, remove `removes` members one after another by vote, one chat. */
async function protocolRun(
  n: number,
  batch: number,
  removes: number,
  log: (line: string) => void,
  consensus: BenchConsensus = 'reference',
): Promise<Omit<LargeGroupRun, 'mlsCpuMs' | 'modelRemoveMs'>> {
  const net = new MemoryNetwork({ seed: 1000 + n, startTime: Math.floor(Date.now() / 1000) * 1000 })
  const config = largeGroupConfig(batch)
  const users: User[] = []
  for (let i = 0; i < n; i++) {
    const key = voterKey(KEY_BASE + i)
    // The memory network is a full mesh: every member reaches the aggregators, so no member needs to relay votes.
    const plugins = consensus === 'aggregated' ? { plugins: { consensus: aggregatedConsensus(key) }, relayVotes: false } : {}
    users.push(await User.create({ privateKey: key, transport: net.createTransport(`m${i}`), clock: net.clock, config, random: () => 0.5, ...plugins }))
  }
  const id = `large-${n}${consensus === 'aggregated' ? '-agg' : ''}`
  const conv = (i: number) => users[i]!.conversation(id)
  const phases: LargePhase[] = []
  const gc = gcPauses()
  const phase = async (name: LargePhaseName, body: () => Promise<void>) => {
    const g0 = await gc.read()
    const s0 = net.stats().total
    const e0 = conv(0)?.epoch() ?? 0n
    const [w0, c0, v0] = [performance.now(), cpuNow(), net.clock.now()]
    await body()
    await net.advance(DRAIN_MS)
    const s1 = net.stats().total
    const [wallMs, cpuMs] = [performance.now() - w0, cpuNow() - c0]
    // Read after the phase is timed: the read waits a turn of the event loop.
    const gcMs = (await gc.read()) - g0
    const p: LargePhase = {
      name,
      wallMs,
      cpuMs,
      virtualMs: net.clock.now() - v0,
      published: s1.published - s0.published,
      publishedBytes: s1.publishedBytes - s0.publishedBytes,
      delivered: s1.delivered - s0.delivered,
      changes: Number((conv(0)?.epoch() ?? 0n) - e0),
      heapMb: process.memoryUsage().heapUsed / 1e6,
      gcMs,
    }
    phases.push(p)
    log(
      `n=${n} ${consensus} ${name}: cpu ${(p.cpuMs / 1000).toFixed(1)} s (GC pauses ${(p.gcMs / 1000).toFixed(1)} s), wall ${(p.wallMs / 1000).toFixed(1)} s, virtual ${(p.virtualMs / 1000).toFixed(2)} s, ${p.published} published (${(p.publishedBytes / 1e6).toFixed(2)} MB), ${p.delivered} delivered, ${p.changes} changes, heap ${p.heapMb.toFixed(0)} MB, peak RSS ${peakRssMb().toFixed(0)} MB`,
    )
  }
  await phase('form', async () => {
    await users[0]!.createConversation(id, { admission: 'open' })
    for (let from = 1; from < n; from += batch) await admitBatch(net, users, id, from, Math.min(n, from + batch))
  })
  // LARGE_KINDS: what formed the group, per topic and (members' own messages) per kind.
  if (process.env.LARGE_KINDS) {
    for (const [t, v] of Object.entries(net.stats().topics)) log(`  topic ${t}: ${v.published} published, ${v.delivered} delivered`)
    log(`  sent by kind (members): ${[...sentTotals(users, id, n)].map(([k, v]) => `${k} ${v.count}`).join(', ')}`)
  }
  const records: ReplayRecord[][] = []
  const voteBytes: VoteTraffic[] = []
  for (let k = 1; k <= removes; k++) {
    const size = n - k + 1
    const recorder = recordMembers(net, users, id, replayedMembers(users, id, size), KEY_BASE, consensus)
    // The members that stay (the removed one's conversation is gone afterwards): its own messages are not counted.
    const sent0 = sentTotals(users, id, size - 1)
    await phase('remove', () => removeLastByVote(net, users, id, size))
    const sent1 = sentTotals(users, id, size - 1)
    voteBytes.push(voteTraffic(sent0, sent1, size))
    if (process.env.LARGE_KINDS) log(`  sent by kind: ${[...sent1].map(([k, v]) => `${k} ${v.count - (sent0.get(k)?.count ?? 0)}`).filter((x) => !x.endsWith(' 0')).join(', ')}`)
    log(
      `n=${n} ${consensus} removal ${k}: vote traffic a plain member receives ${(voteBytes.at(-1)!.plainMemberBytes / 1024).toFixed(1)} KiB (${voteBytes.at(-1)!.broadcastVotes} broadcast votes, ${voteBytes.at(-1)!.proofs} proofs), ${voteBytes.at(-1)!.aggregateVotes} aggregatable votes to the aggregators`,
    )
    records.push(recorder.finish())
  }
  const left = n - removes
  await phase('chat', async () => {
    let received = 0
    const subs = users.slice(1, left).map((u) =>
      u.eventsOf(id).subscribe((e) => {
        if (e.type === 'message') received++
      }),
    )
    await conv(0)!.sendMessage(new TextEncoder().encode('hello, large group'))
    await net.runUntil(() => received === left - 1, { maxMs: 600_000 })
    for (const s of subs) s.unsubscribe()
  })
  const mem = process.memoryUsage()
  gc.stop()
  for (const u of users) await u.stop()
  const peak = peakRssMb()
  users.length = 0
  const replays = records.map((r) => replayInChild(r))
  for (const [k, rs] of replays.entries()) {
    for (const r of rs) log(`n=${n} removal ${k + 1}, one member's own process (${r.role}): ${r.packets} packets, CPU ${r.cpuMs.toFixed(0)} ms (cold ${r.coldCpuMs.toFixed(0)} ms, GC pauses ${r.gcMs.toFixed(0)} ms), restore ${r.restoreCpuMs.toFixed(0)} ms, sent ${r.sent} (run ${r.publishedInRun}), heap ${r.heapMb.toFixed(0)} MB`)
  }
  return { n, batch, consensus, phases, heapMb: mem.heapUsed / 1e6, rssMb: mem.rss / 1e6, peakRssMb: peak, replays, voteBytes }
}

/** Encrypted messages the first `size` members sent in `id`, by kind, summed (sender-side counters). */
function sentTotals(users: readonly User[], id: string, size: number): Map<string, { count: number; bytes: number }> {
  const out = new Map<string, { count: number; bytes: number }>()
  for (const u of users.slice(0, size)) {
    for (const [kind, v] of Object.entries(u.conversation(id)?.conversation.sentByKind() ?? {})) {
      const t = out.get(kind) ?? { count: 0, bytes: 0 }
      t.count += v.count
      t.bytes += v.bytes
      out.set(kind, t)
    }
  }
  return out
}

/** Vote traffic of one change, from the senders' counters (no loss on this network: a broadcast reaches every other member). */
export interface VoteTraffic {
  /** Broadcast votes (the reference path, or the fallback) sent during the change. */
  broadcastVotes: number
  /** Proofs published. */
  proofs: number
  /** Aggregatable votes sent to the aggregators (they alone receive them). */
  aggregateVotes: number
  /** Bytes of broadcast votes and proofs a plain member receives (every one but its own), besides the commit. */
  plainMemberBytes: number
}

function voteTraffic(before: Map<string, { count: number; bytes: number }>, after: Map<string, { count: number; bytes: number }>, size: number): VoteTraffic {
  const d = (kind: string) => {
    const a = after.get(kind) ?? { count: 0, bytes: 0 }
    const b = before.get(kind) ?? { count: 0, bytes: 0 }
    return { count: a.count - b.count, bytes: a.bytes - b.bytes }
  }
  const votes = d('vote')
  const proofs = d('demlsAggregateProof')
  // Each broadcast reaches the size − 1 others: a member receives all but its own, (size − 1)/size of the bytes on average.
  const share = (size - 1) / size
  return { broadcastVotes: votes.count, proofs: proofs.count, aggregateVotes: d('demlsAggregateVote').count, plainMemberBytes: (votes.bytes + proofs.bytes) * share }
}

/** The same three phases with @demls/mls alone: commits, stagings, merges, Welcomes, `removes` removals, one chat. */
async function mlsRun(n: number, batch: number, removes: number): Promise<Record<LargePhaseName, number[]>> {
  const clients = await Promise.all([...Array(n).keys()].map((i) => createMlsClient({ memberId: ethereumAddress(voterKey(KEY_BASE + i)) })))
  const c0 = cpuNow()
  const groups: MlsService[] = [await clients[0]!.createGroup('large-mls')]
  for (let from = 1; from < n; from += batch) {
    const to = Math.min(n, from + batch)
    await mlsAdmit(groups, clients.slice(from, to))
  }
  const form = cpuNow() - c0
  // Each remove: the creator commits it, every other remaining member stages and merges it.
  const remove: number[] = []
  for (let k = 1; k <= removes; k++) {
    const r0 = cpuNow()
    await mlsCommit(groups, [{ action: 'remove', memberId: ethereumAddress(voterKey(KEY_BASE + n - k)) }], groups.slice(1, n - k))
    remove.push(cpuNow() - r0)
  }
  const left = n - removes
  const h0 = cpuNow()
  const ciphertext = await groups[0]!.encrypt(new TextEncoder().encode('hello, large group'))
  for (const g of groups.slice(1, left)) await g.decrypt(ciphertext)
  return { form: [form], remove, chat: [cpuNow() - h0] }
}

/**
 * Removals at size `n` (LARGE_REMOVES, default 3 below 1,000 members and 1
 * from 1,000 on, where one removal takes several minutes): the remove ratio
 * is that of the medians.
 */
function removesAt(n: number): number {
  if (process.env.LARGE_REMOVES !== undefined) return Number(process.env.LARGE_REMOVES)
  return n < 1000 ? 3 : 1
}

/** Run both at size `n`: the protocol first, then @demls/mls alone, `removes` removals each. */
export async function largeGroupRun(
  n: number,
  batch: number,
  log: (line: string) => void = () => {},
  removes = removesAt(n),
  consensus: BenchConsensus = 'reference',
): Promise<LargeGroupRun> {
  const protocol = await protocolRun(n, batch, removes, log, consensus)
  const mlsCpuMs = await mlsRun(n, batch, removes)
  const secs = (ms: number[], digits: number) => ms.map((x) => (x / 1000).toFixed(digits)).join(' / ')
  log(`n=${n} MLS only: form ${secs(mlsCpuMs.form, 1)} s, remove ${secs(mlsCpuMs.remove, 2)} s, chat ${secs(mlsCpuMs.chat, 3)} s`)
  const modelRemoveMs = await modelledRemoval(n)
  log(`n=${n} the scale model's work per member for a removal: ${modelRemoveMs.toFixed(1)} ms`)
  return { ...protocol, mlsCpuMs, modelRemoveMs }
}

/**
 * The work one member must do for a removal by vote at `n`, as the scale
 * bench models it (`scale-model.ts`), from operations measured now at this
 * n (`scale-votes.ts`, `scale-mls.ts`): n − 1 vote messages decrypted,
 * decoded and taken by the consensus service (the signature of each vote
 * up to the decision checked), the proposal, our own vote, the
 * candidate's authentication, the commit staged and merged. Session
 * logic, merge attestations, elections, timers and the collector are what
 * it leaves out. ms.
 */
async function modelledRemoval(n: number): Promise<number> {
  return perMember([await measureRow(n)], n, true).totalMs
}

/** Issue 18's targets for one membership change (the removal by vote): protocol CPU at most this many times MLS alone. */
const REMOVE_TARGETS: Readonly<Record<number, number>> = { 50: 3, 100: 4 }
/** Issue 55's targets for the same change with aggregated votes. */
const AGGREGATED_REMOVE_TARGETS: Readonly<Record<number, number>> = { 50: 2.5, 100: 2.5, 1000: 2 }

function sizesFromEnv(): number[] {
  if (process.env.LARGE_SIZES) return process.env.LARGE_SIZES.split(',').map(Number)
  return process.env.BENCH_FULL ? [50, 100, 200, 500, 1000] : [50, 100]
}

/** CPU of the replayed members of `role` ('member' or 'epoch-steward'), one entry per removal that had one. */
function ownProcessCpu(run: LargeGroupRun, role: 'member' | 'epoch-steward'): number[] {
  return run.replays.flatMap((rs) => rs.filter((r) => r.role === role).map((r) => r.cpuMs))
}

/** A replayed role's CPU as a measurement, or undefined when no removal had one to replay. */
function ownProcess(run: LargeGroupRun, role: 'member' | 'epoch-steward', tag = ''): Measurement | undefined {
  const cpu = ownProcessCpu(run, role)
  const label = role === 'member' ? 'one plain member' : 'the epoch steward (committer)'
  return cpu.length === 0 ? undefined : summarise(`protocol remove, n=${run.n}${tag}: ${label} in its own process (CPU)`, cpu, { n: run.n })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const measurements: Measurement[] = []
  const comparisons: Comparison[] = []
  const notes: string[] = [
    'Every member is a `User` on the memory network (FAST_TIMING, attestations every 10 s), all in this one process on the virtual clock: every vote, echo and attestation is decrypted or verified by every member, so the whole-group CPU below grows as O(n²) per change; per member it is O(n).',
    'form: all n − 1 joiners announce at once and the creator, alone, votes them in and admits them in one commit (each join is still a proposal; with members already in, every one of them would vote on each). remove: one member proposes removing another, every other member votes (reserveVoters is off by default), the epoch steward commits; done 3 times below 1,000 members and once from 1,000 on (LARGE_REMOVES overrides), one member after another, and the ratio is that of the medians (protocol and MLS only measured as often). chat: the creator sends one message, every remaining member decrypts it. A phase ends once every member agrees and the traffic it caused is delivered.',
    "The process runs with V8's young generation raised to 128 MB semi-spaces (`tsx --max-semi-space-size=128` in package.json), for the protocol and the MLS-only runs alike: one process holds every member's heap, and with the default 16 MB the per-packet garbage was promoted into an old generation of gigabytes (at 500 members, one removal: 159 s of CPU with the default, 123 s with 128 MB; MLS alone 12.9 s and 8.9 s). The replayed member's own process has V8's defaults.",
    'MLS only: the same commits, stagings, merges and Welcomes with @demls/mls (one creator committing), one encryption and n − 2 decryptions, in the same run.',
    `Vote signatures on the ${signatureBackend()} secp256k1 backend.`,
    "The scale model's work per member (`scale-model.ts`, method in `docs/scale.md`): what one member must do for a removal at n, each operation measured in this run at this n after the MLS-only run: n − 1 vote messages decrypted, decoded and taken by the consensus service (each vote's EIP-191 signature checked up to the decision at ⌈2n/3⌉ YES), the proposal, its own vote, the candidate's authentication, the commit staged and merged. It leaves out session logic, merge attestations (about n/3), the election every second change, timers and the collector. Its ratio to MLS only per member is what the protocol's vote costs by itself: above 3× at 50 members and 4× at 100, the remove targets cannot be met by any implementation that decrypts and checks every member's vote. The member's own process against it is what our implementation adds.",
    "One member's own process (`member-replay.ts`): at the start of each removal the epoch steward and a plain member (neither the proposer nor the member removed) save their state, and every packet delivered to them is recorded with its virtual time; after the run a fresh Node process resumes each from that state (`Conversation.restore`) and drives its sans-I/O core with the same packets at the same times and its own timers, once cold and then LARGE_REPLAY_ROUNDS times (20), the median of the last half reported. A replay must end at the member's epoch and member count in the run, and a plain member's at its epoch authenticator too (the steward's replay makes a commit of its own). This is what one member pays for the change when its process holds only its own state, as in a deployment; the whole-group run's CPU per member also pays one collector for every member's heap. MLS only per member: the MLS-only removal's CPU divided by the members.",
    'Aggregated rows ([aggregated], issue 55): the same run with the BLS plug-in of @demls/bls (`blsConsensusPlugin`): votes on the removal go to the aggregators (the stewards) on the votes subtopic, one aggregator publishes one proof, every member verifies it instead of n − 1 votes; the broadcast vote is the fallback. Vote traffic: bytes of broadcast votes and proofs a plain member receives per removal, from the senders\' counters (`Conversation.sentByKind`), besides the proposal and the commit. The memory network is a full mesh, so members do not relay the votes subtopic (`relayVotes: false`); on gossipsub with relays (`relayVotes: true`, the default) each member also receives, and ignores, the aggregatable votes (about 330 bytes each); with `relayVotes: \'auto\'` a member dials the contacts the aggregators announce and then does not relay (`examples/demo/test/aggregator-contacts.test.ts`: no vote reached a plain member of 8 real peers in a chain).',
    stewardListMax() === undefined
      ? "Steward lists of up to 2 members (the reference's default: an election every second change)."
      : `Steward lists of up to ${stewardListMax()} members (LARGE_SN_MAX; the reference's default is 2).`,
  ]
  for (const n of sizesFromEnv()) {
    const removes = removesAt(n)
    for (const consensus of consensusVariants()) {
      const run = await largeGroupRun(n, n - 1, (l) => console.log(l), removes, consensus)
      const tag = consensus === 'aggregated' ? ' [aggregated]' : ''
      const targets = consensus === 'aggregated' ? AGGREGATED_REMOVE_TARGETS : REMOVE_TARGETS
      for (const name of LARGE_PHASES) {
        const ours = run.phases.filter((p) => p.name === name).map((p) => p.cpuMs)
        const protocol = summarise(`protocol ${name}, n=${n}${tag} (CPU)`, ours, { n })
        const mls = summarise(`MLS only ${name}, n=${n}${tag} (CPU)`, run.mlsCpuMs[name], { n })
        measurements.push(protocol, mls)
        comparisons.push(
          name === 'remove'
            ? compare(`remove${tag}: protocol vs MLS only, n=${n} (medians of ${removes})`, protocol, mls, targets[n], { stat: 'median' })
            : compare(`${name}${tag}: protocol vs MLS only, n=${n}`, protocol, mls),
        )
      }
      const removals = run.phases.filter((p) => p.name === 'remove')
      measurements.push(summarise(`protocol remove, n=${n}${tag}: CPU per member`, removals.map((p, k) => p.cpuMs / (n - k)), { n }))
      const voteKiB = run.voteBytes.map((v) => v.plainMemberBytes / 1024)
      measurements.push(summarise(`remove, n=${n}${tag}: vote traffic a plain member receives (KiB, not ms)`, voteKiB, { n }))
      if (consensus === 'aggregated') {
        const median = [...voteKiB].sort((a, b) => a - b)[Math.floor(voteKiB.length / 2)] ?? 0
        comparisons.push(compareToLimit(`remove at n=${n}${tag}: vote traffic a plain member receives`, median, 2, 'KiB', `${median.toFixed(2)} KiB`))
      }
      const [plain, steward] = [ownProcess(run, 'member', tag), ownProcess(run, 'epoch-steward', tag)]
      if (steward !== undefined) measurements.push(steward)
      if (plain !== undefined) {
        const mlsPerMember = summarise(`MLS only remove, n=${n}${tag}: CPU per member`, run.mlsCpuMs.remove.map((ms, k) => ms / (n - k)), { n })
        measurements.push(plain, mlsPerMember)
        comparisons.push(compare(`remove${tag}: one member's own process vs MLS only per member, n=${n} (medians)`, plain, mlsPerMember, undefined, { stat: 'median' }))
        if (consensus === 'reference') {
          // What the protocol's own work costs against MLS alone, and what a member's process pays beyond that work.
          const model = summarise(`remove, n=${n}: the scale model's work per member (measured operations)`, [run.modelRemoveMs], { n })
          measurements.push(model)
          comparisons.push(compare(`remove: the scale model's work per member vs MLS only per member, n=${n}`, model, mlsPerMember, undefined, { stat: 'median' }))
          comparisons.push(compare(`remove: one member's own process vs the scale model's work per member, n=${n}`, plain, model, undefined, { stat: 'median' }))
        }
        if (n === 1000) comparisons.push(compareToLimit(`remove at 1,000 members${tag}: one plain member in its own process`, plain.p50Ms / 1000, 0.5, 's', `${(plain.p50Ms / 1000).toFixed(2)} s`))
      }
      notes.push(
        `n=${n}${tag}: ${run.phases.map((p) => `${p.name} ${(p.cpuMs / 1000).toFixed(1)} s CPU / ${(p.wallMs / 1000).toFixed(1)} s wall / ${(p.virtualMs / 1000).toFixed(2)} s virtual, GC pauses ${(p.gcMs / 1000).toFixed(1)} s, ${p.published} messages (${(p.publishedBytes / 1024).toFixed(0)} KiB), ${p.delivered} deliveries, ${p.changes} changes`).join('; ')}; per removal ${run.voteBytes.map((v) => `${v.broadcastVotes} broadcast votes, ${v.proofs} proofs, ${v.aggregateVotes} aggregatable votes`).join(' / ')}; heap ${run.heapMb.toFixed(0)} MB, RSS ${run.rssMb.toFixed(0)} MB, peak RSS ${run.peakRssMb.toFixed(0)} MB.`,
      )
    }
  }
  // LARGE_REPORT=name writes `@demls/session-large-<name>` instead: a run of
  // other sizes beside the full one, not over it.
  const suffix = process.env.LARGE_REPORT ? `-${process.env.LARGE_REPORT}` : ''
  writeReport({ package: `@demls/session-large${suffix}`, title: 'a large group end to end on the memory network (form, remove by vote, chat)', measurements, comparisons, notes })
}
