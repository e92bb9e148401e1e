/**
 * The same scenario under the default scoring and under the strict table,
 * printed side by side, then a member with the other scoring trying to
 * join. Run: `pnpm start` in this folder.
 */
import { joinWithOtherScoring } from './mismatch.js'
import { stallingSteward } from './scenario.js'
import { strictStewardScoring } from './strict.js'

const reference = await stallingSteward({})
const strict = await stallingSteward({ makeScoring: strictStewardScoring })

console.log(
  `${reference.silent} (epoch steward) stalls; ${reference.viewer} proposes removing ${reference.target}; ` +
    'a backup steward commits it; then the stall ends\n',
)
/** `Score below threshold ×2` for two approvals of the same kind. */
function tally(labels: string[]): string {
  if (labels.length === 0) return 'none'
  const counts = new Map<string, number>()
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1)
  return [...counts].map(([l, n]) => (n > 1 ? `${l} ×${n}` : l)).join(', ')
}

const rows: [string, string, string][] = [
  ['', 'default scoring', 'custom scoring'],
  ['scoring plug-in', reference.scoring, strict.scoring],
  [`${reference.silent}'s score after the stall`, String(reference.scoreAfterStall), String(strict.scoreAfterStall)],
  ['approved emergencies', tally(reference.approvedEmergencies), tally(strict.approvedEmergencies)],
  ['members 60 s later', reference.membersAfter.join(', '), strict.membersAfter.join(', ')],
  [`${reference.silent} still in the group`, reference.silentStillIn ? 'yes' : 'no', strict.silentStillIn ? 'yes' : 'no'],
]
for (const [a, b, c] of rows) console.log(`${a.padEnd(32)}${b.padEnd(38)}${c}`)

const mismatch = await joinWithOtherScoring()
console.log('\ndave (default scoring) tries to join alice, bob and carol (custom scoring):')
console.log(`  join phases reached: ${mismatch.phases.join(' → ')}`)
console.log(`  refused with ${mismatch.error}`)
console.log(`  group runs ${mismatch.groupScoring}, dave runs ${mismatch.localScoring}`)
console.log(`  group size afterwards: ${mismatch.groupSize}`)
