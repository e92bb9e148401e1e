// ts-mls's own memory and per-commit CPU at large N (issue 18), through
// the @demls/mls wrapper: one child process per group size runs
// `bench/memory-group.ts` (creator adds N-1 key packages in batches, two
// real members join and process one add and one remove commit at N).
// Sizes: 200 by default; BENCH_FULL=1 runs 1,000, 5,000 and 10,000
// (MEMORY_SIZES=… overrides both). A size that fails is reported as failed.
// Writes docs/bench/demls-mls-memory.json.
//
//   pnpm --filter @demls/mls bench:memory
//   BENCH_FULL=1 pnpm --filter @demls/mls bench:memory
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Comparison, type Measurement, compare, summarise, writeReport } from '@demls-dev/bench-kit'

const SIZES = (process.env.MEMORY_SIZES ?? (process.env.BENCH_FULL ? '1000,5000,10000' : '200')).split(',').map(Number)
const HEAP_MB = Number(process.env.MEMORY_HEAP_MB ?? 16384)
const TIMEOUT_MS = Number(process.env.MEMORY_TIMEOUT_MS ?? 3_600_000)
const CHILD = fileURLToPath(new URL('./memory-group.ts', import.meta.url))

interface Mem {
  heapUsedMB: number
  rssMB: number
  externalMB: number
}
interface Result {
  n: number
  batch: number
  baseline: Mem
  formed: Mem
  afterRounds: Mem
  creatorOnly: Mem
  formation: { cpuMs: number; wallMs: number; commits: number; keyPackageCpuMs: number; lastBatchWelcomeBytes: number; lastBatchJoinCpuMs: number }
  exportedStateBytes: { creator: number; member: number }
  rounds: Record<string, number>[]
  peakRssMB: number
}

/** Run one size in a child process; resolves with its result or the reason it failed. */
function runSize(n: number): Promise<Result | { failed: string }> {
  const flags = ['--expose-gc', `--max-old-space-size=${HEAP_MB}`, ...(process.env.MEMORY_STACK_SIZE ? [`--stack-size=${process.env.MEMORY_STACK_SIZE}`] : [])]
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', CHILD, String(n)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000)
      process.stderr.write(d)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const line = out.trim().split('\n').at(-1)
      if (code === 0 && line?.startsWith('{')) return resolve(JSON.parse(line) as Result)
      const tail = err.trim().split('\n').slice(-3).join(' | ')
      const why = signal === 'SIGKILL' ? ` (killed: timeout ${TIMEOUT_MS} ms or out of memory)` : signal === 'SIGTERM' ? ' (stopped by hand before it finished)' : ''
      resolve({ failed: `exit ${code ?? signal}${why}: ${tail}` })
    })
  })
}

