/**
 * @demls/consensus benchmarks: vote validation vs the raw crypto floor
 * (keccak-256 of the EIP-191 message + secp256k1 public-key recovery +
 * address derivation), vote creation (sign), and the result rule.
 */
import { performance } from 'node:perf_hooks'
import { compare, measure, summarise, writeReport } from '@demls-dev/bench-kit'
import { encodeVote } from '@demls/wire'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { hexToBytes } from '@noble/hashes/utils.js'
import {
  EthereumSigner,
  buildVote,
  consensusResult,
  createProposal,
  validateVote,
} from '../src/index.js'

const ALICE = hexToBytes('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const BOB = hexToBytes('59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const NOW = 1_700_000_000_000
const alice = new EthereumSigner(ALICE)
const bob = new EthereumSigner(BOB)
const proposal = createProposal({ payload: new Uint8Array(64), owner: alice.identity, expectedVotersCount: 100 }, NOW)
const first = buildVote({ proposal, choice: true, signer: alice, now: NOW })
proposal.votes.push(first)

// A pool of distinct signed votes so validation is not measured on one cached input.
const POOL = 64
const votes = Array.from({ length: POOL }, () => buildVote({ proposal, choice: true, signer: bob, now: NOW + 1000 }))
const nowSec = BigInt(NOW / 1000) + 2n

// Raw floor inputs: the exact EIP-191 message bytes and signatures the validator recovers.
const PREFIX = new TextEncoder().encode('\x19Ethereum Signed Message:\n')
const raw = votes.map((v) => {
  const payload = encodeVote({ ...v, signature: undefined })
  const len = new TextEncoder().encode(String(payload.length))
  const msg = new Uint8Array(PREFIX.length + len.length + payload.length)
  msg.set(PREFIX)
  msg.set(len, PREFIX.length)
  msg.set(payload, PREFIX.length + len.length)
  return { msg, sig: v.signature }
})

const BATCH = 16
let i = 0
let j = 0
const validateBatch = (): void => {
  for (let k = 0; k < BATCH; k++) validateVote(votes[i++ % POOL]!, proposal, nowSec, alice)
}
const floorBatch = (): void => {
  for (let k = 0; k < BATCH; k++) {
    const { msg, sig } = raw[j++ % POOL]!
    const s = secp256k1.Signature.fromBytes(sig.subarray(0, 64), 'compact').addRecoveryBit(sig[64]! - 27)
    const pub = s.recoverPublicKey(keccak_256(msg)).toBytes(false)
    keccak_256(pub.subarray(1)).slice(12)
  }
}
// Interleave subject and floor batches so both see the same machine load (the CI box is shared).
for (let w = 0; w < 3; w++) {
  validateBatch()
  floorBatch()
}
const vTimes: number[] = []
const fTimes: number[] = []
const start = performance.now()
while (performance.now() - start < 10_000 || vTimes.length < 20) {
  let t = performance.now()
  validateBatch()
  vTimes.push(performance.now() - t)
  t = performance.now()
  floorBatch()
  fTimes.push(performance.now() - t)
}
const validation = summarise('validate vote (hash + recover + compare)', vTimes, { batch: BATCH })
const floor = summarise('raw floor (keccak EIP-191 + recoverPublicKey + address)', fTimes, { batch: BATCH })
const signing = await measure(
  'create vote (hash + sign)',
  () => {
    for (let k = 0; k < BATCH; k++) buildVote({ proposal, choice: k % 2 === 0, signer: bob, now: NOW + 1000 })
  },
  { minTimeMs: 3000, params: { batch: BATCH } },
)
let n = 3
const RULE_BATCH = 10_000
const rule = await measure(
  'consensusResult',
  () => {
    for (let k = 0; k < RULE_BATCH; k++) {
      n = n >= 1000 ? 3 : n + 1
      consensusResult({ expectedVoters: n, yes: n >> 1, no: n >> 2, livenessCriteriaYes: (n & 1) === 0, timedOut: (n & 2) === 0 })
    }
  },
  { minTimeMs: 2000, params: { batch: RULE_BATCH } },
)

// Per-operation figures (each sample runs a batch).
const perOp = (m: typeof validation, batch: number) => ({
  ...m,
  opsPerSec: m.opsPerSec * batch,
  meanMs: m.meanMs / batch,
  p50Ms: m.p50Ms / batch,
  p99Ms: m.p99Ms / batch,
})
const measurements = [perOp(validation, BATCH), perOp(floor, BATCH), perOp(signing, BATCH), perOp(rule, RULE_BATCH)]
const [v, f] = measurements as [typeof validation, typeof floor]
writeReport({
  package: '@demls/consensus',
  title: 'Consensus: vote validation, vote creation, result rule',
  measurements,
  comparisons: [compare('vote validation vs raw secp256k1 recovery floor', v, f, 1.25)],
  notes: [
    'Validation = SHA-256 vote-hash recompute + protobuf re-encode + EIP-191 keccak + secp256k1 recovery + address compare + time-window checks.',
    'Floor = keccak-256 of the EIP-191 message + secp256k1 recoverPublicKey + keccak address derivation, on the same votes.',
    `Per-operation figures; each sample runs a batch (${BATCH} votes, ${RULE_BATCH} rule evaluations).`,
  ],
})
