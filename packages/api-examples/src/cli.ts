/**
 * `pnpm --filter @demls-dev/api-examples check`: prints the exports without an
 * `@example` and the examples that do not type-check. With
 * `--write-remaining` it rewrites `remaining.json` to the exports still
 * without an example (it may only shrink: the test fails if it grows).
 */
import { performance } from 'node:perf_hooks'
import { typecheckExamples, writeRemaining } from './check.js'
import { collectExamples, exportKey } from './collect.js'

const start = performance.now()
const { exports, others } = collectExamples()
const missing = exports.filter((e) => e.examples.length === 0 || e.examplesWithoutCode > 0)
const perPackage = new Map<string, { total: number; missing: number }>()
for (const e of exports) {
  const row = perPackage.get(e.specifier) ?? { total: 0, missing: 0 }
  row.total++
  if (missing.includes(e)) row.missing++
  perPackage.set(e.specifier, row)
}
if (process.argv.includes('--list')) for (const e of missing) console.log(`missing ${exportKey(e)} (${e.kind}, ${e.location})`)
for (const [spec, row] of perPackage) console.log(`${spec}: ${row.total - row.missing}/${row.total} with an example`)
const { failures, checked } = typecheckExamples([...exports, ...others])
for (const f of failures) console.log(`FAIL ${f.example}\n  ${f.messages.join('\n  ')}`)
console.log(
  `${exports.length} exports, ${exports.length - missing.length} with an example, ${missing.length} without; ` +
    `${checked} examples type-checked, ${failures.length} failed (${Math.round(performance.now() - start)} ms)`,
)
if (process.argv.includes('--write-remaining')) writeRemaining(missing.map(exportKey))
process.exitCode = failures.length ? 1 : 0