const measurements: Measurement[] = []
const comparisons: Comparison[] = []
const notes: string[] = [
  'One child process per N (`--expose-gc`, heap limit ' + `${HEAP_MB} MB). The creator (@demls/mls) adds N-1 members in batches, one add-only commit per batch (no update path); ` +
    'members are key packages only, except two real @demls/mls clients in the last batch, which join from its Welcome and then process every commit made at N.',
  'At N, each round: the creator commits one add (a fresh joiner, who then joins from the Welcome) and then a remove of that joiner; CPU is process CPU (user + system) around the call, creator side = build + merge, member side = stage + merge. ' +
    'A remove needs an update path: the creator encrypts a path secret to the resolution of each copath node, and in a tree that only the creator ever committed in every other parent node is blank, so that is one HPKE encryption per other member.',
  'Heap is heapUsed after two forced GCs. "formed" = creator + 2 members right after formation; "members" = the drop in heap when the 2 member states are released after the rounds.',
]
const results: Result[] = []
const pick = (r: Result, k: string) => r.rounds.map((x) => x[k]!)
const mb = (x: number) => `${x.toFixed(1)} MB`
const kb = (x: number) => `${(x / 1024).toFixed(1)} KB`
for (const n of SIZES) {
  console.error(`[mls memory] N=${n}`)
  const r = await runSize(n)
  if ('failed' in r) {
    notes.push(`N=${n}: FAILED — ${r.failed}`)
    comparisons.push({ name: `N=${n}: completed`, subject: 'failed', baseline: 'completed (target)', ratio: Number.NaN, target: 'completes', met: false })
    continue
  }
  results.push(r)
  const p = { N: n }
  measurements.push(
    summarise(`add commit, creator builds + merges (CPU, N=${n})`, pick(r, 'addCreatorCpuMs'), p),
    summarise(`add commit, member stages + merges (CPU, N=${n})`, pick(r, 'addMemberCpuMs'), p),
    summarise(`remove commit, creator builds + merges (CPU, N=${n})`, pick(r, 'removeCreatorCpuMs'), p),
    summarise(`remove commit, member stages + merges (CPU, N=${n})`, pick(r, 'removeMemberCpuMs'), p),
    summarise(`join from a one-add Welcome (CPU, N=${n})`, pick(r, 'joinCpuMs'), p),
    summarise(`formation: one commit of up to ${r.batch} adds (CPU, N=${n})`, [r.formation.cpuMs / r.formation.commits], { ...p, commits: r.formation.commits }),
  )
  const [, , removeCreator] = measurements.slice(-6)
  comparisons.push(compare(`remove vs add commit, creator (N=${n})`, removeCreator!, measurements.at(-6)!))
  const membersMB = r.afterRounds.heapUsedMB - r.creatorOnly.heapUsedMB
  notes.push(
    `N=${n}: heap ${mb(r.formed.heapUsedMB)} after formation (baseline ${mb(r.baseline.heapUsedMB)}), RSS ${mb(r.formed.rssMB)}, peak RSS ${mb(r.peakRssMB)}; ` +
      `2 member states ${mb(membersMB)} of heap (${((membersMB * 2 ** 20) / 2 / n).toFixed(0)} B per leaf each); creator alone after the rounds ${mb(r.creatorOnly.heapUsedMB - r.baseline.heapUsedMB)} over baseline. ` +
      `Exported state: creator ${kb(r.exportedStateBytes.creator)}, member ${kb(r.exportedStateBytes.member)}.`,
  )
  notes.push(
    `N=${n}: Welcome of the last formation batch ${kb(r.formation.lastBatchWelcomeBytes)} (a real member joined from it in ${r.formation.lastBatchJoinCpuMs.toFixed(0)} ms CPU); ` +
      `Welcome of one add ${kb(pick(r, 'addWelcomeBytes')[0]!)}; add commit + proposal ${kb(pick(r, 'addMessageBytes')[0]!)}; remove commit + proposal ${kb(pick(r, 'removeMessageBytes')[0]!)}; ` +
      `formation ${r.formation.commits} commits, ${(r.formation.cpuMs / 1000).toFixed(1)} s CPU (+ ${(r.formation.keyPackageCpuMs / 1000).toFixed(1)} s generating key packages).`,
  )
}
// How each operation scales: the largest N against the smallest, same run.
if (results.length > 1) {
  const [lo, hi] = [results[0]!.n, results.at(-1)!.n]
  for (const op of ['add commit, creator builds + merges', 'add commit, member stages + merges', 'remove commit, creator builds + merges', 'remove commit, member stages + merges', 'join from a one-add Welcome']) {
    const a = measurements.find((m) => m.name === `${op} (CPU, N=${hi})`)
    const b = measurements.find((m) => m.name === `${op} (CPU, N=${lo})`)
    if (a && b) comparisons.push(compare(`${op}: N=${hi} vs N=${lo} (N ×${hi / lo})`, a, b))
  }
}
writeReport({ package: '@demls/mls-memory', title: 'ts-mls memory and commit CPU at large N (through @demls/mls)', measurements, comparisons, notes })
for (const n of notes) console.log(n)
