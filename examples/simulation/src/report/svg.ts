/**
 * Three small inline-SVG charts (no library, no external asset): step
 * lines over time, a histogram and a bar chart, on one shared frame with
 * axes, ticks and labels.
 */

/** Escape text for HTML and SVG. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** A distinct colour for series `i` of `n`. */
export function colour(i: number, n: number): string {
  return `hsl(${Math.round((360 * i) / Math.max(1, n))}, 65%, 42%)`
}

const W = 760
const H = 300
const M = { left: 56, right: 16, top: 34, bottom: 44 }
const PW = W - M.left - M.right
const PH = H - M.top - M.bottom

/** Round tick values covering [0, max]. */
function ticks(max: number, count = 5): number[] {
  if (max <= 0) return [0]
  const raw = max / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw)!
  const out: number[] = []
  for (let v = 0; v <= max + 1e-9; v += step) out.push(Number(v.toFixed(6)))
  return out
}

/** The frame: axes, ticks, labels; returns the SVG and the scale functions. */
function frame(xMax: number, yMax: number, xLabel: string, yLabel: string, xTicks = true) {
  const x = (v: number) => M.left + (xMax === 0 ? 0 : (v / xMax) * PW)
  const y = (v: number) => M.top + PH - (yMax === 0 ? 0 : (v / yMax) * PH)
  const parts = [
    `<line x1="${M.left}" y1="${M.top + PH}" x2="${M.left + PW}" y2="${M.top + PH}" stroke="#333"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PH}" stroke="#333"/>`,
    `<text x="${M.left + PW / 2}" y="${H - 6}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`,
    `<text x="14" y="${M.top + PH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${M.top + PH / 2})">${esc(yLabel)}</text>`,
  ]
  for (const v of ticks(yMax)) {
    parts.push(`<line x1="${M.left - 4}" y1="${y(v)}" x2="${M.left + PW}" y2="${y(v)}" stroke="#ddd"/>`)
    parts.push(`<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v}</text>`)
  }
  if (xTicks) {
    for (const v of ticks(xMax, 8)) {
      parts.push(`<line x1="${x(v)}" y1="${M.top + PH}" x2="${x(v)}" y2="${M.top + PH + 4}" stroke="#333"/>`)
      parts.push(`<text x="${x(v)}" y="${M.top + PH + 16}" text-anchor="middle" font-size="11">${v}</text>`)
    }
  }
  return { x, y, parts }
}

const svg = (title: string, parts: string[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg>`

/** One line of a {@link stepChart}: `null` values are gaps. */
export interface StepSeries {
  name: string
  points: readonly (readonly [x: number, y: number | null])[]
}

/** Step lines (e.g. epochs over time per member) with optional vertical markers. */
export function stepChart(
  title: string,
  series: readonly StepSeries[],
  axes: { x: string; y: string },
  markers: readonly { x: number; label: string }[] = [],
): string {
  const xMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[0])))
  const yMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1] ?? 0)))
  const { x, y, parts } = frame(xMax, yMax, axes.x, axes.y)
  for (const m of markers) {
    parts.push(`<line x1="${x(m.x)}" y1="${M.top}" x2="${x(m.x)}" y2="${M.top + PH}" stroke="#c00" stroke-dasharray="4 3"><title>${esc(m.label)}</title></line>`)
  }
  series.forEach((s, i) => {
    let d = ''
    let prev: number | null = null
    for (const [px, py] of s.points) {
      if (py === null) prev = null
      else {
        d += prev === null ? `M${x(px).toFixed(1)},${y(py).toFixed(1)}` : `H${x(px).toFixed(1)}V${y(py).toFixed(1)}`
        prev = py
      }
    }
    const c = colour(i, series.length)
    // A pixel apart, so members at the same epoch show as a bundle, not one line.
    const dy = (i - (series.length - 1) / 2) * 1.5
    parts.push(`<path d="${d}" transform="translate(0 ${dy.toFixed(1)})" fill="none" stroke="${c}" stroke-width="1.5" opacity="0.85"><title>${esc(s.name)}</title></path>`)
    // The legend sits above the plot, nine names a row.
    parts.push(`<text x="${M.left + (i % 9) * 76}" y="${12 + Math.floor(i / 9) * 13}" font-size="11" fill="${c}">■ ${esc(s.name)}</text>`)
  })
  return svg(title, parts)
}

/** Bars with a label under each (e.g. packets per commit). */
export function barChart(
  title: string,
  bars: readonly { label: string; sub?: string; value: number; tip?: string }[],
  axes: { x: string; y: string },
): string {
  const yMax = Math.max(1, ...bars.map((b) => b.value))
  const { y, parts } = frame(bars.length, yMax, axes.x, axes.y, false)
  const slot = PW / Math.max(1, bars.length)
  bars.forEach((b, i) => {
    const left = M.left + i * slot + slot * 0.1
    parts.push(`<rect x="${left.toFixed(1)}" y="${y(b.value).toFixed(1)}" width="${(slot * 0.8).toFixed(1)}" height="${(M.top + PH - y(b.value)).toFixed(1)}" fill="#4a7bb7"><title>${esc(b.tip ?? `${b.label}: ${b.value}`)}</title></rect>`)
    if (bars.length <= 40 || i % Math.ceil(bars.length / 40) === 0) {
      parts.push(`<text x="${(left + slot * 0.4).toFixed(1)}" y="${M.top + PH + 14}" text-anchor="middle" font-size="10">${esc(b.label)}</text>`)
    }
    if (b.sub && bars.length <= 12) {
      parts.push(`<text x="${(left + slot * 0.4).toFixed(1)}" y="${M.top + PH + 26}" text-anchor="middle" font-size="9" fill="#555">${esc(b.sub)}</text>`)
    }
  })
  return svg(title, parts)
}

/** A histogram of `values` in `bins` equal bins from 0 to the largest value. */
export function histogram(title: string, values: readonly number[], bins: number, axes: { x: string; y: string }, format: (v: number) => string): string {
  const max = Math.max(...values) || 1
  const width = max / bins
  const counts = Array.from({ length: bins }, () => 0)
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v / width))]!++
  return barChart(
    title,
    counts.map((c, i) => ({ label: `${format(i * width)}–${format((i + 1) * width)}`, value: c, tip: `${format(i * width)}–${format((i + 1) * width)}: ${c}` })),
    axes,
  )
}
