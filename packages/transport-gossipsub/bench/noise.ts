/**
 * The per-frame and per-packet crypto of a demls node in Node (issue 56:
 * a peer's CPU on the real network). Every frame a connection carries is
 * sealed by its sender and opened by its receiver with ChaCha20-Poly1305
 * (noise), and every packet gossipsub receives, duplicates included, is
 * hashed for its message id. Subject and baseline run interleaved in one
 * process:
 *
 * 1. One frame sealed and opened, at the sizes a group sends (a vote of
 *    400 bytes, a frame of 1,100 and 4,096 bytes, a commit of 20 KB):
 *    the node's crypto (libsodium, `nodeNoiseCrypto`) against noise's own
 *    default in Node (WebAssembly below 1,200 bytes, `createCipheriv`
 *    above).
 * 2. A message id (SHA-256) of 400 and 4,096 bytes: one `crypto.hash`
 *    call against a `createHash` object per packet.
 */
import { createHash } from 'node:crypto'
import { type ICryptoInterface, noise } from '@chainsafe/libp2p-noise'
import { type Measurement, compare, summarise, writeReport } from '@demls-dev/bench-kit'
import { nodeNoiseCrypto, nodeSha256 } from '../src/platform/node-noise.js'

const SAMPLES = 30
const OPS = 2_000

/** Noise's own crypto in Node, as a node built with `noise()` and no `crypto` uses it. */
function noiseDefault(): Pick<ICryptoInterface, 'chaCha20Poly1305Encrypt' | 'chaCha20Poly1305Decrypt'> {
  const log = Object.assign(() => {}, { error() {}, trace() {}, enabled: false })
  const instance = noise()({ logger: { forComponent: () => log } } as never) as unknown as {
    crypto: { encrypt: ICryptoInterface['chaCha20Poly1305Encrypt']; decrypt: ICryptoInterface['chaCha20Poly1305Decrypt'] }
  }
  return { chaCha20Poly1305Encrypt: instance.crypto.encrypt, chaCha20Poly1305Decrypt: instance.crypto.decrypt }
}

const native = nodeNoiseCrypto()
if (native === undefined) throw new Error('bench: sodium-native did not load')
const fallback = noiseDefault()
const key = crypto.getRandomValues(new Uint8Array(32))
const nonce = new Uint8Array(12)
const ad = new Uint8Array(0)

/** Milliseconds per call of `op`, `OPS` calls per sample, after a warm-up. */
function perOp(op: () => unknown): number {
  const t = performance.now()
  for (let i = 0; i < OPS; i++) op()
  return (performance.now() - t) / OPS
}

function sealOpen(c: Pick<ICryptoInterface, 'chaCha20Poly1305Encrypt' | 'chaCha20Poly1305Decrypt'>, frame: Uint8Array): () => void {
  return () => {
    const sealed = c.chaCha20Poly1305Encrypt(frame, nonce, ad, key).subarray()
    c.chaCha20Poly1305Decrypt(sealed, nonce, ad, key, sealed.subarray(0, frame.length))
  }
}

/** Interleaved samples of two operations: [subject, baseline]. */
function pair(subjectName: string, subject: () => unknown, baselineName: string, baseline: () => unknown, params: Record<string, number>): [Measurement, Measurement] {
  for (let i = 0; i < 3; i++) {
    perOp(subject)
    perOp(baseline)
  }
  const s: number[] = []
  const b: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    s.push(perOp(subject))
    b.push(perOp(baseline))
  }
  return [summarise(subjectName, s, params), summarise(baselineName, b, params)]
}

const measurements: Measurement[] = []
const comparisons = []
for (const size of [400, 1_100, 4_096, 20_000]) {
  const frame = crypto.getRandomValues(new Uint8Array(size))
  const [s, b] = pair(
    `a ${size}-byte frame sealed and opened, the node's noise crypto (libsodium)`,
    sealOpen(native, frame),
    `a ${size}-byte frame sealed and opened, noise's own crypto in Node`,
    sealOpen(fallback, frame),
    { bytes: size },
  )
  measurements.push(s, b)
  comparisons.push(compare(`noise frame of ${size} bytes: libsodium vs noise's own`, s, b, 1))
}
for (const size of [400, 4_096]) {
  const packet = crypto.getRandomValues(new Uint8Array(size))
  const [s, b] = pair(
    `a message id of a ${size}-byte packet, one crypto.hash call`,
    () => nodeSha256(packet),
    `a message id of a ${size}-byte packet, a createHash object`,
    () => new Uint8Array(createHash('sha256').update(packet).digest()),
    { bytes: size },
  )
  measurements.push(s, b)
  comparisons.push(compare(`message id of ${size} bytes: crypto.hash vs createHash`, s, b, 1))
}

writeReport({
  package: '@demls/transport-gossipsub-noise',
  title: "transport crypto per frame and per packet: the node's noise crypto and message ids against the defaults (same run, interleaved)",
  measurements,
  comparisons,
  notes: [
    `${SAMPLES} interleaved samples of ${OPS} operations each, after a warm-up. A frame is sealed with ChaCha20-Poly1305 and opened in place, as noise does for every frame of every connection; a message id is the SHA-256 gossipsub computes for every packet it receives, duplicates included.`,
    "On the real network (30 peer processes on 2 cores, the soak's staggered wave), sealing and opening frames took 5.1 to 6.1 % of a profiled peer's CPU samples and message ids 2.6 % before this change, 2.2 to 2.7 % and 1.2 to 2.1 % after (`docs/fault-runs.md`, \"A peer's CPU counted in samples\").",
  ],
})
