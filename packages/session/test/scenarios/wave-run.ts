// One seeded wave run on the memory network (issue 56): the real-network
// soak's staggered phase without its CPU. Member 0 opens a conversation on
// LAN_TIMING (open admission, as the soak's peers do); the others announce
// themselves `gapMs` apart (1 s by default) over a network with `delayMs`
// of latency and up to `jitterMs` of jitter per delivery; then the group has
// `settleMs` to be one group of `size`. Every random draw is seeded and the
// clock is virtual, so a seed repeats exactly (its fingerprint says so) and
// a failing one can be traced alone. Shared by the table (bench/wave.ts →
// docs/fault-runs.md) and the pass/fail test (test/scenarios/wave.test.ts).
import { createHash } from 'node:crypto'
import { seededRandom } from '@demls-dev/bench-kit'
import { MemoryNetwork } from '@demls/transport-memory'
import { LAN_TIMING, User, type UserEvent, WakeupLoopError } from '../../src/index.js'
import { keyFor } from './harness.js'
import { forksAmong, memberLine, noteDrop, settledAmong } from './run-report.js'
import { SEEDED_RUN_START_MS, seededCryptoBackend, withSeededRandom } from './seeded-crypto.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Options of {@link waveRun}. */
export interface WaveRunInit {
  seed: number
  /** Members at the end, the creator included. @default 30 */
  size?: number
  /** Virtual ms between two announcements. @default 1_000 */
  gapMs?: number
  /** Latency of every delivery. @default 5 */
  delayMs?: number
  /** Jitter added to each delivery, up to this many ms. @default 1_500 */
  jitterMs?: number
  /** Virtual ms after the last announcement the group gets to be whole. @default 180_000 */
  settleMs?: number
  /** Every event of member `i` with the virtual time (diagnostics). */
  trace?: (i: number, e: UserEvent, now: number) => void
}

/** What one wave run found. */
export interface WaveRunReport {
  seed: number
  jitterMs: number
  /** `converged`: every member Working at one epoch with one authenticator and all `size` members. */
  outcome: 'converged' | 'forked' | 'stalled'
  /** Virtual ms from the last announcement to convergence (converged runs). */
  formedAfterLastMs: number | undefined
  /** Members at one epoch with different authenticators, at the end. */
  forks: string[]
  /** Events the members reported, summed: the recoveries a healthy wave needs none of. */
  events: { forkHealed: number; rejoined: number; stranded: number; recovery: number }
  /** Packets the members sent, by kind, summed over the members. */
  sent: Record<string, number>
  /** Deliveries on the network over the whole run. */
  delivered: number
  /** One line per member when the run failed; the last drop reasons seen. */
  detail: string[]
  /** A digest of every member's events and final state: the same seed and settings give the same one. */
  fingerprint: string
  /** Wake-up loops the members reported (`WakeupLoopError`); none in a healthy run. */
  wakeupLoops: string[]
}

/** Run one wave run. Never throws for protocol failures: they are in the report. */
export function waveRun(init: WaveRunInit): Promise<WaveRunReport> {
  return withSeededRandom(init.seed, () => run(init))
}

async function run(init: WaveRunInit): Promise<WaveRunReport> {
  const { seed } = init
  const size = init.size ?? 30
  const gapMs = init.gapMs ?? 1_000
  const jitterMs = init.jitterMs ?? 1_500
  const settleMs = init.settleMs ?? 180_000
  const net = new MemoryNetwork({ seed, startTime: SEEDED_RUN_START_MS, faults: { delayMs: init.delayMs ?? 5, jitterMs } })
  const users: User[] = []
  for (let i = 0; i < size; i++) {
    users.push(
      await User.create({
        privateKey: keyFor(i),
        transport: net.createTransport(`p${i}`),
        clock: net.clock,
        config: LAN_TIMING,
        random: seededRandom(seed * 1000 + i),
        plugins: { crypto: await seededCryptoBackend(seed * 1000 + i) },
      }),
    )
  }
  const id = 'wave'
  const report: WaveRunReport = {
    seed,
    jitterMs,
    outcome: 'converged',
    formedAfterLastMs: undefined,
    forks: [],
    events: { forkHealed: 0, rejoined: 0, stranded: 0, recovery: 0 },
    sent: {},
    delivered: 0,
    detail: [],
    fingerprint: '',
    wakeupLoops: [],
  }
  const digest = createHash('sha256')
  const drops: string[][] = Array.from({ length: size }, () => [])
  for (const [i, u] of users.entries()) {
    u.events$.subscribe((e) => {
      init.trace?.(i, e, net.clock.now())
      digest.update(`${i}:${net.clock.now()}:${e.type};`)
      if (e.type === 'error' && e.error instanceof WakeupLoopError && report.wakeupLoops.length < 20) report.wakeupLoops.push(`p${i}: ${e.error.message}`)
      if (e.type === 'fork-healed') report.events.forkHealed++
      if (e.type === 'rejoined') report.events.rejoined++
      if (e.type === 'stranded') report.events.stranded++
      if (e.type === 'mode-change' && e.mode === 'recovery') report.events.recovery++
      noteDrop(drops[i]!, e)
    })
  }
  const conv = (i: number) => users[i]!.conversation(id)?.conversation
  const all = [...Array(size).keys()]
  const forks = () => forksAmong(conv, all)
  const settled = () => settledAmong(conv, all, size)
  await users[0]!.createConversation(id, { admission: 'open' })
  // As a person would: a join that timed out is asked again.
  const joins: Promise<unknown>[] = []
  const joinUntilIn = async (i: number, until: number): Promise<void> => {
    while (users[i]!.conversation(id) === undefined && net.clock.now() < until) {
      await users[i]!.join(id, { timeoutMs: 60_000 }).catch((err: Error) => report.detail.push(`join p${i} at ${net.clock.now()} ms: ${err.name} ${err.message.slice(0, 80)}`))
    }
  }
  for (let i = 1; i < size; i++) {
    joins.push(joinUntilIn(i, net.clock.now() + settleMs))
    if (i < size - 1) await net.advance(gapMs)
  }
  const lastAnnounce = net.clock.now()
  try {
    await net.runUntil(settled, { maxMs: settleMs })
    report.formedAfterLastMs = net.clock.now() - lastAnnounce
  } catch {
    report.forks = forks()
    report.outcome = report.forks.length > 0 ? 'forked' : 'stalled'
    report.detail.push(...describe())
  }
  for (const i of all) {
    const c = conv(i)
    digest.update(c ? `${i}@${c.epoch()}:${hex(c.epochAuthenticator())};` : `${i}@-;`)
    for (const [kind, v] of Object.entries(c?.sentByKind() ?? {})) report.sent[kind] = (report.sent[kind] ?? 0) + v.count
  }
  report.delivered = net.stats().total.delivered
  report.fingerprint = digest.digest('hex').slice(0, 16)
  for (const u of users) await u.stop()
  await Promise.allSettled(joins)
  return report

  function describe(): string[] {
    return users.map((_, i) => memberLine(conv, i, '', drops[i]!))
  }
}
