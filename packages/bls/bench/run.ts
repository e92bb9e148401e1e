/**
 * @demls/bls benchmarks: what a member pays per membership change to check
 * the outcome, the aggregated way (one approval proof: hash to G2, N point
 * additions, one pairing) against the current design's floor (N
 * individual EIP-191 vote checks), on the native and noble backends, at
 * N = 50, 100 and 1,000 voters; plus the once-per-epoch and aggregator
 * costs and the proof's bytes.
 */
import { type Comparison, type Measurement, compare, compareToLimit, measure, measureInterleaved, writeReport } from '@demls-dev/bench-kit'
import { EthereumSigner } from '@demls/consensus'
import { nativeSecp256k1Backend, nobleBackend as nobleSecp256k1, signPersonalMessage } from '@demls/eip191'
import {
  type ApprovalProof,
  type BlsBackend,
  type BlsMemberKeys,
  type ProofContext,
  blsAggregateSignatures,
  blsBackendName,
  blsConsensusPlugin,
  blsKeyFromSeed,
  blsPublicKey,
  blsSign,
  blsVoteMessage,
  buildApprovalProof,
  createKeyBinding,
  encodeApprovalProof,
  encodeKeyBinding,
  nativeBlsBackend,
  nativeBlsBackendUnavailableReason,
  nobleBlsBackend,
  prepareMemberKeys,
  signerBitmap,
  verifyApprovalProof,
  verifyKeyBinding,
  verifyKeyBindings,
} from '../src/index.js'

const native = nativeBlsBackend()
if (native === undefined) throw new Error(`native BLS backend unavailable: ${nativeBlsBackendUnavailableReason()}`)
const secpNative = nativeSecp256k1Backend()
if (secpNative === undefined) throw new Error('native secp256k1 backend unavailable')
console.log(`BLS backend: ${blsBackendName()}`)

const SIZES = [50, 100, 1000] as const
/** The model size: measured on the native backend only (a noble check there is a model input nobody needs). */
const LARGE = 10_000
const MAX = LARGE
const secrets = Array.from({ length: MAX }, (_, i) => {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, i + 1)
  return blsKeyFromSeed(seed)
})
const publicKeys = secrets.map((sk) => blsPublicKey(sk, native))
const ctx: ProofContext = { conversationId: 'bench', epoch: 42n, proposalId: 0x1234_5678, proposalDigest: new Uint8Array(32).fill(0x5a), livenessCriteriaYes: true }
const yesMessage = blsVoteMessage(ctx, true)
const yesSigs = secrets.map((sk) => blsSign(sk, yesMessage, native))
const range = (n: number) => Array.from({ length: n }, (_, i) => i)

// Everyone of N votes YES: one side, N signers.
const proofs = new Map<number, ApprovalProof>()
const lists = new Map<string, BlsMemberKeys>()
for (const n of [...SIZES, LARGE]) {
  proofs.set(n, { epoch: ctx.epoch, proposalId: ctx.proposalId, proposalDigest: ctx.proposalDigest, yes: { signers: signerBitmap(range(n), n), signature: blsAggregateSignatures(yesSigs.slice(0, n), native)! } })
  for (const b of n === LARGE ? [native] : [native, nobleBlsBackend]) lists.set(`${b.name}/${n}`, prepareMemberKeys(publicKeys.slice(0, n), b))
}

// The current design: each vote is a protobuf Vote whose EIP-191 signature a member checks by recovering the signer
// (EthereumSigner.verify, recovery cache off: every vote is new). 180 bytes is about a Vote's signed payload.
const voteKeys = Array.from({ length: 32 }, (_, i) => new Uint8Array(32).fill(i + 1))
const votePayloads = voteKeys.map((_, i) => new Uint8Array(180).fill(i))
const voteSigs = voteKeys.map((k, i) => signPersonalMessage(k, votePayloads[i]!))
const voteOwners = voteKeys.map((k) => new EthereumSigner(k).identity)
const verifiers = {
  native: new EthereumSigner(voteKeys[0]!, { backend: secpNative, recoveryCacheSize: 0 }),
  noble: new EthereumSigner(voteKeys[0]!, { backend: nobleSecp256k1, recoveryCacheSize: 0 }),
}
let k = 0
const checkVotes = (v: EthereumSigner, n: number) => () => {
  for (let i = 0; i < n; i++) {
    const j = k++ % 32
    if (!v.verify(voteOwners[j]!, votePayloads[j]!, voteSigs[j]!)) throw new Error('vote check failed')
  }
}
const checkProof = (b: BlsBackend, n: number) => () => {
  if (!verifyApprovalProof(proofs.get(n)!, ctx, lists.get(`${b.name}/${n}`)!).ok) throw new Error('proof refused')
}

