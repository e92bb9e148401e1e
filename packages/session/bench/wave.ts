// Seeded wave runs on the memory network (issue 56): the real-network soak's
// staggered phase without its CPU. 30 members on LAN_TIMING, open admission,
// announced 1 s apart, over a network with 5 ms of latency and up to
// `JITTER` ms of jitter per delivery; 3 min to be one group. Prints one line
// per failed seed and a summary row. A seed repeats exactly (its fingerprint
// says so), so a failing one can be traced alone.
// Run: pnpm --filter @demls/session faults:wave
//   SEEDS=1-20  JITTER=1500  WAVE_SIZE=30  WAVE_GAP=1000  WAVE_DETAIL=1 (member lines of failed runs)
//   WAVE_TRACE=file: every member event of every run, with its virtual time (trace one seed)
import { appendFileSync, writeFileSync } from 'node:fs'
import { type WaveRunReport, waveRun } from '../test/scenarios/wave-run.js'

const traceFile = process.env.WAVE_TRACE
if (traceFile) writeFileSync(traceFile, '')
const shown = (_: string, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex').slice(0, 8) : typeof v === 'bigint' ? Number(v) : v)

const [from, to] = (process.env.SEEDS ?? '1-10').split('-').map(Number) as [number, number]
const jitterMs = Number(process.env.JITTER ?? 1_500)
const size = Number(process.env.WAVE_SIZE ?? 30)
const gapMs = Number(process.env.WAVE_GAP ?? 1_000)
const reports: WaveRunReport[] = []
const started = Date.now()
for (let seed = from; seed <= (Number.isFinite(to) ? to : from); seed++) {
  let lines: string[] = []
  const trace = traceFile
    ? (i: number, e: { type: string }, now: number) => {
        lines.push(`${now} p${i} ${JSON.stringify(e, shown).slice(0, Number(process.env.WAVE_TRACE_CHARS ?? 400))}`)
        if (lines.length >= 1_000) {
          appendFileSync(traceFile, `${lines.join('\n')}\n`)
          lines = []
        }
      }
    : undefined
  const r = await waveRun({ seed, jitterMs, size, gapMs, ...(trace ? { trace } : {}) })
  if (traceFile) appendFileSync(traceFile, `${lines.join('\n')}\nseed ${seed}: ${r.outcome} (run ${r.fingerprint})\n`)
  reports.push(r)
  for (const loop of r.wakeupLoops) console.log(`seed ${seed}: wake-up loop ${loop}`)
  const ev = r.events
  console.log(
    `seed ${seed} jitter ${jitterMs}: ${r.outcome}${r.formedAfterLastMs === undefined ? '' : ` ${(r.formedAfterLastMs / 1000).toFixed(1)} s after the last`} healed ${ev.forkHealed} rejoined ${ev.rejoined} stranded ${ev.stranded} recovery ${ev.recovery}; delivered ${r.delivered}; commit requests ${r.sent['plain:control:commitRequest'] ?? 0}, replays ${r.sent['plain:control:commitReplay'] ?? 0}, proposal requests ${r.sent['plain:control:proposalRequest'] ?? 0}, proposals ${r.sent.proposal ?? 0}, votes ${r.sent.vote ?? 0} (run ${r.fingerprint})`,
  )
  if (r.outcome !== 'converged') {
    console.log(`  ${r.forks.join('; ')}`)
    if (process.env.WAVE_DETAIL) for (const d of r.detail) console.log(`  ${d}`)
  }
}
const count = (o: WaveRunReport['outcome']) => reports.filter((r) => r.outcome === o).length
const formed = reports.flatMap((r) => (r.formedAfterLastMs === undefined ? [] : [r.formedAfterLastMs])).sort((a, b) => a - b)
const bad = reports.filter((r) => r.outcome !== 'converged').map((r) => `${r.seed}:${r.outcome}`)
const mean = (f: (r: WaveRunReport) => number) => (reports.reduce((n, r) => n + f(r), 0) / Math.max(1, reports.length)).toFixed(0)
console.log(
  `| ${jitterMs} ms | ${reports.length} | ${count('converged')} | ${count('forked')} | ${count('stalled')} | ${((formed[Math.floor(formed.length / 2)] ?? 0) / 1000).toFixed(1)} / ${((formed.at(-1) ?? 0) / 1000).toFixed(1)} | ${mean((r) => r.delivered)} | ${mean((r) => r.sent['plain:control:commitRequest'] ?? 0)} | ${mean((r) => r.sent['plain:control:commitReplay'] ?? 0)} | ${mean((r) => r.sent['plain:control:proposalRequest'] ?? 0)} | ${bad.join(' ') || '—'} | ${((Date.now() - started) / 1000).toFixed(0)} s |`,
)
console.log(`proposals and votes sent, means per run: ${mean((r) => r.sent.proposal ?? 0)} proposals, ${mean((r) => r.sent.vote ?? 0)} votes`)
process.exit(0)
