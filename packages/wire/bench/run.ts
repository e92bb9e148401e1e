// Benchmark of the wire codecs: our typed API vs the raw protobufjs static
// code it wraps vs protobufjs runtime reflection (the same .proto files
// loaded with `Root.loadSync`). Run: `pnpm bench` (or `npx tsx bench/run.ts`)
// in packages/wire. Writes docs/bench/demls-wire.json.
//
// Each measured call runs the operation `batch` times (per-call timer
// overhead would otherwise dominate sub-microsecond operations); reported
// times are per operation.
import { join } from 'node:path'
import { type Comparison, type Measurement, compare, measure, writeReport } from '@demls-dev/bench-kit'
import protobuf from 'protobufjs'
import { PROTO_FILES } from '../scripts/codegen.mjs'
import * as pb from '../src/gen/pb.js'
import type { PbMessageType } from '../src/gen/pb.js'
import {
  type AppMessageInit,
  type ProposalInit,
  type VoteInit,
  decodeAppMessage,
  decodeProposal,
  decodeVote,
  encodeAppMessage,
  encodeProposal,
  encodeVote,
} from '../src/index.js'

const MIN_TIME_MS = Number(process.env.BENCH_MIN_TIME_MS ?? 400)

const fill = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

function vote(i: number): VoteInit {
  return {
    voteId: 0x9e3779b9 ^ i,
    voteOwner: fill(20, i),
    proposalId: 0xdeadbeef,
    timestamp: 1_700_000_000n + BigInt(i),
    vote: i % 2 === 0,
    parentHash: fill(32, i + 1),
    receivedHash: fill(32, i + 2),
    voteHash: fill(32, i + 3),
    signature: fill(65, i + 4),
  }
}

const proposal: ProposalInit = {
  name: 'remove member',
  payload: fill(120, 9),
  proposalId: 0xdeadbeef,
  proposalOwner: fill(20, 7),
  votes: Array.from({ length: 10 }, (_, i) => vote(i)),
  expectedVotersCount: 12,
  round: 10,
  timestamp: 1_700_000_000n,
  expirationTimestamp: 1_700_000_600n,
  livenessCriteriaYes: true,
}

const sync: AppMessageInit = {
  conversationSync: {
    stewardMembers: Array.from({ length: 3 }, (_, i) => fill(20, i)),
    electionEpoch: 42n,
    snMin: 1,
    snMax: 3,
    allowSubsetCandidates: false,
    peerScores: Array.from({ length: 100 }, (_, i) => ({ memberId: fill(20, i), score: BigInt(i * 7 - 300) })),
    timing: {
      commitInactivityDurationMs: 60_000n,
      freezeDurationMs: 30_000n,
      proposalExpirationMs: 600_000n,
      consensusTimeoutMs: 30_000n,
      recoveryInactivityDurationMs: 5_000n,
    },
    retryRound: 0,
    maxReelectionAttempts: 1,
    livenessCriteriaYes: true,
    thresholdPeerScore: -50n,
    pendingUpdateMaxEpochs: 3,
  },
}

// protobufjs runtime reflection over the same .proto files.
const root = new protobuf.Root()
root.resolvePath = (_origin, target) => join(import.meta.dirname, '..', 'proto', target)
root.loadSync([...PROTO_FILES], { keepCase: false })
root.resolveAll()

const vote1 = vote(1)

interface Scenario {
  name: string
  batch: number
  ours: { encode: () => Uint8Array; decode: (b: Uint8Array) => unknown }
  staticType: PbMessageType
  reflectType: protobuf.Type
}

const scenarios: Scenario[] = [
  {
    name: 'Vote',
    batch: 1000,
    ours: { encode: () => encodeVote(vote1), decode: decodeVote },
    staticType: pb.consensus.v1.Vote,
    reflectType: root.lookupType('consensus.v1.Vote'),
  },
  {
    name: 'Proposal(10 votes)',
    batch: 200,
    ours: { encode: () => encodeProposal(proposal), decode: decodeProposal },
    staticType: pb.consensus.v1.Proposal,
    reflectType: root.lookupType('consensus.v1.Proposal'),
  },
  {
    name: 'AppMessage(ConversationSync, 100 scores)',
    batch: 100,
    ours: { encode: () => encodeAppMessage(sync), decode: decodeAppMessage },
    staticType: pb.de_mls.messages.v1.AppMessage,
    reflectType: root.lookupType('de_mls.messages.v1.AppMessage'),
  },
]