const subjects = [
  ...SIZES.map((n) => ({ name: `${n} EIP-191 vote checks · native`, batch: 1, fn: checkVotes(verifiers.native, n) })),
  { name: '1 EIP-191 vote check · noble', batch: 4, fn: checkVotes(verifiers.noble, 1) },
  ...SIZES.map((n) => ({ name: `approval proof of ${n} signers · native`, batch: n === 1000 ? 2 : 4, fn: checkProof(native, n) })),
  ...SIZES.map((n) => ({ name: `approval proof of ${n} signers · noble`, batch: 1, fn: checkProof(nobleBlsBackend, n) })),
  { name: `approval proof of ${LARGE} signers · native`, batch: 1, fn: checkProof(native, LARGE) },
]
const m = measureInterleaved(subjects, { minTimeMs: 10_000, minSamples: 10 })
const byName = (name: string) => m.find((x) => x.name === name)!
const scaled = (per: Measurement, n: number, name: string): Measurement => ({
  ...per,
  name,
  opsPerSec: per.opsPerSec / n,
  meanMs: per.meanMs * n,
  p50Ms: per.p50Ms * n,
  p99Ms: per.p99Ms * n,
  params: { ...per.params, scaledBy: n },
})
const perNobleVote = byName('1 EIP-191 vote check · noble')
const nobleFloors = SIZES.map((n) => scaled(perNobleVote, n, `${n} EIP-191 vote checks · noble (${n} × one, same rounds)`))

// Once per epoch, and the aggregator's side.
const once: Measurement[] = []
once.push(await measure('prepare 1,000 member keys from bytes · native (new list)', () => prepareMemberKeys(publicKeys, native), { minTimeMs: 1500 }))
once.push(await measure('prepare 1,000 member keys from bytes · noble (new list)', () => prepareMemberKeys(publicKeys, nobleBlsBackend), { minTimeMs: 1500, minSamples: 3 }))
const prevNative = lists.get('native/1000')!
const joined = [...publicKeys.slice(1), blsPublicKey(blsKeyFromSeed(new Uint8Array(32).fill(0xee)), native)]
once.push(await measure('prepare 1,000 member keys reusing the previous epoch (one changed) · native', () => prepareMemberKeys(joined, native, { reuse: prevNative }), { minTimeMs: 1500 }))
const prevNoble = lists.get('noble/1000')!
once.push(await measure('prepare 1,000 member keys reusing the previous epoch (one changed) · noble', () => prepareMemberKeys(joined, nobleBlsBackend, { reuse: prevNoble }), { minTimeMs: 1500 }))
const votes1000 = range(1000).map((member) => ({ member, vote: true, signature: yesSigs[member]! }))
once.push(await measure('aggregator: build the proof of 1,000 YES votes (batch check) · native', () => buildApprovalProof(ctx, prevNative, votes1000), { minTimeMs: 2000, minSamples: 3 }))
// The aggregator's batch check, interleaved: each side's signatures only decompressed and the subgroup checked once on
// their sum (aggregateAndVerify), against the two steps a backend without it takes (every signature subgroup-checked).
const twoStep: BlsBackend = { ...native, aggregateAndVerify: undefined }
const twoStepList = prepareMemberKeys(publicKeys.slice(0, 1000), twoStep)
const buildRuns = measureInterleaved(
  [
    { name: 'aggregator: build the proof of 1,000 YES votes, the subgroup checked on the sum · native', batch: 1, fn: () => buildApprovalProof(ctx, prevNative, votes1000) },
    { name: 'aggregator: build the proof of 1,000 YES votes, every signature subgroup-checked · native', batch: 1, fn: () => buildApprovalProof(ctx, twoStepList, votes1000) },
  ],
  { minTimeMs: 6000, minSamples: 5 },
)
once.push(await measure('aggregator: build the proof of 100 YES votes (batch check) · noble', () => buildApprovalProof(ctx, lists.get('noble/100')!, votes1000.slice(0, 100)), { minTimeMs: 2000, minSamples: 3 }))
const votes10k = range(LARGE).map((member) => ({ member, vote: true, signature: yesSigs[member]! }))
once.push(await measure(`aggregator: build the proof of ${LARGE} YES votes (batch check) · native`, () => buildApprovalProof(ctx, lists.get(`native/${LARGE}`)!, votes10k), { minTimeMs: 3000, minSamples: 3 }))
once.push(await measure('sign one BLS vote · native', () => blsSign(secrets[0]!, yesMessage, native), { minTimeMs: 1000 }))
once.push(await measure('sign one BLS vote · noble', () => blsSign(secrets[0]!, yesMessage, nobleBlsBackend), { minTimeMs: 1000 }))
once.push(await measure('sign one EIP-191 vote · native', () => signPersonalMessage(voteKeys[0]!, votePayloads[0]!, secpNative), { minTimeMs: 1000 }))

