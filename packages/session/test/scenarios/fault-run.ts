// One seeded fault run on the memory network, shared by the fault test
// (test/scenarios/faults.test.ts) and the diagnostic table
// (bench/faults.ts → docs/fault-runs.md).
//
// Five members by default (`size`): member 0 creates the conversation, the
// others join one at a time, then member 1 proposes removing the last one.
// Every packet may be lost, duplicated, reordered and delayed. Seeds ≡ 3 (mod 10) cut member 1
// off while member 3 joins and heal it 3 s later; seeds ≡ 7 mute the epoch
// steward until the others have committed the removal without it; seeds ≡ 5
// have a steward publish a forged replay removing another member (no vote)
// just before the honest removal, which every member must refuse.
import { ethereumAddress } from '@demls/consensus'
import type { MlsService } from '@demls/mls'
import { MemoryNetwork } from '@demls/transport-memory'
import { encodeAppMessage } from '@demls/wire'
import { type ConversationConfig, FAST_TIMING, User, type UserEvent, resolveConfig } from '../../src/index.js'
import { keyFor } from './harness.js'
import { capturingPlugins } from './capture-groups.js'
import { SEEDED_RUN_START_MS, seededCryptoBackend, withSeededRandom } from './seeded-crypto.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Options of {@link faultRun}. */
export interface FaultRunInit {
  seed: number
  /** Loss probability per delivery. */
  loss: number
  /** Cut a member off during a join / mute the epoch steward (by seed). @default true */
  variants?: boolean
  /** Members in all (member 0 creates, the others join one at a time, member 1 removes the last). @default 5 */
  size?: number
  /** Every event of member `i`, with the virtual time (diagnostics). */
  trace?: (i: number, e: UserEvent, now: number) => void
  /** Called once the network and users exist (diagnostics). */
  setup?: (net: MemoryNetwork, users: User[]) => void
}

/** What one run found. */
export interface FaultRunReport {
  seed: number
  loss: number
  outcome: 'converged' | 'forked' | 'stalled'
  /** The step that did not settle (`join2`, `remove`, …), if any. */
  failedStep: string | undefined
  /** Members at one epoch with different epoch authenticators, at the end of a step. */
  forks: string[]
  /** Members added more often than approving votes for them resolved. */
  unapprovedJoins: string[]
  /** Per join: virtual ms from the first approving outcome to the group converging with the joiner. */
  joinLatencyMs: number[]
  /** `fork-healed` events seen. */
  healed: number
  /** `steward-list-inferred` events seen. */
  inferred: number
  /** Replayed commits members refused for lack of a verifiable approval (the forged removal of seeds ≡ 5). */
  refusedReplays: number
  /** Proofs of equivocation (a vote both ways, two commits with the same changes) members found: every member is honest, so 0. */
  equivocations: number
  /** One line per member (epoch, phase, authenticator, stewards) when the run failed. */
  detail: string[]
}

/** The timing every member runs with. */
// Admission 'open': the fault runs measure joins by automatic admission (the reference's rule).
export const FAULT_CONFIG = resolveConfig({ ...FAST_TIMING, commitInactivityMs: 2_000, admission: 'open' })

/** Gaps before the 2nd, 3rd and 4th key-package announcement (3 s doubling, plus up to ¼ jitter). */
const ANNOUNCE_GAPS_MS = [3_000, 6_000, 12_000].map((g) => g * 1.25)

/**
 * The protocol's share of a step, derived from the timers: the vote
 * (voting delay plus consensus timeout, since every member times out every
 * proposal), a due election the commit may wait for (`electionWaitMs`), the
 * commit itself (the backup steward after commit plus recovery inactivity,
 * the freeze window, and one failed round: another freeze window), and
 * stragglers learning the commit within two attestation intervals. Under
 * 10 % loss any of these may need one retry, so the sum is doubled.
 */
function protocolMs(c: ConversationConfig): number {
  const vote = c.votingDelayMs + c.consensusTimeoutMs
  const electionWait = c.electionVotingDelayMs + c.consensusTimeoutMs + c.commitInactivityMs
  const commit = c.commitInactivityMs + c.recoveryInactivityMs + 2 * c.freezeDurationMs
  const stragglers = 2 * c.attestationIntervalMs
  return 2 * (vote + electionWait + commit + stragglers)
}

/** The longest a step may take: the joiner's first four announcements, then the protocol's share. */
export function stepBoundMs(c: ConversationConfig = FAULT_CONFIG): number {
  return Math.ceil(ANNOUNCE_GAPS_MS.reduce((a, b) => a + b, 0) + protocolMs(c))
}

/**
 * The bound on a join from its first approving outcome (on any member) to
 * the whole group converging with the joiner. A lost vote can leave the
 * first approval local to one member while the owner's vote is undecided;
 * the joiner's next announcement (at most the longest gap above) then opens
 * a new vote. Add the protocol's share.
 */
export function joinBoundMs(c: ConversationConfig = FAULT_CONFIG): number {
  return Math.ceil(Math.max(...ANNOUNCE_GAPS_MS) + protocolMs(c))
}

