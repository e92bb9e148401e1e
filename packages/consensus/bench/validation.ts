/**
 * Vote validation on the native and noble secp256k1 backends against the
 * native recovery floors, measured in interleaved batches so every subject
 * sees the same machine load.
 */
import { type Measurement, measureInterleaved } from '@demls-dev/bench-kit'
import { nativeSecp256k1Backend, nobleBackend } from '@demls/eip191'
import { encodeVote } from '@demls/wire'
import { hexToBytes } from '@noble/hashes/utils.js'
import { EthereumSigner, buildVote, createProposal, hashPersonalMessage, validateVote } from '../src/index.js'

const ALICE = hexToBytes('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const BOB = hexToBytes('59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const NOW = 1_700_000_000_000

export interface ValidationResult {
  nativeValidation: Measurement
  nobleValidation: Measurement
  cryptoFloor: Measurement
  recoverFloor: Measurement
  batch: number
}

/** Interleaved batches for `ms` milliseconds (at least 20 samples each). */
export function benchValidation(ms: number): ValidationResult {
  const native = nativeSecp256k1Backend()
  if (native === undefined) throw new Error('the native secp256k1 backend did not load: nothing to compare')
  // No recovery cache: the pool of votes is validated over and over, and each check must pay the recovery.
  const nativeVerifier = new EthereumSigner(ALICE, { backend: native, recoveryCacheSize: 0 })
  const nobleVerifier = new EthereumSigner(ALICE, { backend: nobleBackend, recoveryCacheSize: 0 })
  const alice = new EthereumSigner(ALICE)
  const bob = new EthereumSigner(BOB)
  const proposal = createProposal({ payload: new Uint8Array(64), owner: alice.identity, expectedVotersCount: 100 }, NOW)
  proposal.votes.push(buildVote({ proposal, choice: true, signer: alice, now: NOW }))
  // A pool of distinct signed votes so validation is not measured on one cached input.
  const POOL = 64
  const votes = Array.from({ length: POOL }, () => buildVote({ proposal, choice: true, signer: bob, now: NOW + 1000 }))
  const nowSec = BigInt(NOW / 1000) + 2n
  // Floor inputs: the EIP-191 message bytes (crypto floor) and its hash (recovery floor).
  const PREFIX = new TextEncoder().encode('\x19Ethereum Signed Message:\n')
  const raw = votes.map((v) => {
    const payload = encodeVote({ ...v, signature: undefined })
    const len = new TextEncoder().encode(String(payload.length))
    const msg = new Uint8Array(PREFIX.length + len.length + payload.length)
    msg.set(PREFIX)
    msg.set(len, PREFIX.length)
    msg.set(payload, PREFIX.length + len.length)
    const hash = hashPersonalMessage(payload)
    return { msg, hash, compact: v.signature.subarray(0, 64), recovery: (v.signature[64]! - 27) as 0 | 1 }
  })
  const BATCH = 16
  let i = 0
  const [nativeValidation, nobleValidation, cryptoFloor, recoverFloor] = measureInterleaved(
    [
      { name: 'validate vote · native', batch: BATCH, fn: () => validateVote(votes[i++ % POOL]!, proposal, nowSec, nativeVerifier) },
      { name: 'validate vote · noble', batch: 2, fn: () => validateVote(votes[i++ % POOL]!, proposal, nowSec, nobleVerifier) },
      {
        name: `native crypto floor (keccak EIP-191 + libsecp256k1 recover + keccak address; keccak ${native.keccak})`,
        batch: BATCH,
        fn: () => {
          const r = raw[i++ % POOL]!
          const pub = native.recoverPublicKey(native.keccak256(r.msg), r.compact, r.recovery)!
          native.keccak256(pub.subarray(1)).slice(12)
        },
      },
      {
        name: 'native recovery floor (libsecp256k1 ecdsaRecover alone)',
        batch: BATCH,
        fn: () => {
          const r = raw[i++ % POOL]!
          native.recoverPublicKey(r.hash, r.compact, r.recovery)
        },
      },
    ],
    { minTimeMs: ms, warmup: 5 },
  ) as [Measurement, Measurement, Measurement, Measurement]
  return { nativeValidation, nobleValidation, cryptoFloor, recoverFloor, batch: BATCH }
}