let sink = 0

async function timed(name: string, batch: number, op: () => number, params: Record<string, string | number>): Promise<Measurement> {
  const m = await measure(
    name,
    () => {
      for (let i = 0; i < batch; i++) sink += op()
    },
    { minTimeMs: MIN_TIME_MS, warmup: 20, params: { ...params, batch } },
  )
  // per operation, not per batch
  return { ...m, meanMs: m.meanMs / batch, p50Ms: m.p50Ms / batch, p99Ms: m.p99Ms / batch, opsPerSec: m.opsPerSec * batch }
}

const measurements: Measurement[] = []
const comparisons: Comparison[] = []
const started = performance.now()

for (const s of scenarios) {
  const bytes = s.ours.encode()
  // Each implementation encodes its own decoded form of the same bytes (so
  // static and reflection get their native message objects, with Longs).
  const staticMsg = s.staticType.decode(bytes)
  const reflectMsg = s.reflectType.decode(bytes)
  const check = (b: Uint8Array, who: string) => {
    if (Buffer.compare(Buffer.from(b), Buffer.from(bytes)) !== 0) throw new Error(`${who} encodes ${s.name} differently`)
  }
  check(s.staticType.encode(staticMsg).finish(), 'static')
  check(s.reflectType.encode(reflectMsg).finish(), 'reflection')
  const params = { message: s.name, bytes: bytes.length }

  for (const op of ['encode', 'decode'] as const) {
    const impls: [string, () => number][] =
      op === 'encode'
        ? [
            ['ours', () => s.ours.encode().length],
            ['static', () => s.staticType.encode(staticMsg).finish().length],
            ['reflection', () => s.reflectType.encode(reflectMsg).finish().length],
          ]
        : [
            ['ours', () => (s.ours.decode(bytes) ? 1 : 0)],
            ['static', () => (s.staticType.decode(bytes) ? 1 : 0)],
            ['reflection', () => (s.reflectType.decode(bytes) ? 1 : 0)],
          ]
    const got: Record<string, Measurement> = {}
    for (const [impl, fn] of impls) {
      const m = await timed(`${op} ${s.name} [${impl}]`, s.batch, fn, { ...params, op, impl })
      measurements.push(m)
      got[impl] = m
    }
    comparisons.push(compare(`${op} ${s.name}: ours / static (wrapper overhead)`, got.ours!, got.static!))
    comparisons.push(compare(`${op} ${s.name}: reflection / static`, got.reflection!, got.static!))
  }
}

// What reflection pays once per process (static code pays none of it):
// parse the three .proto files, resolve, and compile the Vote codecs.
const PROTO_DIR = join(import.meta.dirname, '..', 'proto')
const voteBytes = encodeVote(vote1)
measurements.push(
  await measure(
    'reflection cold start (loadSync + resolveAll + first Vote encode/decode)',
    () => {
      const r = new protobuf.Root()
      r.resolvePath = (_origin, target) => join(PROTO_DIR, target)
      r.loadSync([...PROTO_FILES], { keepCase: false }).resolveAll()
      const t = r.lookupType('consensus.v1.Vote')
      sink += t.encode(t.decode(voteBytes)).finish().length
    },
    { minTimeMs: MIN_TIME_MS, warmup: 3, params: { op: 'startup', impl: 'reflection' } },
  ),
)

const file = writeReport({
  package: '@demls/wire',
  title: 'Wire codecs: typed API vs protobufjs static code vs protobufjs reflection',
  measurements,
  comparisons,
  notes: [
    'ours = encodeT/decodeT (typed plain objects, bigint 64-bit fields, defensive input copy on decode, output copy on encode);',
    'static = the pbjs static-module code ours wraps (Long 64-bit fields, no copies); reflection = protobufjs Root.loadSync + Type.encode/decode.',
    'Times are per operation (each sample runs a batch). Static and reflection encode their own decoded message objects.',
  ],
})
console.log(`wrote ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s (sink ${sink > 0})`)
