import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { quantile } from '../src/figures.js'
import { OptionError, parseOptions } from '../src/options.js'
import { esc } from '../src/report/svg.js'

const run = promisify(execFile)
const here = join(import.meta.dirname, '..')
const dir = mkdtempSync(join(tmpdir(), 'demls-sim-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Run the CLI as a person does (TypeScript through tsx's loader). */
function cli(args: string[]) {
  return run(process.execPath, ['--import', import.meta.resolve('tsx'), 'src/main.ts', ...args], { cwd: here, maxBuffer: 16 << 20 })
}

describe('simulation CLI', () => {
  it('writes a self-contained HTML report holding every figure and timeline line it printed', async () => {
    const out = join(dir, 'report.html')
    const flags = ['--members', '4', '--duration', '40', '--churn', '6', '--loss', '0.05', '--bad-steward', 'silent', '--bad-steward-at', '10', '--seed', '3']
    const { stdout } = await cli([...flags, '--out', out])
    expect(existsSync(out)).toBe(true)
    const html = readFileSync(out, 'utf8')

    // The figures block: `  label: value` lines between "figures" and the report line.
    const block = stdout.slice(stdout.indexOf('\nfigures\n') + 9, stdout.indexOf('\nreport: '))
    const figs = block.split('\n').filter(Boolean).map((l) => {
      const m = /^ {2}(.+?): (.+)$/.exec(l)
      expect(m, l).not.toBeNull()
      return [m![1]!, m![2]!] as const
    })
    expect(figs.map(([label]) => label)).toEqual([
      'members at the end',
      'converged at the end',
      'final epoch',
      'group formed after',
      'run ended',
      'joins started / completed / failed / pending',
      'join latency median / p95 / max',
      'commits',
      'packets per commit median / mean / max',
      'forks healed',
      'packets published / deliveries lost',
    ])
    for (const [label, value] of figs) expect(html).toContain(`<tr><th>${esc(label)}</th><td>${esc(value)}</td></tr>`)

    // The run did what the flags asked: the group formed, churned and lost packets.
    const fig = Object.fromEntries(figs)
    expect(fig['group formed after']).not.toBe('n/a')
    expect(Number(fig.commits)).toBeGreaterThanOrEqual(2)
    expect(Number(fig['packets published / deliveries lost']!.split(' / ')[1])).toBeGreaterThan(0)
    expect(stdout).toMatch(/m\d, the epoch steward, goes silent for good/)

    // Every timeline line printed is in the report.
    const timeline = stdout.slice(stdout.indexOf('timeline (virtual time)\n') + 24, stdout.indexOf('\nfigures\n')).split('\n').filter(Boolean)
    expect(timeline.length).toBeGreaterThan(5)
    for (const line of timeline) expect(html).toContain(esc(line))

    // Four charts as inline SVG, and nothing fetched from elsewhere.
    for (const title of ['epochs over time per member', 'join latency', 'packets per commit', 'forks healed over time']) {
      expect(html).toContain(`aria-label="${title}"`)
    }
    expect(html.match(/<svg /g)).toHaveLength(4)
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
  })

  it('exits 2 and names the flag on a bad value', async () => {
    const err = await cli(['--loss', '2']).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    )
    expect(err?.code).toBe(2)
    expect(err?.stderr).toContain("--loss must be a number in [0, 0.5], got '2'")
    expect(err?.stderr).toContain('Usage: pnpm start -- [options]')
  })
})

describe('flags', () => {
  it('defaults, --help and range checks', () => {
    expect(parseOptions([])).toEqual({
      members: 5,
      loss: 0.05,
      durationS: 120,
      churnPerMin: 2,
      badSteward: 'none',
      badStewardAtS: 40,
      seed: 1,
      out: 'simulation-report.html',
    })
    expect(parseOptions(['--help'])).toBeUndefined()
    expect(() => parseOptions(['--members', '1'])).toThrow(OptionError)
    expect(() => parseOptions(['--members', '3.5'])).toThrow(/--members must be an integer/)
    expect(() => parseOptions(['--bad-steward', 'evil'])).toThrow(/none, silent or flaky/)
    expect(() => parseOptions(['--bad-steward-at', '500', '--duration', '100'])).toThrow(/--bad-steward-at/)
    expect(() => parseOptions(['--frobnicate'])).toThrow(OptionError)
  })

  it('quantiles by nearest rank', () => {
    expect(quantile([], 0.5)).toBeUndefined()
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2)
    expect(quantile([1, 2, 3, 4], 0.95)).toBe(4)
    expect(quantile([7], 0)).toBe(7)
  })
})

describe('storm guard', () => {
  it('trips once, past the budget within one 100 ms window, naming the senders', async () => {
    const { StormGuard } = await import('../src/storm.js')
    const guard = new StormGuard(10)
    const seen: unknown[] = []
    guard.onStorm = (s) => seen.push(s)
    const publish = (at: number, from: string) => guard.onTrace({ type: 'publish', at, from, topic: '/sim/1/app_msg/proto', bytes: 900, recipients: 3 })
    // Ten a window, spread over many windows: never a storm.
    for (let w = 0; w < 20; w++) for (let i = 0; i < 10; i++) publish(w * 100 + i, 'm1')
    expect(guard.storm).toBeUndefined()
    // The eleventh within one window trips it.
    for (let i = 0; i < 6; i++) publish(5_000 + i, 'm2')
    for (let i = 0; i < 5; i++) publish(5_010 + i, 'm3')
    expect(guard.storm).toEqual({ at: 5_014, bySender: [['m2', 6], ['m3', 5]], byKind: [['/sim/1/app_msg/proto 900 B', 11]] })
    for (let i = 0; i < 50; i++) publish(5_020, 'm2')
    expect(seen).toHaveLength(1)
  })
})
