// Seeded churn runs on the memory network (issue 56): 12 members, invite
// admission, then 5 min of faults while two invited members join, one is
// removed by explicit votes, one leaves and chat flows; 20 min to settle.
// Prints one line per failed seed and a summary row per timing.
// Run: pnpm --filter @demls/session faults:churn
//   SEEDS=1-40  TIMINGS=default,fast  LOSS=0.2  CHURN_SIZE=12  CHURN_DETAIL=1 (member lines of failed runs)
import { type ChurnRunReport, churnRun } from '../test/scenarios/churn-run.js'

const [from, to] = (process.env.SEEDS ?? '1-20').split('-').map(Number) as [number, number]
const timings = (process.env.TIMINGS ?? 'default,fast').split(',') as Array<'default' | 'fast'>
const loss = Number(process.env.LOSS ?? 0.2)
const size = Number(process.env.CHURN_SIZE ?? 12)
for (const timing of timings) {
  const reports: ChurnRunReport[] = []
  const started = Date.now()
  for (let seed = from; seed <= (Number.isFinite(to) ? to : from); seed++) {
    const r = await churnRun({ seed, loss, timing, size })
    reports.push(r)
    if (r.outcome !== 'converged') {
      console.log(`seed ${seed} ${timing} loss ${loss}: ${r.outcome} ${r.forks.join('; ')}`)
      if (process.env.CHURN_DETAIL) for (const d of r.detail) console.log(`  ${d}`)
    }
  }
  const count = (o: ChurnRunReport['outcome']) => reports.filter((r) => r.outcome === o).length
  const settle = reports.flatMap((r) => (r.settledAfterMs === undefined ? [] : [r.settledAfterMs])).sort((a, b) => a - b)
  const bad = reports.filter((r) => r.outcome !== 'converged').map((r) => `${r.seed}:${r.outcome}`)
  console.log(
    `| ${timing} | ${loss * 100} % | ${reports.length} | ${count('converged')} | ${count('forked')} | ${count('stalled')} | ${count('setup-failed')} | ${((settle[Math.floor(settle.length / 2)] ?? 0) / 1000).toFixed(0)} / ${((settle.at(-1) ?? 0) / 1000).toFixed(0)} | ${bad.join(' ') || '—'} | ${((Date.now() - started) / 1000).toFixed(0)} s |`,
  )
}
process.exit(0)
