// Per-member cost model for large groups (issue 18): measures, in one run
// and at several group sizes N, each operation a member pays per
// membership change (MLS decrypt of a vote, vote validation, receiveVote,
// the vote binding, the proposal, our own vote, the candidate's
// authentication and the commit), fits how each scales with N, and models
// the CPU per member per change at 1,000 and 10,000 members. An end-to-end
// run of the whole protocol at small n checks the model (what it leaves out).
// Writes docs/scale.md and docs/scale.json.
//
//   pnpm --filter @demls/session bench:scale               # N = 25, 50, 100, 200; end to end at 25 and 50
//   BENCH_FULL=1 pnpm --filter @demls/session bench:scale  # N up to 1,000
//   SCALE_ADD=10000 …                                      # add N = 10,000 to the saved rows
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { signatureBackend } from '@demls/consensus'
import { type EndToEnd, endToEndAt } from './scale-e2e.js'
import { type Row, measureRow } from './scale-model.js'
import { ownProcessOf, renderScale } from './scale-report.js'

const FULL = process.env.BENCH_FULL !== undefined
const SIZES = (process.env.SCALE_SIZES ?? (FULL ? '25,50,100,200,500,1000' : '25,50,100,200')).split(',').map(Number)
const E2E = (process.env.SCALE_E2E ?? '25,50').split(',').filter(Boolean).map(Number)
const OUT = fileURLToPath(new URL('../../../docs/', import.meta.url))

// SCALE_RENDER_ONLY=1 re-renders docs/scale.md from docs/scale.json (e.g. after a new MLS memory run), measuring nothing;
// SCALE_E2E_ONLY=1 keeps its per-operation rows and measures the end-to-end check again (after a change to the session only).
// SCALE_ADD=10000 measures the per-operation rows at those sizes too and adds them to the saved ones (end to end kept).
const E2E_ONLY = process.env.SCALE_E2E_ONLY !== undefined
const ADD = (process.env.SCALE_ADD ?? '').split(',').filter(Boolean).map(Number)
const saved = process.env.SCALE_RENDER_ONLY || E2E_ONLY || ADD.length > 0 ? JSON.parse(readFileSync(`${OUT}scale.json`, 'utf8')) : undefined
const rows: Row[] = (saved?.rows ?? []).filter((r: Row) => !ADD.includes(r.n))
const e2e: EndToEnd[] = E2E_ONLY ? [] : (saved?.e2e ?? [])
for (const n of ADD.length > 0 ? ADD : saved ? [] : SIZES) {
  const row = await measureRow(n, (step) => console.error(`[scale] N=${n}: ${step}`))
  rows.push(row)
  console.error(`[scale] N=${n}`, JSON.stringify({ votes: row.votes, mls: row.mls }))
}
rows.sort((a, b) => a.n - b.n)
for (const n of saved && !E2E_ONLY ? [] : E2E) {
  console.error(`[scale] end to end at n=${n}`)
  e2e.push(await endToEndAt(n))
  console.error(`[scale] end to end`, JSON.stringify(e2e.at(-1)))
}
const now = new Date().toISOString()
const machine = saved?.machine ?? { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, date: now, backend: signatureBackend() }
if (E2E_ONLY) machine.e2eDate = now
if (ADD.length > 0) machine.addedDate = `${ADD.join(', ')} measured on ${now}`
mkdirSync(OUT, { recursive: true })
writeFileSync(`${OUT}scale.json`, `${JSON.stringify({ machine, rows, e2e }, null, 2)}\n`)
// The MLS memory bench measures commit processing at 1,000 to 10,000 directly (a separate run): the model's cross-check.
const readReport = (name: string) => (existsSync(`${OUT}bench/${name}.json`) ? JSON.parse(readFileSync(`${OUT}bench/${name}.json`, 'utf8')) : undefined)
const memory = readReport('demls-mls-memory')
// bench:large replays one member in a process of its own (the 1,000-member run writes its own report): the model's calibration.
const own = ['demls-session-large', 'demls-session-large-1000'].map(readReport).filter((r) => r !== undefined).flatMap(ownProcessOf)
writeFileSync(`${OUT}scale.md`, renderScale(rows, e2e, machine, memory, own))
console.log(`wrote ${OUT}scale.md`)
