// Seeded churn runs on the memory network (issue 56): 12 members, invite
// admission, then 5 min of faults while two invited members join, one is
// removed by explicit votes, one leaves and chat flows; 20 min to settle.
// Prints one line per failed seed and a summary row per timing. Every random
// draw is seeded and the clock is virtual: a seed repeats exactly (its
// fingerprint says so), so a failing seed can be traced again alone.
// Run: pnpm --filter @demls/session faults:churn
//   SEEDS=1-40  TIMINGS=default,fast  LOSS=0.2  CHURN_SIZE=12  CHURN_DETAIL=1 (member lines of failed runs)
//   CHURN_CONSENSUS=aggregated: the @demls/bls plug-in (votes to the stewards, one proof to all)
//   CHURN_TRACE=file: every member event of every run, with its virtual time (trace one seed)
import { appendFileSync, writeFileSync } from 'node:fs'
import { type ChurnRunReport, churnRun } from '../test/scenarios/churn-run.js'

const traceFile = process.env.CHURN_TRACE
if (traceFile) writeFileSync(traceFile, '')
const shown = (_: string, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex').slice(0, 8) : typeof v === 'bigint' ? Number(v) : v)

const [from, to] = (process.env.SEEDS ?? '1-20').split('-').map(Number) as [number, number]
const timings = (process.env.TIMINGS ?? 'default,fast').split(',') as Array<'default' | 'fast'>
const loss = Number(process.env.LOSS ?? 0.2)
const size = Number(process.env.CHURN_SIZE ?? 12)
const consensus = process.env.CHURN_CONSENSUS === 'aggregated' ? 'aggregated' : 'default'
for (const timing of timings) {
  const reports: ChurnRunReport[] = []
  const started = Date.now()
  for (let seed = from; seed <= (Number.isFinite(to) ? to : from); seed++) {
    let lines: string[] = []
    const trace = traceFile
      ? (i: number, e: { type: string }, now: number) => {
          lines.push(`${now} p${i} ${JSON.stringify(e, shown).slice(0, Number(process.env.CHURN_TRACE_CHARS ?? 400))}`)
          if (lines.length >= 1_000) {
            appendFileSync(traceFile, `${lines.join('\n')}\n`)
            lines = []
          }
        }
      : undefined
    const r = await churnRun({ seed, loss, timing, size, consensus, ...(trace ? { trace } : {}) })
    if (traceFile) appendFileSync(traceFile, `${lines.join('\n')}\nseed ${seed} ${timing}: ${r.outcome} (run ${r.fingerprint})\n`)
    reports.push(r)
    for (const loop of r.wakeupLoops) console.log(`seed ${seed} ${timing} loss ${loss}: wake-up loop ${loop}`)
    if (r.outcome !== 'converged') {
      console.log(`seed ${seed} ${timing} loss ${loss}: ${r.outcome} ${r.forks.join('; ')} (run ${r.fingerprint})`)
      if (process.env.CHURN_DETAIL) for (const d of r.detail) console.log(`  ${d}`)
    }
  }
  const count = (o: ChurnRunReport['outcome']) => reports.filter((r) => r.outcome === o).length
  const settle = reports.flatMap((r) => (r.settledAfterMs === undefined ? [] : [r.settledAfterMs])).sort((a, b) => a - b)
  const bad = reports.filter((r) => r.outcome !== 'converged').map((r) => `${r.seed}:${r.outcome}`)
  const looped = reports.filter((r) => r.wakeupLoops.length > 0).map((r) => r.seed)
  console.log(`${timing}: runs with a wake-up loop (WakeupLoopError) ${looped.length}${looped.length > 0 ? ` (seeds ${looped.join(' ')})` : ''}`)
  if (consensus === 'aggregated') {
    const sum = (k: 'proofsTaken' | 'fallbacks' | 'proofsRefused' | 'conflicts') => reports.reduce((n, r) => n + (r.aggregate?.[k] ?? 0), 0)
    console.log(`aggregated ${timing}: outcomes taken from proofs ${sum('proofsTaken')}, broadcast fallbacks ${sum('fallbacks')}, proofs refused ${sum('proofsRefused')}, conflicts ${sum('conflicts')} (summed over the members at the end of every run)`)
  }
  console.log(
    `| ${timing}${consensus === 'aggregated' ? ' [aggregated]' : ''} | ${loss * 100} % | ${reports.length} | ${count('converged')} | ${count('forked')} | ${count('stalled')} | ${count('setup-failed')} | ${((settle[Math.floor(settle.length / 2)] ?? 0) / 1000).toFixed(0)} / ${((settle.at(-1) ?? 0) / 1000).toFixed(0)} | ${bad.join(' ') || '—'} | ${((Date.now() - started) / 1000).toFixed(0)} s |`,
  )
}
process.exit(0)
