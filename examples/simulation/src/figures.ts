/**
 * The figures of a run, as `[label, value]` text pairs: the CLI prints
 * them and the HTML report shows the same pairs, so the two always agree
 * (the test checks it).
 */
import { STILL_JOINING } from './record.js'
import type { SimulationResult } from './simulate.js'

/** One figure: a label and its value, both as printed. */
export type Figure = readonly [label: string, value: string]

/** The `p` quantile (0–1) of sorted `xs`, nearest rank; `undefined` when empty. */
export function quantile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]
}

/** Join latencies (ms) of the joins that completed, sorted. */
export function joinLatencies(r: SimulationResult): number[] {
  return r.recording.joins
    .filter((j) => j.endT !== undefined && j.error === undefined)
    .map((j) => j.endT! - j.startT)
    .sort((a, b) => a - b)
}

const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`)

/** The figures of `r`, in print order. */
export function figures(r: SimulationResult): Figure[] {
  const { joins, commits, forkHeals, samples } = r.recording
  const lat = joinLatencies(r)
  const failed = joins.filter((j) => j.error !== undefined && j.error !== STILL_JOINING).length
  const pending = joins.filter((j) => j.error === STILL_JOINING).length
  const packets = commits.map((c) => c.packets).sort((a, b) => a - b)
  const mean = packets.length === 0 ? 0 : packets.reduce((a, b) => a + b, 0) / packets.length
  const last = samples.at(-1)
  const finalEpoch = last ? Math.max(-1, ...last.epochs.map((e) => e ?? -1)) : -1
  return [
    ['members at the end', `${r.finalMembers.length} (${r.finalMembers.join(', ')})`],
    ['converged at the end', r.converged ? 'yes' : r.apart.length > 0 ? `no: apart ${r.apart.join(', ')}` : 'no: not every member is working'],
    ['final epoch', finalEpoch < 0 ? 'n/a' : String(finalEpoch)],
    ['group formed after', seconds(r.formedAt)],
    ['run ended', r.storm ? `early, at ${seconds(r.storm.at)}: packet storm (${r.storm.bySender.map(([w]) => w).join(', ')})` : `after ${seconds(r.endedAt)}`],
    ['joins started / completed / failed / pending', `${joins.length} / ${lat.length} / ${failed} / ${pending}`],
    ['join latency median / p95 / max', `${seconds(quantile(lat, 0.5))} / ${seconds(quantile(lat, 0.95))} / ${seconds(lat.at(-1))}`],
    ['commits', String(commits.length)],
    ['packets per commit median / mean / max', `${quantile(packets, 0.5) ?? 'n/a'} / ${mean.toFixed(1)} / ${packets.at(-1) ?? 'n/a'}`],
    ['forks healed', String(forkHeals.length)],
    ['packets published / deliveries lost', `${r.traffic.published} / ${r.traffic.lost}`],
  ]
}