/** Run one seeded fault run. Never throws for protocol failures: they are in the report. Repeats exactly for a seed (every random draw is seeded, the clock virtual). */
export function faultRun(init: FaultRunInit): Promise<FaultRunReport> {
  return withSeededRandom(init.seed, () => run(init))
}

async function run(init: FaultRunInit): Promise<FaultRunReport> {
  const { seed, loss } = init
  const variants = init.variants ?? true
  const size = init.size ?? 5
  const net = new MemoryNetwork({
    seed,
    startTime: SEEDED_RUN_START_MS,
    faults: { loss, duplicate: 0.05, reorder: 0.1, reorderWindowMs: 50, jitterMs: 20 },
  })
  const users: User[] = []
  // Seeds ≡ 5 (mod 10): a steward turns malicious during the removal (see below); its MLS group is captured.
  const crypto = (i: number) => seededCryptoBackend(seed * 1000 + i)
  const malicious = variants && seed % 10 === 5 ? await capturingPlugins(size, crypto) : undefined
  for (let i = 0; i < size; i++) {
    const plugins = { plugins: malicious === undefined ? { crypto: await crypto(i) } : malicious.plugins(i) }
    users.push(
      await User.create({ privateKey: keyFor(i), transport: net.createTransport(`p${i}`), clock: net.clock, config: FAULT_CONFIG, random: () => 0.5, ...plugins }),
    )
  }
  init.setup?.(net, users)
  const id = 'faults'
  const report: FaultRunReport = {
    seed,
    loss,
    outcome: 'converged',
    failedStep: undefined,
    forks: [],
    unapprovedJoins: [],
    joinLatencyMs: [],
    healed: 0,
    inferred: 0,
    refusedReplays: 0,
    equivocations: 0,
    detail: [],
  }
  const approvedAt = new Map<string, number>() // joiner → first approving outcome (virtual ms)
  const approvals = new Map<string, Set<number>>() // joiner → approving proposal ids
  const joins = new Map<string, Set<bigint>>() // member → epochs it was added at
  const notes: string[][] = Array.from({ length: size }, () => []) // per member: candidate refusals and healing, for failure reports
  const note = (i: number, line: string) => {
    const n = notes[i]!
    if (n.at(-1) !== line) n.push(line)
    if (n.length > (process.env.FAULT_NOTES === 'all' ? 40 : 12)) n.shift()
  }
  const transportDrops = new Map<string, number>() // `p<i> <reason>` → count
  for (const [i, u] of users.entries()) {
    u.events$.subscribe((e) => {
      init.trace?.(i, e, net.clock.now())
      const t = net.clock.now() % 100_000
      if (e.type === 'dropped' && e.reason === 'candidate') note(i, `${t} ${e.detail}`)
      else if (e.type === 'dropped' && process.env.FAULT_NOTES === 'all') note(i, `${t} ${e.reason}: ${(e.detail ?? '').slice(0, 80)}`)
      else if (process.env.FAULT_NOTES === 'all' && (e.type === 'consensus-reached' || e.type === 'phase-change' || e.type === 'vote-requested')) note(i, `${t} ${e.type} ${'state' in e ? e.state : ''}${'request' in e ? e.request?.payload : ''}${'approved' in e ? ` ${e.approved}` : ''}`)
      else if (e.type === 'fork-healed' || e.type === 'steward-list-inferred' || e.type === 'commit-applied') note(i, `${t} ${e.type} ${e.epoch}`)
    })
    u.transport.addEventListener('drop', (e) => {
      const k = `p${i} ${e.detail.reason}`
      transportDrops.set(k, (transportDrops.get(k) ?? 0) + 1)
    })
  }
  const onEvent = (e: UserEvent) => {
    if (e.type === 'fork-healed') report.healed++
    else if (e.type === 'equivocation' || e.type === 'commit-equivocation') report.equivocations++
    else if (e.type === 'dropped' && e.reason === 'unauthorized' && (e.detail ?? '').includes('no verifiable approval')) report.refusedReplays++
    else if (e.type === 'steward-list-inferred') report.inferred++
    else if (e.type === 'consensus-reached' && e.approved && e.request?.payload === 'memberInvite' && e.request.memberInvite) {
      const j = hex(e.request.memberInvite.memberId)
      if (!approvedAt.has(j)) approvedAt.set(j, net.clock.now())
      const set = approvals.get(j) ?? new Set()
      set.add(e.proposalId)
      approvals.set(j, set)
    } else if (e.type === 'member-joined') {
      const j = hex(e.memberId)
      const set = joins.get(j) ?? new Set()
      set.add(e.epoch)
      joins.set(j, set)
    }
  }
  for (const u of users) u.events$.subscribe(onEvent)

  const conversations = () => users.map((u) => u.conversation(id)?.conversation)
  const forks = (among = [...Array(size).keys()]): string[] => {
    const byEpoch = new Map<bigint, Map<string, string[]>>()
    conversations().forEach((c, i) => {
      if (!c || !among.includes(i)) return
      const auths = byEpoch.get(c.epoch()) ?? new Map<string, string[]>()
      const a = hex(c.epochAuthenticator()).slice(0, 16)
      auths.set(a, [...(auths.get(a) ?? []), `p${i}`])
      byEpoch.set(c.epoch(), auths)
    })
    return [...byEpoch]
      .filter(([, auths]) => auths.size > 1)
      .map(([epoch, auths]) => `epoch ${epoch}: ${[...auths].map(([a, who]) => `${who.join('+')}@${a}`).join(' vs ')}`)
  }
  /** Members `among` are Working at one epoch with `size` members and one authenticator. */
  const settled = (among: number[], size: number) => {
    const cs = conversations().filter((_, i) => among.includes(i))
    return cs.every((c) => c?.state() === 'working' && c.epoch() === cs[0]!.epoch() && c.members().length === size) && forks(among).length === 0
  }
  const first = (n: number) => [...Array(n).keys()]
  const bound = stepBoundMs()
  let step = 'create'
  try {
    await users[0]!.createConversation(id)
    for (let i = 1; i < size; i++) {
      step = `join${i}`
      const partitioned = variants && seed % 10 === 3 && i === 3
      if (partitioned) net.partition(['p1'])
      const phases: string[] = []
      users[i]!.join(id, { timeoutMs: bound, onProgress: (p) => phases.push(`${p.phase}@${p.elapsedMs}`) }).catch((err: Error) => {
        report.detail.push(`p${i} join failed: ${err.name} ${err.message} after ${phases.join(' ')}`)
      })
      if (partitioned) {
        await net.runUntil(() => users[i]!.conversation(id) !== undefined, { maxMs: bound })
        await net.advance(3_000)
        net.heal()
      }
      await net.runUntil(() => settled(first(i + 1), i + 1), { maxMs: bound })
      const at = approvedAt.get(hex(users[i]!.memberId))
      if (at !== undefined) report.joinLatencyMs.push(net.clock.now() - at)
    }
    step = 'remove'
    const muted = variants && seed % 10 === 7 ? [0, 2, 3].find((i) => users[i]!.conversation(id)!.conversation.isEpochSteward()) : undefined
    if (muted !== undefined) net.mute(`p${muted}`)
    if (malicious !== undefined) await forgeRemoval(users, malicious.groups, id, net)
    await users[1]!.conversation(id)!.removeMember(ethereumAddress(keyFor(size - 1)))
    if (muted !== undefined) {
      // The others go on without the muted steward (its backup commits) …
      await net.runUntil(() => settled(first(size - 1).filter((i) => i !== muted), size - 1), { maxMs: bound })
      // … and once it can speak again, everyone ends on one branch, whichever
      // wins (the muted steward may have merged its own candidate meanwhile).
      step = 'remove, after the mute'
      net.unmute(`p${muted}`)
    }
    await net.runUntil(() => settled(first(size - 1), size - 1), { maxMs: bound })
  } catch {
    report.failedStep = step
    report.forks = forks()
    report.outcome = report.forks.length > 0 ? 'forked' : 'stalled'
    report.detail.push(...conversations().map((c, i) =>
      c
        ? `p${i}: epoch ${c.epoch()} ${c.state()}/${c.mode()} auth ${hex(c.epochAuthenticator()).slice(0, 8)} members ${c.members().length} stewards ${c.stewards().map((s) => hex(s).slice(0, 4)).join(',')}`
        : `p${i}: not in the conversation`,
    ))
    for (const [i, n] of notes.entries()) report.detail.push(`p${i} recent: ${n.join(' | ')}`)
    report.detail.push(`transport drops: ${[...transportDrops].map(([k, v]) => `${k}×${v}`).join(', ') || 'none'}`)
  }
  for (const [member, epochs] of joins) {
    const approved = approvals.get(member)?.size ?? 0
    if (epochs.size > approved) report.unapprovedJoins.push(`${member.slice(0, 8)} added ${epochs.size}× with ${approved} approval(s)`)
  }
  for (const u of users) await u.stop()
  return report
}

/**
 * A steward (other than member 1, which proposes the honest removal)
 * commits the removal of another member nobody voted for and publishes it
 * as an unrequested replay: every member must refuse it (issue 15), so the
 * run still ends with exactly the honest removal.
 */
async function forgeRemoval(users: User[], groups: Map<number, MlsService>, id: string, net: MemoryNetwork): Promise<void> {
  const attacker = [0, 2, 3].find((i) => users[i]!.conversation(id)!.conversation.isSteward())
  if (attacker === undefined) return
  const victim = [0, 2, 3].find((i) => i !== attacker)!
  const group = groups.get(attacker)!
  const built = await group.createCommitCandidate([{ action: 'remove', memberId: ethereumAddress(keyFor(victim)) }], { nowMs: net.clock.now() })
  await group.discardOwnCommit()
  const candidate = { conversationId: new TextEncoder().encode(id), mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: ethereumAddress(keyFor(attacker)) }
  await net.transport(`p${attacker}`).publish({ conversationId: id, subtopic: 'app', payload: encodeAppMessage({ demlsControl: { commitReplay: { fromEpoch: built.epoch, candidate } } }) })
}
