// One seeded churn run on the memory network (issue 56): what users do, not
// one change per step. A group of `size` members (12 by default) in the
// default configuration (admission by invitation) is formed with no loss;
// then for `churnMs` (5 min) every delivery may be lost (20 % by default),
// duplicated, reordered and delayed while, at once, two invited members
// join, a live member is removed by explicit YES votes of every member, one
// member leaves and chat flows; then the faults stop and the group has
// `settleMs` (20 min) to settle. Shared by the table (bench/churn.ts →
// docs/fault-runs.md) and the pass/fail test (test/scenarios/churn.test.ts).
import { createHash } from 'node:crypto'
import { seededRandom } from '@demls-dev/bench-kit'
import { MemoryNetwork } from '@demls/transport-memory'
import { type ConversationConfigInit, type ConversationHandle, FAST_TIMING, User, type UserEvent, WakeupLoopError } from '../../src/index.js'
import { blsPluginFor } from './bls-plugin.js'
import { keyFor } from './harness.js'
import { forksAmong, memberLine, noteDrop, settledAmong } from './run-report.js'
import { SEEDED_RUN_START_MS, seededCryptoBackend, withSeededRandom } from './seeded-crypto.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Options of {@link churnRun}. */
export interface ChurnRunInit {
  seed: number
  /** Loss probability per delivery during the churn. @default 0.2 */
  loss?: number
  /** `default` (the conversation defaults) or `fast` ({@link FAST_TIMING}). @default 'default' */
  timing?: 'default' | 'fast'
  /** `default` (the reference path: every vote an MLS message to all) or `aggregated` (`@demls/bls`: votes on joins and removals to the stewards, one proof to all). @default 'default' */
  consensus?: 'default' | 'aggregated'
  /** Members before the churn. @default 12 */
  size?: number
  /** Virtual ms of churn under faults. @default 300_000 */
  churnMs?: number
  /** Virtual ms the group gets to settle once the faults stop. @default 1_200_000 */
  settleMs?: number
  /** Every event of member `i` with the virtual time (diagnostics). */
  trace?: (i: number, e: UserEvent, now: number) => void
}

/** What one churn run found. */
export interface ChurnRunReport {
  seed: number
  loss: number
  timing: 'default' | 'fast'
  /** `converged`: every remaining member Working at one epoch with one authenticator and the expected members; the removed and the leaver out. */
  outcome: 'converged' | 'forked' | 'stalled' | 'setup-failed'
  /** Virtual ms from the end of the faults to convergence (converged runs). */
  settledAfterMs: number | undefined
  /** Members at one epoch with different authenticators, at the end. */
  forks: string[]
  /** One line per member when the run failed; the last drop reasons seen. */
  detail: string[]
  /**
   * A digest of every member's events and final state: the same seed, loss
   * and timing give the same fingerprint (every random draw is seeded and
   * the clock is virtual), so a failing seed can be traced again.
   */
  fingerprint: string
  /** Wake-up loops the members reported (`WakeupLoopError`: a source due at once that its step does not serve), as `p<i>: <message>`; none in a healthy run. */
  wakeupLoops: string[]
  /** With `consensus: 'aggregated'`: what the members still in the conversation at the end counted (`aggregateStats`, summed). */
  aggregate?: { proofsTaken: number; fallbacks: number; proofsRefused: number; conflicts: number }
}

/** Run one churn run. Never throws for protocol failures: they are in the report. */
export function churnRun(init: ChurnRunInit): Promise<ChurnRunReport> {
  return withSeededRandom(init.seed, () => run(init))
}