const proofBytes = encodeApprovalProof(proofs.get(1000)!).length
const bothSides = encodeApprovalProof({
  ...proofs.get(1000)!,
  yes: { signers: signerBitmap(range(1000).filter((i) => i % 2 === 0), 1000), signature: proofs.get(1000)!.yes!.signature },
  no: { signers: signerBitmap(range(1000).filter((i) => i % 2 === 1), 1000), signature: proofs.get(1000)!.yes!.signature },
}).length

// Medians: the box is shared (2 cores, other jobs), and a contended sample inflates a mean far more than a median.
const median = { stat: 'median' } as const
// At 10,000 members (the model): bitmaps of 1,250 bytes.
const sig96 = proofs.get(1000)!.yes!.signature
const at10k = (sides: 1 | 2) =>
  encodeApprovalProof({
    epoch: 1_000_000n,
    proposalId: 0xffff_ffff,
    proposalDigest: ctx.proposalDigest,
    yes: { signers: signerBitmap(range(10_000).filter((i) => sides === 1 || i % 2 === 0), 10_000), signature: sig96 },
    ...(sides === 2 ? { no: { signers: signerBitmap(range(10_000).filter((i) => i % 2 === 1), 10_000), signature: sig96 } } : {}),
  }).length

// A joiner takes every member's key binding from its Welcome: checked one by one, or together (random weights, one final
// exponentiation; the same verdicts). Interleaved in the same rounds, on the platform's backend (native blst here).
const joinBindings = Array.from({ length: 100 }, (_, i) => {
  const key = new Uint8Array(32).fill(0)
  new DataView(key.buffer).setUint32(28, i + 1)
  return createKeyBinding(new EthereumSigner(key), key)
})
// Then it builds the epoch's member key list from those keys: the plug-in takes the keys its binding check parsed and
// validated; validating each again (the public functions one after the other) is the baseline.
const joinEncoded = joinBindings.map(encodeKeyBinding)
const joinKeys = joinBindings.map((b) => b.publicKey)
const joinerAggregation = () => {
  const key = new Uint8Array(32).fill(0xee)
  return blsConsensusPlugin(new EthereumSigner(key), { memberSecretKey: key }).aggregation!
}
const keepingKeys = joinerAggregation()
const bindingRuns = measureInterleaved(
  [
    { name: 'a joiner checks 100 key bindings one by one (verifyKeyBinding)', batch: 1, fn: () => joinBindings.map((b) => verifyKeyBinding(b)) },
    { name: 'a joiner checks 100 key bindings together (verifyKeyBindings)', batch: 1, fn: () => verifyKeyBindings(joinBindings) },
    {
      name: 'a joiner checks 100 key bindings, then builds its member key list validating each key again (verifyKeyBindings, prepareMemberKeys)',
      batch: 1,
      fn: () => {
        verifyKeyBindings(joinBindings)
        return prepareMemberKeys(joinKeys)
      },
    },
    {
      name: 'a joiner checks 100 key bindings, then builds its member key list from the keys the check parsed (the plug-in)',
      batch: 1,
      fn: () => {
        keepingKeys.verifyBindings?.(joinEncoded)
        return keepingKeys.memberKeys(joinKeys)
      },
    },
  ],
  { minTimeMs: 4000, minSamples: 5 },
)

