/**
 * Scoring benchmarks: `applyOps` throughput (1000 ops over 1000 tracked
 * members, default in-memory storage) against a plain `Map` update of the
 * same ops measured in the same run.
 */
import { type Comparison, type Measurement, compare, measure, writeReport } from '@demls-dev/bench-kit'
import { PeerScoringService, SCORE_EVENTS, type ScoreOp } from '../src/index.js'

const measurements: Measurement[] = []
const comparisons: Comparison[] = []

const N_MEMBERS = 1000
const N_OPS = 1000
const members = Array.from({ length: N_MEMBERS }, (_, i) => {
  const id = new Uint8Array(20)
  new DataView(id.buffer).setUint32(16, i * 2654435761)
  return id
})
let seed = 42
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed
}
const ops: ScoreOp[] = Array.from({ length: N_OPS }, () => ({
  memberId: members[rand() % N_MEMBERS] as Uint8Array,
  event: SCORE_EVENTS[rand() % SCORE_EVENTS.length] as ScoreOp['event'],
}))

const svc = new PeerScoringService()
svc.syncMembers(members)
const subject = await measure(`PeerScoringService.applyOps ×${N_OPS}`, () => svc.applyOps(ops), {
  minTimeMs: 1500,
  params: { members: N_MEMBERS, ops: N_OPS },
})

// Baseline: the minimum any id-keyed table must do per op — key the
// Uint8Array id, look up the delta, read, add, write back.
// (Same binary-string keying as InMemoryPeerScoreStorage.)
const key = (id: Uint8Array) => String.fromCharCode.apply(null, id as unknown as number[])
const deltas = new Map<string, bigint>(Object.entries(svc.config.deltas) as [string, bigint][])
const table = new Map<string, bigint>(members.map((m) => [key(m), 100n]))
const baseline = await measure(
  `plain Map<string, bigint> update (keyed per op) ×${N_OPS}`,
  () => {
    for (const op of ops) {
      const k = key(op.memberId)
      const cur = table.get(k)
      if (cur !== undefined) table.set(k, cur + (deltas.get(op.event) ?? 0n))
    }
  },
  { minTimeMs: 1500, params: { members: N_MEMBERS, ops: N_OPS } },
)

const preKeyed = ops.map((o) => ({ k: key(o.memberId), event: o.event }))
const floor = await measure(
  `plain Map<string, bigint> update, pre-keyed ×${N_OPS}`,
  () => {
    for (const op of preKeyed) {
      const cur = table.get(op.k)
      if (cur !== undefined) table.set(op.k, cur + (deltas.get(op.event) ?? 0n))
    }
  },
  { minTimeMs: 1000, params: { members: N_MEMBERS, ops: N_OPS } },
)

const snapshot = await measure('snapshot (1000 members)', () => svc.snapshot(), { minTimeMs: 500 })

measurements.push(subject, baseline, floor, snapshot)
comparisons.push(compare('applyOps vs plain Map update (keyed per op)', subject, baseline))
comparisons.push(compare('applyOps vs plain Map update (pre-keyed)', subject, floor))

const file = writeReport({
  package: '@demls/scoring',
  title: 'Peer scoring',
  measurements,
  comparisons,
  notes: [
    'applyOps includes i64 saturation and threshold-crossing detection per op, over InMemoryPeerScoreStorage.',
    `ops/s in the table is batches of ${N_OPS} ops per second.`,
  ],
})
console.log(`wrote ${file}`)
