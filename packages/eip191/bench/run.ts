/**
 * @demls/eip191 benchmarks: EIP-191 signer recovery and signing on the
 * native and noble backends, interleaved, plus the bare native recovery.
 */
import { type Measurement, compare, measureInterleaved, writeReport } from '@demls-dev/bench-kit'
import { hexToBytes } from '@noble/hashes/utils.js'
import {
  type Secp256k1Backend,
  hashPersonalMessage,
  nativeBackendUnavailableReason,
  nativeSecp256k1Backend,
  nobleBackend,
  recoverPersonalMessageAddress,
  signPersonalMessage,
  signatureBackend,
} from '../src/index.js'

console.log(`secp256k1 signature backend: ${signatureBackend()}`)

const native = nativeSecp256k1Backend()
if (native === undefined) throw new Error(`native backend unavailable: ${nativeBackendUnavailableReason()}`)

const key = hexToBytes('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const POOL = 32
const messages = Array.from({ length: POOL }, (_, i) => new Uint8Array(180).fill(i))
const sigs = messages.map((m) => signPersonalMessage(key, m, nobleBackend))
const hashes = messages.map((m) => hashPersonalMessage(m))
let i = 0
const recover = (b: Secp256k1Backend) => () => {
  const k = i++ % POOL
  recoverPersonalMessageAddress(messages[k]!, sigs[k]!, b)
}
const sign = (b: Secp256k1Backend) => () => {
  signPersonalMessage(key, messages[i++ % POOL]!, b)
}
const m = measureInterleaved(
  [
    { name: 'recover EIP-191 signer (180-byte message) · native', batch: 16, fn: recover(native) },
    { name: 'recover EIP-191 signer (180-byte message) · noble', batch: 2, fn: recover(nobleBackend) },
    {
      name: 'libsecp256k1 ecdsaRecover alone',
      batch: 16,
      fn: () => {
        const k = i++ % POOL
        native.recoverPublicKey(hashes[k]!, sigs[k]!.subarray(0, 64), (sigs[k]![64]! - 27) as 0 | 1)
      },
    },
    { name: 'sign EIP-191 (180-byte message) · native', batch: 16, fn: sign(native) },
    { name: 'sign EIP-191 (180-byte message) · noble', batch: 4, fn: sign(nobleBackend) },
  ],
  { minTimeMs: 6000 },
)
const [recNative, recNoble, bare, signNative, signNoble] = m as [Measurement, Measurement, Measurement, Measurement, Measurement]
writeReport({
  package: '@demls/eip191',
  title: 'EIP-191 signatures: native libsecp256k1 vs noble',
  measurements: m,
  comparisons: [
    compare('recover: noble vs native', recNoble, recNative),
    compare('recover (keccak message + recover + keccak address) vs bare ecdsaRecover', recNative, bare),
    compare('sign: noble vs native', signNoble, signNative),
  ],
  notes: [
    `Default backend at load: ${signatureBackend()}. Both backends are called explicitly here.`,
    `Interleaved batches (16 operations; 2 or 4 for noble), per-operation figures. keccak-256 runs on each backend's own keccak (native: ${native.keccak}).`,
  ],
})