const comparisons: Comparison[] = []
comparisons.push(compare('100 key bindings from a Welcome: checked together vs one by one', bindingRuns[1]!, bindingRuns[0]!, undefined, median))
comparisons.push(
  compare('100 key bindings from a Welcome and the member key list: keys parsed once (the plug-in) vs validated twice', bindingRuns[3]!, bindingRuns[2]!, undefined, median),
)
comparisons.push(compare("aggregator's proof of 1,000 YES votes: the subgroup checked on the sum vs on every signature", buildRuns[0]!, buildRuns[1]!, undefined, median))
for (const [i, n] of SIZES.entries()) {
  const floor = byName(`${n} EIP-191 vote checks · native`)
  comparisons.push(compare(`N = ${n}: approval proof vs ${n} EIP-191 vote checks · native`, byName(`approval proof of ${n} signers · native`), floor, undefined, median))
  comparisons.push(compare(`N = ${n}: approval proof vs ${n} EIP-191 vote checks · noble (browser)`, byName(`approval proof of ${n} signers · noble`), nobleFloors[i]!, undefined, median))
  comparisons.push(compare(`N = ${n}: approval proof · noble vs ${n} EIP-191 vote checks · native`, byName(`approval proof of ${n} signers · noble`), floor, undefined, median))
}
comparisons.push(compare('approval proof 1,000 vs 50 signers · native (growth with N)', byName('approval proof of 1000 signers · native'), byName('approval proof of 50 signers · native'), undefined, median))
comparisons.push(compareToLimit('vote-related bytes per member per change at N = 1,000 (the proof, everyone on one side)', proofBytes, 2048, 'bytes'))
comparisons.push(compareToLimit('vote-related bytes per member per change at N = 1,000 (the proof, 500 YES and 500 NO)', bothSides, 2048, 'bytes'))
// The current design's bytes beside them (a reference row, not a target of this package).
comparisons.push({ name: 'the current design at N = 1,000: 1,000 vote messages of 394 bytes', subject: `${394 * 1000} bytes`, baseline: '2048 bytes (issue 55 target)', ratio: (394 * 1000) / 2048 })
comparisons.push(compareToLimit('vote-related bytes per member per change at N = 10,000 (the proof, everyone on one side)', at10k(1), 4096, 'bytes'))
comparisons.push(compareToLimit('vote-related bytes per member per change at N = 10,000 (the proof, 5,000 YES and 5,000 NO)', at10k(2), 4096, 'bytes'))

