/**
 * Steward-list benchmarks: deterministic generation for 10 / 100 / 1000
 * members against the floor of the same number of raw SHA-256 hashes
 * (same input length) measured in the same run.
 */
import { type Comparison, type Measurement, compare, measure, writeReport } from '@demls-dev/bench-kit'
import { sha256 } from '@noble/hashes/sha2.js'
import { StewardListService, epochAndBackup, generateStewardList } from '../src/index.js'

const measurements: Measurement[] = []
const comparisons: Comparison[] = []
const conversationId = 'bench-conversation'

function memberIds(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const id = new Uint8Array(20)
    new DataView(id.buffer).setUint32(16, i * 2654435761)
    id[0] = i & 0xff
    return id
  })
}

for (const n of [10, 100, 1000]) {
  const members = memberIds(n)
  const inputs = members.map(() => new Uint8Array(12 + 20 + conversationId.length))
  let epoch = 1n
  const gen = await measure(
    `generateStewardList n=${n}`,
    () => generateStewardList({ epoch: epoch++, members, conversationId, config: { snMin: 1, snMax: 5 } }),
    { minTimeMs: 800, params: { members: n } },
  )
  const floor = await measure(
    `raw sha256 ×${n}`,
    () => {
      for (const input of inputs) {
        input[0] = (input[0] as number) + 1
        sha256(input)
      }
    },
    { minTimeMs: 800, params: { hashes: n } },
  )
  // The same list again (a member checks an election, a list notice, an attestation's list at one epoch): the order
  // of the last inputs is kept, so a repeat costs a copy of the ids, not a hash each.
  const again = await measure(
    `generateStewardList n=${n}, the same input again`,
    () => generateStewardList({ epoch: 7n, members, conversationId, config: { snMin: 1, snMax: 5 } }),
    { minTimeMs: 800, params: { members: n } },
  )
  measurements.push(gen, floor, again)
  comparisons.push(compare(`generation vs ${n} raw SHA-256`, gen, floor))
  comparisons.push(compare(`generation n=${n}: the same input again vs a new epoch`, again, gen))
}

{
  const svc = new StewardListService({ config: { snMin: 1, snMax: 5 }, conversationId })
  const members = memberIds(1000)
  svc.installList(0n, members)
  const list = svc.currentList()
  if (list === undefined) throw new Error('no list')
  const removed = new Set([list.members[0], list.members[1]])
  const eligible = (m: Uint8Array) => !removed.has(m)
  let e = 0n
  measurements.push(
    await measure('epochAndBackup (2 ineligible)', () => epochAndBackup(list, e++ % 5n, eligible), { minTimeMs: 400 }),
  )
}

const file = writeReport({
  package: '@demls/steward',
  title: 'Steward list generation',
  measurements,
  comparisons,
  notes: [
    'Generation = one SHA-256 per member (noble) + sort by key + copy of the first snMax ids.',
    'Floor = the same number of raw noble SHA-256 calls over inputs of the same length, no sorting.',
    'The same input again: sortStewardCandidates keeps the order of its last 16 inputs (epoch, retry round, conversation, member ids) and gives it back for a repeat.',
  ],
})
console.log(`wrote ${file}`)
