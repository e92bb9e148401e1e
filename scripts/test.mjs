// Runs every package's tests through turbo, then prints one plain summary
// line ("N passed, N failed") built from the vitest JSON reports, so CI and
// people see the same count. Exit code is turbo's.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const dirs = ['packages', 'examples']
  .filter((d) => existsSync(d))
  .flatMap((d) => readdirSync(d).map((p) => join(d, p)))
  .filter((p) => statSync(p).isDirectory())
for (const d of dirs) rmSync(join(d, '.vitest-report.json'), { force: true })

// Two packages at a time on a 2-core machine: vitest already runs each package's files in parallel, and
// the real-network, browser and soak tests measure timing that an overloaded machine breaks.
const args = ['run', 'test', '--concurrency=2', ...process.argv.slice(2)]
const turbo = spawnSync('turbo', args, {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  shell: process.platform === 'win32',
})

// The real network (examples/demo/test/network.real.ts) over gossipsub on
// 127.0.0.1, run after everything else, alone, because it measures a real-time
// system on this machine's cores. By default 20 peer processes joining one group
// staggered, then 10 joining another at once (about 2 min; docs/fault-runs.md,
// "The runs of 2026-11-23, night"); DEMLS_NETWORK_TEST=burst runs only the 10,
// DEMLS_NETWORK_TEST=0 leaves it out (the summary says when it was skipped).
const networkReport = join('examples', 'demo', '.vitest-network-report.json')
rmSync(networkReport, { force: true })
let network = { status: 0 }
const mode = process.env.DEMLS_NETWORK_TEST ?? 'full'
const runNetwork = mode !== '0' && existsSync(join('examples', 'demo', 'vitest.network.config.ts'))
if (runNetwork && turbo.status === 0) {
  // The workspace root's vitest (the demo has no node_modules/.bin of its own).
  network = spawnSync(resolve('node_modules', '.bin', 'vitest'), ['run', '--config', 'vitest.network.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=.vitest-network-report.json'], {
    cwd: join('examples', 'demo'),
    stdio: 'inherit',
    env: { NET_SIZE: mode === 'full' ? '20' : '0', NET_BURST: '10', ...process.env },
  })
  if (network.error !== undefined) console.error(`real-network test could not start: ${network.error.message}`)
}

// The network namespace test (packages/node/test/netns.real.ts): separate
// hosts in Linux network namespaces, homes behind nftables NATs, a
// demls-node on the public segment (about 70 s). Root only: without root it
// fails and says so. Run last and alone, like the real network;
// DEMLS_NETNS_TEST=0 leaves it out (the summary says when it was skipped).
const netnsReport = join('packages', 'node', '.vitest-netns-report.json')
rmSync(netnsReport, { force: true })
let netns = { status: 0 }
const runNetns = process.env.DEMLS_NETNS_TEST !== '0' && existsSync(join('packages', 'node', 'vitest.netns.config.ts'))
if (runNetns && turbo.status === 0) {
  netns = spawnSync(resolve('node_modules', '.bin', 'vitest'), ['run', '--config', 'vitest.netns.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=.vitest-netns-report.json'], {
    cwd: join('packages', 'node'),
    stdio: 'inherit',
  })
  if (netns.error !== undefined) console.error(`network namespace test could not start: ${netns.error.message}`)
}

let passed = 0
let failed = 0
let skipped = 0
const reports = []
for (const [d, f] of [
  ...dirs.map((d) => [d, join(d, '.vitest-report.json')]),
  ['examples/demo (real network)', networkReport],
  ['packages/node (network namespaces)', netnsReport],
]) {
  if (!existsSync(f)) continue
  const r = JSON.parse(readFileSync(f, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests
  skipped += r.numPendingTests + (r.numTodoTests ?? 0)
  reports.push(`${d}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)
}
console.log(reports.join('\n'))
const code = turbo.status === 0 ? (network.status ?? 1) || (netns.status ?? 1) : (turbo.status ?? 1)
if (!runNetwork) console.log('real-network test skipped (DEMLS_NETWORK_TEST=0)')
if (!runNetns) console.log('network namespace test skipped (DEMLS_NETNS_TEST=0)')
else if (mode !== 'full') console.log('real-network test: the 10-peer burst only (the default also runs 20 staggered peers)')
if (code !== 0 && failed === 0) failed = 1 // a crashed or uncounted task still fails the run
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(code)