// The model at 10,000 members, per member and per change (a removal): what this run measured (the proof check,
// the BLS vote, the aggregator's proof) plus the MLS work measured at 10,000 members by the scale bench
// (docs/scale.md, 2026-11-25 run, this machine): the proposal's decryption, the candidate's authentication, staging and
// merging the commit; for the aggregator, decrypting and decoding each member's vote message.
const MLS_10K = { proposalMs: 0.448, candidateMs: 0.507, commitRemoveMs: 770, voteDecryptMs: 0.131, voteDecodeMs: 0.007, stewardRemoveCommitMs: 5564 }
const proof10k = byName(`approval proof of ${LARGE} signers · native`).p50Ms
const signVote = once.find((x) => x.name === 'sign one BLS vote · native')!.p50Ms
const build10k = once.find((x) => x.name === `aggregator: build the proof of ${LARGE} YES votes (batch check) · native`)!.p50Ms
// Our vote: the BLS signature and its MLS encryption (about the proposal's decryption), sent once.
const memberMs = MLS_10K.proposalMs + signVote + MLS_10K.proposalMs + proof10k + MLS_10K.candidateMs + MLS_10K.commitRemoveMs
const aggregatorMs = memberMs + (LARGE - 1) * (MLS_10K.voteDecryptMs + MLS_10K.voteDecodeMs) + build10k
// The proof message: the proposal as its owner sent it (one vote) with the proof, MLS-framed (~ the vote message's 138-byte overhead).
const proofMessageBytes = at10k(1) + 400 + 138
comparisons.push(compareToLimit('modelled CPU per member per change at N = 10,000 (aggregated; commit included)', memberMs / 1000, 1, 's', `${(memberMs / 1000).toFixed(2)} s`))
comparisons.push(compareToLimit('modelled vote traffic per member per change at N = 10,000 (one proof message)', proofMessageBytes, 4096, 'bytes'))
comparisons.push({ name: "modelled CPU of an aggregator (steward) per change at N = 10,000 (its member's share included)", subject: `${(aggregatorMs / 1000).toFixed(2)} s`, baseline: `${(MLS_10K.stewardRemoveCommitMs / 1000).toFixed(2)} s to build and merge the commit (the epoch steward, either design)`, ratio: aggregatorMs / MLS_10K.stewardRemoveCommitMs })

writeReport({
  package: '@demls/bls',
  title: 'BLS aggregate approval proofs vs individual EIP-191 votes (native blst / noble)',
  measurements: [...m, ...nobleFloors, ...once, ...buildRuns, ...bindingRuns],
  comparisons,
  notes: [
    `Default backend at load: ${blsBackendName()}. Both backends are called explicitly.`,
    'Ratios compare medians (p50): the box is shared, and contended samples move means far more than medians.',
    'A joiner validates each member key once: the plug-in keeps the keys its binding check parsed (subgroup-checked) and builds the epoch\'s member key list from them; the baseline, the public `verifyKeyBindings` then `prepareMemberKeys`, validates each key twice. The plug-in subject also decodes the 100 encoded bindings.',
    'Per change, a member checks one approval proof (hash to G2, N − 1 point additions, one pairing) instead of N EIP-191 vote signatures (keccak + ECDSA recovery each). Every subject runs in the same interleaved rounds; an "N EIP-191 vote checks · native" sample is N checks in a row; the noble floor is N × one noble check of the same rounds (a direct 1,000-check noble sample takes about 7 s).',
    'Not counted on either side: MLS decryption and protobuf decoding of the N vote messages (the current design pays them too, so the real floor is higher), and the once-per-epoch member key list (listed separately: reusing the previous epoch, a change parses one key).',
    `Model at N = 10,000 (per member per change, removal): proposal ${MLS_10K.proposalMs} ms + our BLS vote ${signVote.toFixed(2)} ms and its encryption (~${MLS_10K.proposalMs} ms) + the proof check ${proof10k.toFixed(2)} ms (this run) + the candidate's authentication ${MLS_10K.candidateMs} ms + staging and merging the commit ${MLS_10K.commitRemoveMs} ms (MLS terms measured at 10,000 members by the scale bench, docs/scale.md, 2026-11-25) = ${(memberMs / 1000).toFixed(2)} s. The reference design adds 9,999 vote messages: 2.08 s more per member there. An aggregator also decrypts and decodes 9,999 vote messages (${MLS_10K.voteDecryptMs + MLS_10K.voteDecodeMs} ms each) and builds the proof (${(build10k / 1000).toFixed(2)} s, this run): ${(aggregatorMs / 1000).toFixed(2)} s. Left out on both sides: merge attestations and session logic.`,
    `Proof bytes at N = 1,000: ${proofBytes} with everyone on one side, ${bothSides} with 500 YES and 500 NO (target ≤ 2,048 vote-related bytes per member per change; the current design delivers about 394 bytes × N).`,
  ],
})