async function run(init: ChurnRunInit): Promise<ChurnRunReport> {
  const { seed } = init
  const loss = init.loss ?? 0.2
  const timing = init.timing ?? 'default'
  const size = init.size ?? 12
  const churnMs = init.churnMs ?? 300_000
  const settleMs = init.settleMs ?? 1_200_000
  const config: ConversationConfigInit = timing === 'fast' ? { ...FAST_TIMING } : {}
  const aggregated = init.consensus === 'aggregated'
  const net = new MemoryNetwork({ seed, startTime: SEEDED_RUN_START_MS })
  const total = size + 2
  const joinerA = size
  const joinerB = size + 1
  const removed = size - 1
  const leaver = size - 2
  const users: User[] = []
  for (let i = 0; i < total; i++) {
    users.push(
      await User.create({
        privateKey: keyFor(i),
        transport: net.createTransport(`p${i}`),
        clock: net.clock,
        config,
        random: seededRandom(seed * 1000 + i),
        plugins: {
          crypto: await seededCryptoBackend(seed * 1000 + i),
          ...(aggregated ? { consensus: blsPluginFor(i) } : {}),
        },
      }),
    )
  }
  const id = 'churn'
  const report: ChurnRunReport = { seed, loss, timing, outcome: 'converged', settledAfterMs: undefined, forks: [], detail: [], fingerprint: '', wakeupLoops: [] }
  const events = createHash('sha256')
  const drops: string[][] = Array.from({ length: total }, () => [])
  const removedId = hex(users[removed]!.memberId)
  for (const [i, u] of users.entries()) {
    u.events$.subscribe((e) => {
      init.trace?.(i, e, net.clock.now())
      events.update(`${i}:${net.clock.now()}:${e.type};`)
      if (e.type === 'error' && e.error instanceof WakeupLoopError && report.wakeupLoops.length < 20) report.wakeupLoops.push(`p${i}: ${e.error.message}`)
      noteDrop(drops[i]!, e)
      // Every member votes YES, explicitly, on the removal of `removed`.
      if (e.type === 'vote-requested' && e.request?.payload === 'removeMember' && e.request.removeMember && hex(e.request.removeMember.memberId) === removedId) {
        u.conversation(id)?.vote(e.proposalId, true).catch(() => {})
      }
    })
  }
  const handle = (i: number): ConversationHandle | undefined => users[i]!.conversation(id)
  const conv = (i: number) => handle(i)?.conversation
  const first = (n: number) => [...Array(n).keys()]
  const forks = (among: number[]) => forksAmong(conv, among)
  const settled = (among: number[], members: number) => settledAmong(conv, among, members)
  /** Wait on virtual time (whoever drives the clock). */
  const sleep = (ms: number) => new Promise<void>((resolve) => net.clock.setTimer(resolve, ms))
  /** Retry an API call the group cannot serve right now (a freeze) until it can, on virtual time. */
  const retry = async <T>(fn: () => Promise<T>, tries = 60): Promise<T> => {
    for (let k = 0; ; k++) {
      try {
        return await fn()
      } catch (err) {
        if (k >= tries) throw err
        await sleep(1_000)
      }
    }
  }
  /** Call `fn` while `ok` is false, sleeping on virtual time, until `until` (virtual ms) passes. */
  const persist = async (fn: () => Promise<unknown>, ok: () => boolean, label: string, pauseMs: number, until: number): Promise<void> => {
    while (!ok() && net.clock.now() < until) {
      await fn().catch((err: Error) => report.detail.push(`${label} at ${net.clock.now()} ms: ${err.name}${(err as { reason?: string }).reason ? ` (${(err as { reason?: string }).reason})` : ''}`))
      if (!ok()) await sleep(pauseMs)
    }
  }
  const formBound = timing === 'fast' ? 120_000 : 600_000
  try {
    await users[0]!.createConversation(id)
    for (let i = 1; i < size; i++) {
      await retry(() => handle(0)!.invite(users[i]!.memberId))
      users[i]!.join(id, { timeoutMs: formBound }).catch(() => {})
      await net.runUntil(() => settled(first(i + 1), i + 1), { maxMs: formBound })
    }
  } catch (err) {
    report.outcome = 'setup-failed'
    report.detail.push(`forming the group: ${String(err)}`, ...describe())
    for (const u of users) await u.stop()
    return report
  }

  // The churn: faults on, everything at once.
  net.setFaults({ loss, duplicate: 0.05, reorder: 0.1, reorderWindowMs: 50, jitterMs: 20 })
  const start = net.clock.now()
  const random = seededRandom(seed)
  const at = (ms: number, what: () => Promise<unknown>) => ({ ms, what, done: false })
  // As a person would: a join that fails is tried again, a removal the
  // group rejected (votes lost under loss) is proposed again, a leave that
  // did not go through is asked again, until the faults stop.
  const pause = timing === 'fast' ? 5_000 : 30_000
  const until = start + churnMs
  const joined = (i: number) => () => users[i]!.conversation(id) !== undefined
  const gone = (i: number) => () => first(size).filter((j) => j !== i).every((j) => conv(j) === undefined || !conv(j)!.members().some((m) => hex(m) === hex(users[i]!.memberId)))
  const removalOpen = () => first(size).some((j) => conv(j)?.approvedProposals().some((p) => p.kind === 'remove' && hex(p.memberId) === removedId))
  /** The phases of a joiner's attempts, run-length encoded, for the report of a failed run. */
  const progressOf = (label: string) => {
    const phases: string[] = []
    report.detail.push('')
    const slot = report.detail.length - 1
    return (p: { phase: string }) => {
      const last = phases.at(-1)
      if (last?.startsWith(`${p.phase}×`) || last === p.phase) {
        const n = last === p.phase ? 1 : Number(last.split('×')[1])
        phases[phases.length - 1] = `${p.phase}×${n + 1}`
      } else phases.push(p.phase)
      report.detail[slot] = `join ${label} progress: ${phases.slice(-24).join(' ')}`
    }
  }
  const plan = [
    at(0, () => retry(() => handle(0)!.invite(users[joinerA]!.memberId))),
    at(500, () => retry(() => handle(1)!.invite(users[joinerB]!.memberId))),
    at(3_000, () => persist(() => users[joinerA]!.join(id, { timeoutMs: churnMs, onProgress: progressOf('A') }), joined(joinerA), 'join A', pause, until)),
    at(4_000, () => persist(() => users[joinerB]!.join(id, { timeoutMs: churnMs, onProgress: progressOf('B') }), joined(joinerB), 'join B', pause, until)),
    at(10_000, () => persist(() => (removalOpen() ? Promise.resolve() : retry(() => handle(1)!.removeMember(users[removed]!.memberId))), gone(removed), 'remove', pause, until)),
    at(20_000, () => persist(() => (handle(leaver) === undefined ? Promise.resolve() : retry(() => handle(leaver)!.leave())), gone(leaver), 'leave', pause, until)),
  ]
  let nextChat = start + 5_000
  while (net.clock.now() - start < churnMs) {
    for (const p of plan) {
      if (!p.done && net.clock.now() - start >= p.ms) {
        p.done = true
        p.what().catch((err: Error) => report.detail.push(`churn action at ${p.ms} ms failed: ${err.name} ${err.message}`))
      }
    }
    if (net.clock.now() >= nextChat) {
      const senders = first(size).filter((i) => i !== removed && i !== leaver)
      const who = senders[Math.floor(random() * senders.length)]!
      handle(who)?.sendMessage(new TextEncoder().encode(`chat ${nextChat - start}`)).catch(() => {})
      nextChat += 10_000
    }
    await net.advance(250)
  }

  // Faults off; the group settles.
  net.setFaults({ loss: 0, duplicate: 0, reorder: 0, jitterMs: 0 })
  const remaining = [...first(size).filter((i) => i !== removed && i !== leaver), joinerA, joinerB]
  const end = net.clock.now()
  const done = () => settled(remaining, remaining.length) && conv(removed) === undefined && conv(leaver) === undefined
  try {
    await net.runUntil(done, { maxMs: settleMs })
    report.settledAfterMs = net.clock.now() - end
  } catch {
    report.forks = forks(remaining)
    report.outcome = report.forks.length > 0 ? 'forked' : 'stalled'
    report.detail.push(...describe())
  }
  for (const i of first(total)) {
    const c = conv(i)
    events.update(c ? `${i}@${c.epoch()}:${hex(c.epochAuthenticator())};` : `${i}@-;`)
  }
  report.fingerprint = events.digest('hex').slice(0, 16)
  if (aggregated) {
    const sum = { proofsTaken: 0, fallbacks: 0, proofsRefused: 0, conflicts: 0 }
    for (const i of first(total)) {
      const st = conv(i)?.aggregateStats()
      if (st) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += st[k]
    }
    report.aggregate = sum
  }
  for (const u of users) await u.stop()
  return report

  function describe(): string[] {
    return users.map((_, i) => memberLine(conv, i, i === removed ? ' (removed)' : i === leaver ? ' (leaver)' : i >= size ? ' (joiner)' : '', drops[i]!))
  }
}
