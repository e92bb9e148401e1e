// The child process of `member-replay.ts`: resume each recorded member from
// its saved state and drive its sans-I/O core with the recorded packets at
// their virtual times, a cold replay and then warm ones from the same
// state; print the results as one JSON line. `measureMember` is exported
// for the test that pins the replay to the run (test/unit/member-replay.test.ts).
import { aggregatedConsensus } from './aggregated.js'
import { readFileSync } from 'node:fs'
import { toHex } from '@demls/wire'
import { Conversation, defaultPlugins } from '../src/index.js'
import type { ReplayRecord, ReplayResult } from './member-replay.js'
import { cpuNow, gcPauses } from './scale-cpu.js'
import { voterKey } from './scale-votes.js'

/** A timer that stays due after it ran this many times at one instant is a bug in the replay (or the core). */
const MAX_POLLS_AT_ONCE = 1000

/** One replay of one member. */
interface Replayed {
  cpuMs: number
  restoreCpuMs: number
  sent: number
  conv: Conversation
}

/** Resume the member from its saved state and feed it the recorded packets; `cpuMs` is the feeding alone. */
async function replay(rec: ReplayRecord): Promise<Replayed> {
  const plugins = await defaultPlugins(voterKey(rec.keyIndex), rec.consensus === 'aggregated' ? { consensus: aggregatedConsensus(voterKey(rec.keyIndex)) } : {})
  const r0 = cpuNow()
  const conv = await Conversation.restore({ conversationId: rec.conversationId, plugins, state: Buffer.from(rec.state, 'base64'), now: rec.startAt })
  const restoreCpuMs = cpuNow() - r0
  const packets = rec.packets.map((p) => ({ t: p.t, subtopic: p.subtopic, payload: new Uint8Array(Buffer.from(p.payload, 'base64')) }))
  let sent = 0
  const drain = () => {
    sent += conv.drainOutbound().length
    conv.drainEvents()
  }
  drain()
  // Run every timer due by `t`, as the member's User would on its clock.
  const runTimers = async (t: number) => {
    let last: number | undefined
    let repeats = 0
    for (;;) {
      const wake = conv.nextWakeupAt()
      if (wake === undefined || wake > t) return
      repeats = wake === last ? repeats + 1 : 0
      if (repeats > MAX_POLLS_AT_ONCE) throw new Error(`a timer at ${wake} stays due`)
      last = wake
      await conv.poll(Math.max(wake, rec.startAt))
      drain()
    }
  }
  const c0 = cpuNow()
  for (const p of packets) {
    await runTimers(p.t)
    await conv.receive({ subtopic: p.subtopic, payload: p.payload }, p.t)
    drain()
  }
  await runTimers(rec.endAt)
  return { cpuMs: cpuNow() - c0, restoreCpuMs, sent, conv }
}

/**
 * The replay must end where the member ended in the run. A committer's
 * replay makes its own commit, with fresh path secrets, so only its epoch
 * and member count can match; every other member's epoch authenticator
 * must match too (it merged the commit the run's committer sent).
 */
function check(rec: ReplayRecord, conv: Conversation): void {
  const got = { epoch: conv.epoch().toString(), authenticator: toHex(conv.epochAuthenticator()), members: conv.members().length }
  const want = rec.expected
  const sameKey = rec.role === 'epoch-steward' || got.authenticator === want.authenticator
  if (got.epoch !== want.epoch || !sameKey || got.members !== want.members) {
    throw new Error(`replay of member ${rec.keyIndex} (${rec.role}) ended at ${JSON.stringify(got)}, the run at ${JSON.stringify(want)}`)
  }
}

/**
 * Replay one member: once cold, then `rounds` more times from the same
 * state; the JIT keeps tiering up over the first few, so the median of the
 * last half is reported (a member's long-lived process runs warm code).
 * Throws when any replay ends elsewhere than the run ({@link check}).
 */
export async function measureMember(rec: ReplayRecord, rounds: number): Promise<ReplayResult> {
  if (!(rounds >= 1)) throw new Error('at least one warm replay is needed')
  const cold = await replay(rec)
  check(rec, cold.conv)
  const warm: Replayed[] = []
  const gc: number[] = []
  const pauses = gcPauses()
  try {
    for (let r = 0; r < rounds; r++) {
      const g0 = await pauses.read()
      const one = await replay(rec)
      check(rec, one.conv)
      warm.push(one)
      gc.push((await pauses.read()) - g0)
    }
  } finally {
    pauses.stop()
  }
  if (process.env.LARGE_REPLAY_DEBUG) console.error(rec.role, warm.map((w) => w.cpuMs.toFixed(0)).join(' '))
  const lastHalf = [...warm.keys()].slice(Math.floor(rounds / 2)).sort((a, b) => (warm[a] as Replayed).cpuMs - (warm[b] as Replayed).cpuMs)
  const k = lastHalf[Math.floor(lastHalf.length / 2)] as number
  const median = warm[k] as Replayed
  return {
    role: rec.role,
    packets: rec.packets.length,
    coldCpuMs: cold.cpuMs,
    cpuMs: median.cpuMs,
    gcMs: gc[k] as number,
    restoreCpuMs: median.restoreCpuMs,
    sent: median.sent,
    publishedInRun: rec.expected.published,
    heapMb: process.memoryUsage().heapUsed / 1e6,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // LARGE_REPLAY_ROUNDS: warm replays per member after the cold one.
  const rounds = Number(process.env.LARGE_REPLAY_ROUNDS ?? 20)
  const records = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as ReplayRecord[]
  const results: ReplayResult[] = []
  for (const rec of records) results.push(await measureMember(rec, rounds))
  console.log(JSON.stringify(results))
}
