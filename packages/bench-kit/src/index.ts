/**
 * Internal benchmark helpers: measure an operation, compare it with a
 * baseline measured in the same run, and write the package's results to
 * `docs/bench/<package>.json` (rendered into `docs/benchmarks.md` by the
 * root `pnpm bench`).
 *
 * @packageDocumentation
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'

/** One measured operation. Times are per operation. */
export interface Measurement {
  name: string
  /** Operations per second (1000 / meanMs). */
  opsPerSec: number
  meanMs: number
  p50Ms: number
  p99Ms: number
  samples: number
  /** Free-form parameters (group size, payload size, …). */
  params?: Record<string, string | number>
}

/** A ratio between two measurements of the same run. */
export interface Comparison {
  name: string
  subject: string
  baseline: string
  /** subject time / baseline time (lower is better for the subject). */
  ratio: number
  /** The target stated by the issue, e.g. "≤ 3×". */
  target?: string
  /** Whether the target is met, when a target is given. */
  met?: boolean
}

export interface MeasureOptions {
  /** Keep sampling at least this long. @default 300 */
  minTimeMs?: number
  /** @default 5 */
  minSamples?: number
  /** @default 10_000 */
  maxSamples?: number
  /** Untimed runs before sampling. @default 2 */
  warmup?: number
  params?: Record<string, string | number>
}

/** Time `fn` repeatedly and summarise. `fn` may be async. */
export async function measure(
  name: string,
  fn: () => unknown,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const { minTimeMs = 300, minSamples = 5, maxSamples = 10_000, warmup = 2 } = options
  for (let i = 0; i < warmup; i++) await fn()
  const times: number[] = []
  const start = performance.now()
  while (
    times.length < maxSamples &&
    (times.length < minSamples || performance.now() - start < minTimeMs)
  ) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  return summarise(name, times, options.params)
}

/** Summarise externally collected per-operation times (ms). */
export function summarise(
  name: string,
  times: number[],
  params?: Record<string, string | number>,
): Measurement {
  const sorted = [...times].sort((a, b) => a - b)
  const mean = sorted.reduce((s, t) => s + t, 0) / Math.max(1, sorted.length)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  const m: Measurement = {
    name,
    opsPerSec: mean > 0 ? 1000 / mean : 0,
    meanMs: mean,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    samples: sorted.length,
  }
  if (params) m.params = params
  return m
}

/** Per-operation figures from samples that each ran `batch` operations. */
export function perOperation(m: Measurement, batch: number): Measurement {
  return { ...m, opsPerSec: m.opsPerSec * batch, meanMs: m.meanMs / batch, p50Ms: m.p50Ms / batch, p99Ms: m.p99Ms / batch }
}

/** One subject of {@link measureInterleaved}: `fn` runs one operation; a sample runs `batch` of them. */
export interface InterleavedSubject {
  name: string
  batch: number
  fn: () => void
}

/**
 * Time several synchronous subjects in round-robin batches (one batch of
 * each per round) for at least `minTimeMs` and `minSamples` rounds, so every
 * subject sees the same machine load; returns per-operation figures in the
 * subjects' order. Ratios between them are what to report on a shared box.
 */
export function measureInterleaved(
  subjects: readonly InterleavedSubject[],
  options: { minTimeMs?: number; minSamples?: number; warmup?: number } = {},
): Measurement[] {
  const { minTimeMs = 5000, minSamples = 20, warmup = 3 } = options
  const times = subjects.map(() => [] as number[])
  const run = (k: number): number => {
    const { batch, fn } = subjects[k]!
    const t = performance.now()
    for (let b = 0; b < batch; b++) fn()
    return performance.now() - t
  }
  for (let w = 0; w < warmup; w++) for (let k = 0; k < subjects.length; k++) run(k)
  const start = performance.now()
  while (performance.now() - start < minTimeMs || (times[0]?.length ?? minSamples) < minSamples) {
    for (let k = 0; k < subjects.length; k++) times[k]!.push(run(k))
  }
  return subjects.map(({ name, batch }, k) => perOperation(summarise(name, times[k]!, { batch }), batch))
}

/**
 * Compare two measurements by mean time (or, with `stat: 'median'`, by
 * their medians: for a few samples of a noisy operation). `target` is a
 * maximum ratio (e.g. `3` for "within 3× the baseline").
 *
 * @example
 * ```ts
 * import { compare, summarise } from '@demls-dev/bench-kit'
 * const ours = summarise('ours', [12, 10, 30])
 * const raw = summarise('raw', [5, 4, 5])
 * compare('ours vs raw', ours, raw, 3, { stat: 'median' }) // ratio 12 / 5 = 2.4, met
 * ```
 */
export function compare(
  name: string,
  subject: Measurement,
  baseline: Measurement,
  target?: number,
  options: { stat?: 'mean' | 'median' } = {},
): Comparison {
  const pick = (m: Measurement) => (options.stat === 'median' ? m.p50Ms : m.meanMs)
  const ratio = pick(subject) / pick(baseline)
  const c: Comparison = { name, subject: subject.name, baseline: baseline.name, ratio }
  if (target !== undefined) {
    c.target = `≤ ${target}×`
    c.met = ratio <= target
  }
  return c
}

/**
 * A measured value against a fixed limit an issue states (a time, a count):
 * ratio = measured / limit, met when the value is at most the limit.
 * `subject` describes the measured value (default: the value and its unit).
 */
export function compareToLimit(name: string, measured: number, limit: number, unit: string, subject = `${measured.toFixed(1)} ${unit}`): Comparison {
  return { name, subject, baseline: `${limit} ${unit} (target)`, ratio: measured / limit, target: '≤ 1×', met: measured <= limit }
}

/** Everything one package's benchmark run reports. */
export interface BenchReport {
  /** Package name, e.g. `@demls/wire`. */
  package: string
  title: string
  measurements: Measurement[]
  comparisons: Comparison[]
  notes?: string[]
}

function repoRoot(): string {
  let dir = process.cwd()
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir)
    if (up === dir) return process.cwd()
    dir = up
  }
  return dir
}

/**
 * Write the report to `docs/bench/<package>.json` (or to the directory in
 * `DEMLS_BENCH_OUT`, as `pnpm bench:node` does for each Node version) and
 * print a table.
 */
export function writeReport(report: BenchReport): string {
  const root = repoRoot()
  const outDir = resolve(root, process.env.DEMLS_BENCH_OUT ?? join('docs', 'bench'))
  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, `${report.package.replace(/^@/, '').replace(/\//g, '-')}.json`)
  const machine = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    date: new Date().toISOString(),
  }
  writeFileSync(file, `${JSON.stringify({ ...report, machine }, null, 2)}\n`)
  console.table(
    report.measurements.map((m) => ({
      name: m.name,
      'ops/s': m.opsPerSec.toFixed(1),
      'mean ms': m.meanMs.toFixed(3),
      'p99 ms': m.p99Ms.toFixed(3),
      n: m.samples,
    })),
  )
  console.table(
    report.comparisons.map((c) => ({
      name: c.name,
      ratio: c.ratio.toFixed(2),
      target: c.target ?? '',
      met: c.met === undefined ? '' : c.met ? 'yes' : 'NO',
    })),
  )
  return file
}

/**
 * A seeded pseudo-random generator (mulberry32), uniform in [0, 1): the
 * reproducible draws of the benchmarks, the fault and crash tests and the
 * fuzzers (a failing run replays from its seed).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
