/**
 * The simulation CLI: parse the flags, run, print the timeline and the
 * figures, write the HTML report. Exit 0 after a run, 2 on a bad flag.
 * Run `pnpm start -- --help` in this folder.
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { figures } from './figures.js'
import { OptionError, USAGE, parseOptions } from './options.js'
import { timelineLine } from './record.js'
import { renderReport } from './report/html.js'
import { simulate } from './simulate.js'

let init: ReturnType<typeof parseOptions>
try {
  init = parseOptions(process.argv.slice(2))
} catch (err) {
  if (!(err instanceof OptionError)) throw err
  console.error(`${err.message}\n\n${USAGE}`)
  process.exit(2)
}
if (init === undefined) {
  console.log(USAGE)
  process.exit(0)
}

const result = await simulate(init)
console.log('timeline (virtual time)')
for (const e of result.recording.timeline) console.log(timelineLine(e))
const figs = figures(result)
console.log('\nfigures')
for (const [label, value] of figs) console.log(`  ${label}: ${value}`)
const out = resolve(init.out)
writeFileSync(out, renderReport(result, figs))
console.log(`\nreport: ${out}`)
