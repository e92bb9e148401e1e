/**
 * @demls/consensus benchmarks: vote validation on both secp256k1 backends
 * against the native recovery floors, per-vote bookkeeping cost against the
 * number of votes held, vote creation (sign), and the result rule.
 */
import { type Measurement, compare, measure, perOperation as perOp, writeReport } from '@demls-dev/bench-kit'
import { hexToBytes } from '@noble/hashes/utils.js'
import { defaultSecp256k1Backend } from '@demls/eip191'
import { EthereumSigner, buildVote, consensusResult, createProposal, signatureBackend } from '../src/index.js'
import { benchBookkeeping } from './bookkeeping.js'
import { benchValidation } from './validation.js'

const backend = signatureBackend()
const keccak = defaultSecp256k1Backend().keccak
console.log(`secp256k1 signature backend: ${backend} (keccak-256: ${keccak})`)

const v = benchValidation(10_000)

const BOB = hexToBytes('59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const NOW = 1_700_000_000_000
const bob = new EthereumSigner(BOB)
const proposal = createProposal({ payload: new Uint8Array(64), owner: bob.identity, expectedVotersCount: 100 }, NOW)
const BATCH = 16
const signing = perOp(
  await measure(
    `create vote (hash + sign) · ${backend}`,
    () => {
      for (let k = 0; k < BATCH; k++) buildVote({ proposal, choice: k % 2 === 0, signer: bob, now: NOW + 1000 })
    },
    { minTimeMs: 2000, params: { batch: BATCH } },
  ),
  BATCH,
)
let n = 3
const RULE_BATCH = 10_000
const rule = perOp(
  await measure(
    'consensusResult',
    () => {
      for (let k = 0; k < RULE_BATCH; k++) {
        n = n >= 1000 ? 3 : n + 1
        consensusResult({ expectedVoters: n, yes: n >> 1, no: n >> 2, livenessCriteriaYes: (n & 1) === 0, timedOut: (n & 2) === 0 })
      }
    },
    { minTimeMs: 1000, params: { batch: RULE_BATCH } },
  ),
  RULE_BATCH,
)

const SIZES = [10, 100, 1000]
const TAIL = 20
const REPS = 25
const rows = benchBookkeeping(SIZES, REPS, TAIL)
const first = rows[0]!
const mid = rows[1]!
const last = rows.at(-1)!
// Few samples per size and GC pauses land on whichever size is running: compare medians.
const median = (m: Measurement): Measurement => ({ ...m, meanMs: m.p50Ms })

writeReport({
  package: '@demls/consensus',
  title: 'Consensus: vote validation (native vs noble), per-vote bookkeeping against N, vote creation, result rule',
  measurements: [
    v.nativeValidation,
    v.nobleValidation,
    v.cryptoFloor,
    v.recoverFloor,
    signing,
    rule,
    ...rows.flatMap((r) => [r.full, r.bookkeeping]),
  ],
  comparisons: [
    compare('vote validation (native) vs native crypto floor', v.nativeValidation, v.cryptoFloor, 1.3),
    compare('vote validation (native) vs native ecdsaRecover alone', v.nativeValidation, v.recoverFloor),
    compare('vote validation: noble vs native', v.nobleValidation, v.nativeValidation),
    compare(`receiveVote per vote, N=${last.n} vs N=${first.n} (full, medians)`, median(last.full), median(first.full), 1.3),
    compare(`receiveVote per vote, N=${mid.n} vs N=${first.n} (full, medians)`, median(mid.full), median(first.full), 1.3),
    compare(
      `receiveVote per vote, N=${last.n} vs N=${first.n} (bookkeeping only, medians)`,
      median(last.bookkeeping),
      median(first.bookkeeping),
      1.3,
    ),
    compare(
      `receiveVote per vote, N=${mid.n} vs N=${first.n} (bookkeeping only, medians)`,
      median(mid.bookkeeping),
      median(first.bookkeeping),
      1.3,
    ),
  ],
  notes: [
    `Signature backend chosen at load: ${backend}, keccak-256 ${keccak} (@demls/eip191 signatureBackend()). The noble rows force @noble/curves through EthereumSigner's backend option.`,
    'Validation = SHA-256 vote-hash recompute + protobuf re-encode + EIP-191 keccak + secp256k1 recovery + keccak address + compare + time-window checks.',
    'Native crypto floor = keccak-256 of the EIP-191 message + libsecp256k1 recovery + keccak address derivation, on the same votes, with the native backend’s keccak. Native ecdsaRecover alone = the addon call on the precomputed hash.',
    `Validation rows run in interleaved batches (${v.batch} votes; 2 for noble) so all see the same load; per-operation figures.`,
    `receiveVote rows: a proposal expecting 3N voters (never decided), N votes from N distinct signers; each of the last ${TAIL} votes timed on its own (the session already holds about N), ${REPS} fresh sessions per N, interleaved across N; the N comparisons use medians (a preemption on the shared machine spoils single samples). "bookkeeping only" uses a signer whose verify accepts everything, to isolate the service's own work from the curve.`,
  ],
})
