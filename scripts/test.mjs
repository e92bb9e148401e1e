// Runs every package's tests through turbo, then prints one plain summary
// line ("N passed, N failed") built from the vitest JSON reports, so CI and
// people see the same count. Exit code is turbo's.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

const dirs = ['packages', 'examples']
  .filter((d) => existsSync(d))
  .flatMap((d) => readdirSync(d).map((p) => join(d, p)))
  .filter((p) => statSync(p).isDirectory())
for (const d of dirs) rmSync(join(d, '.vitest-report.json'), { force: true })

const args = ['run', 'test', ...process.argv.slice(2)]
const turbo = spawnSync('turbo', args, {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  shell: process.platform === 'win32',
})

let passed = 0
let failed = 0
let skipped = 0
const reports = []
for (const d of dirs) {
  const f = join(d, '.vitest-report.json')
  if (!existsSync(f)) continue
  const r = JSON.parse(readFileSync(f, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests
  skipped += r.numPendingTests + (r.numTodoTests ?? 0)
  reports.push(`${d}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)
}
console.log(reports.join('\n'))
const code = turbo.status ?? 1
if (code !== 0 && failed === 0) failed = 1 // a crashed or uncounted task still fails the run
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(code)
