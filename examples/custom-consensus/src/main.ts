/**
 * The same scenario under the default consensus rule and under the veto
 * rule, printed side by side, then a member with the other rule trying to
 * join. Run: `pnpm start` in this folder.
 */
import { joinWithOtherRule } from './mismatch.js'
import { removalWithOneObjection } from './scenario.js'
import { vetoConsensus } from './veto.js'

const pad = (s: string, n: number) => s.padEnd(n)

const reference = await removalWithOneObjection({})
const veto = await removalWithOneObjection({ consensus: vetoConsensus })

console.log('alice proposes removing carol (alice: YES); bob votes NO at once; carol has not voted yet\n')
const rows: [string, string, string][] = [
  ['', 'default rule', 'custom rule'],
  ['consensus plug-in', reference.rule, veto.rule],
  ['removal', reference.approved ? 'approved' : 'rejected', veto.approved ? 'approved' : 'rejected'],
  ['decided after (virtual)', `${reference.decidedAfterMs} ms`, `${veto.decidedAfterMs} ms`],
  ['members 10 s later', reference.membersAfter.join(', '), veto.membersAfter.join(', ')],
]
for (const [a, b, c] of rows) console.log(`${pad(a, 26)}${pad(b, 26)}${c}`)

const mismatch = await joinWithOtherRule()
console.log('\ndave (default rule) tries to join alice and bob (veto rule):')
console.log(`  join phases reached: ${mismatch.phases.join(' → ')}`)
console.log(`  refused with ${mismatch.error}`)
console.log(`  group runs: ${mismatch.group.join(', ')}`)
console.log(`  dave runs:  ${mismatch.local.join(', ')}`)
console.log(`  group size afterwards: ${mismatch.groupSize}`)
