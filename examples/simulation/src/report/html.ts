/**
 * The self-contained HTML report: parameters, the figures (the same pairs
 * the CLI prints), four inline-SVG charts and the timeline. No script, no
 * stylesheet or font from anywhere else: it opens from a file.
 */
import { type Figure, joinLatencies } from '../figures.js'
import { timelineLine } from '../record.js'
import type { SimulationResult } from '../simulate.js'
import { barChart, esc, histogram, stepChart } from './svg.js'

/** The figures as table rows; the test looks for exactly these. */
export function figureRow([label, value]: Figure): string {
  return `<tr><th>${esc(label)}</th><td>${esc(value)}</td></tr>`
}

/** A change short enough to sit under a bar: `+m1 +m2 +m3` becomes `3 in`. */
function shortChange(change: string): string {
  if (change.length <= 12) return change
  const items = change.split(' ')
  const adds = items.filter((i) => i.startsWith('+')).length
  const removes = items.filter((i) => i.startsWith('−')).length
  const other = items.filter((i) => !i.startsWith('+') && !i.startsWith('−'))
  return [adds > 0 ? `${adds} in` : '', removes > 0 ? `${removes} out` : '', ...other].filter(Boolean).join(', ')
}

/** The whole report. */
export function renderReport(r: SimulationResult, figs: readonly Figure[]): string {
  const { names, samples, commits, forkHeals, timeline } = r.recording
  const s = (ms: number) => ms / 1000
  const epochs = stepChart(
    'epochs over time per member',
    names
      .map((name, i) => ({ name, points: samples.map((p) => [s(p.t), p.epochs[i] ?? null] as const) }))
      .filter((series) => series.points.some((p) => p[1] !== null)),
    { x: 'virtual time (s)', y: 'epoch' },
    forkHeals.map((f) => ({ x: s(f.t), label: `${f.member} healed a fork at epoch ${f.epoch}` })),
  )
  const latencies = joinLatencies(r)
  const joinChart =
    latencies.length === 0
      ? '<p>No join completed.</p>'
      : histogram('join latency', latencies.map(s), Math.min(12, Math.max(3, latencies.length)), { x: 'join latency (s)', y: 'joins' }, (v) => v.toFixed(1))
  const perChange = barChart(
    'packets per commit',
    commits.map((c) => ({
      label: String(c.epoch),
      sub: shortChange(c.change),
      value: c.packets,
      tip: `epoch ${c.epoch} by ${c.committer}: ${c.change || 'no membership change'}, ${c.packets} packets in ${s(c.t - c.startT).toFixed(1)} s`,
    })),
    { x: 'epoch and its change', y: 'packets from its start to its commit' },
  )
  let healed = 0
  const forkChart = stepChart(
    'forks healed over time',
    [{ name: 'forks healed (cumulative)', points: [[0, 0], ...forkHeals.map((f) => [s(f.t), ++healed] as const), [s(samples.at(-1)?.t ?? 0), healed]] }],
    { x: 'virtual time (s)', y: 'forks healed' },
  )
  const i = r.init
  const params = `${i.members} members, loss ${i.loss}, ${i.durationS} s, churn ${i.churnPerMin}/min, bad steward ${i.badSteward}${i.badSteward === 'none' ? '' : ` from ${i.badStewardAtS} s`}, seed ${i.seed}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>de-MLS simulation report</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:820px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4;font-weight:600}
.timeline{font:12px/1.4 ui-monospace,monospace;white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:8px}
svg{display:block;margin:0.5em 0 1.5em}</style></head>
<body>
<h1>de-MLS simulation report</h1>
<p>${esc(params)}. Real MLS, real signatures; the packets travel over the in-memory network in virtual time.</p>
<h2>Figures</h2>
<table id="figures">
${figs.map(figureRow).join('\n')}
</table>
<h2>Epochs over time per member</h2>
<p>One line per member while it is in the group; red dashes mark healed forks.</p>
${epochs}
<h2>Join latency</h2>
<p>From the <code>join</code> call to the joiner holding the group, for the ${latencies.length} joins that completed.</p>
${joinChart}
<h2>Messages per change</h2>
<p>Per commit: the packets anyone published from the moment work on its changes started (the join call, the leave or removal request, or the first sighting of its proposal) to the commit. Background traffic in that window (attestations, about one packet per member every 2 s) is included. A commit with no change of its own counts from the previous commit.</p>
${perChange}
<h2>Forks healed</h2>
<p>${forkHeals.length} healed fork(s): a member had merged a commit that lost, and switched to the group's branch.</p>
${forkChart}
<h2>Timeline</h2>
<div class="timeline">${timeline.map((e) => esc(timelineLine(e))).join('\n')}</div>
</body></html>
`
}
