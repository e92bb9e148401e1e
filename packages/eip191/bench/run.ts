/**
 * @demls/eip191 benchmarks: EIP-191 signer recovery and signing on the
 * native and noble backends, interleaved, plus the bare native recovery.
 */
import { performance } from 'node:perf_hooks'
import { compare, summarise, writeReport } from '@demls-dev/bench-kit'
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
const subjects: [string, number, () => void][] = [
  ['recover EIP-191 signer (180-byte message) · native', 16, recover(native)],
  ['recover EIP-191 signer (180-byte message) · noble', 2, recover(nobleBackend)],
  [
    'libsecp256k1 ecdsaRecover alone',
    16,
    () => {
      const k = i++ % POOL
      native.recoverPublicKey(hashes[k]!, sigs[k]!.subarray(0, 64), (sigs[k]![64]! - 27) as 0 | 1)
    },
  ],
  ['sign EIP-191 (180-byte message) · native', 16, sign(native)],
  ['sign EIP-191 (180-byte message) · noble', 4, sign(nobleBackend)],
]
const times = subjects.map(() => [] as number[])
const run = (k: number): number => {
  const [, batch, fn] = subjects[k]!
  const t = performance.now()
  for (let b = 0; b < batch; b++) fn()
  return performance.now() - t
}
for (let w = 0; w < 3; w++) for (let k = 0; k < subjects.length; k++) run(k)
const start = performance.now()
while (performance.now() - start < 6000 || times[0]!.length < 20) for (let k = 0; k < subjects.length; k++) times[k]!.push(run(k))
const m = subjects.map(([name, batch], k) => {
  const s = summarise(name, times[k]!, { batch })
  return { ...s, opsPerSec: s.opsPerSec * batch, meanMs: s.meanMs / batch, p50Ms: s.p50Ms / batch, p99Ms: s.p99Ms / batch }
})
const [recNative, recNoble, bare, signNative, signNoble] = m as [(typeof m)[0], (typeof m)[0], (typeof m)[0], (typeof m)[0], (typeof m)[0]]
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
    'Interleaved batches (16 operations; 2 or 4 for noble), per-operation figures. keccak-256 is @noble/hashes on both backends.',
  ],
})
