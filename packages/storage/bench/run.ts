/**
 * Batch writes and reads through levelStorage, plain and encrypted, so the
 * cost of encryption at rest shows as a ratio. A "step" batch is what one
 * protocol step might write: 8 entries of 1 KiB (state slices) plus one
 * 64 KiB entry (an MLS group state). Writes are `sync: true`, so the write
 * figures are dominated by the file system's fsync.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { compare, measure, writeReport } from '@demls-dev/bench-kit'
import { type BatchOperation, type Storage, levelStorage, memoryStorage } from '../src/index.js'

const SLICES = 8
const SLICE_BYTES = 1024
const STATE_BYTES = 64 * 1024
const READ_KEYS = 100
const loadAtStart = loadavg()[0]!
const root = mkdtempSync(join(tmpdir(), 'demls-storage-bench-'))
const encryptionKey = new Uint8Array(32).fill(5)
const fill = (n: number) => {
  const v = new Uint8Array(n)
  for (let i = 0; i < n; i++) v[i] = (i * 31) & 0xff
  return v
}
const slice = fill(SLICE_BYTES)
const state = fill(STATE_BYTES)
let step = 0
const stepBatch = (): BatchOperation[] => {
  step++
  return [
    ...Array.from({ length: SLICES }, (_, i) => ({ type: 'put' as const, key: ['conv', 'bench', 'slice', `${i}`], value: slice })),
    { type: 'put', key: ['conv', 'bench', 'mls', 'state'], value: state },
    { type: 'del', key: ['conv', 'bench', 'secret', `${step - 1}`.padStart(10, '0')] },
    { type: 'put', key: ['conv', 'bench', 'secret', `${step}`.padStart(10, '0')], value: slice.subarray(0, 32) },
  ]
}

async function suite(label: string, store: Storage) {
  const opts = { minTimeMs: 1_500, params: { slices: SLICES, sliceBytes: SLICE_BYTES, stateBytes: STATE_BYTES } }
  const write = await measure(`${label}: step batch (${SLICES}×1 KiB + 64 KiB + secret rotate)`, () => store.batch(stepBatch()), opts)
  await store.batch(
    Array.from({ length: READ_KEYS }, (_, i) => ({ type: 'put' as const, key: ['conv', 'read', `${i}`.padStart(4, '0')], value: slice })),
  )
  const get = await measure(`${label}: get 1 KiB`, () => store.get(['conv', 'read', '0042']), { minTimeMs: 1_000 })
  const iter = await measure(
    `${label}: entries of a ${READ_KEYS}-key prefix (1 KiB each)`,
    async () => {
      let n = 0
      for await (const _ of store.entries(['conv', 'read'])) n++
      if (n !== READ_KEYS) throw new Error('bad count')
    },
    { minTimeMs: 1_000 },
  )
  await store.close()
  return { write, get, iter }
}

const mem = await suite('memory', await memoryStorage())
const memEnc = await suite('memory encrypted', await memoryStorage({ encryptionKey }))
const plain = await suite('level', await levelStorage({ location: join(root, 'plain'), plaintext: true }))
const enc = await suite('level encrypted', await levelStorage({ location: join(root, 'enc'), encryptionKey }))
rmSync(root, { recursive: true, force: true })

const notes = [
  `step batch: level ${plain.write.meanMs.toFixed(2)} ms plain, ${enc.write.meanMs.toFixed(2)} ms encrypted (each an fsynced LevelDB batch)`,
  `memory store step batch (no disk): ${mem.write.meanMs.toFixed(3)} ms plain, ${memEnc.write.meanMs.toFixed(3)} ms encrypted: the cost of the crypto itself (11 AES-GCM seals, about 33 HMACs, most cached)`,
  `1-minute load average ${loadAtStart.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end of the run (write figures move a lot on a shared, loaded machine)`,
  'encryption: AES-256-GCM per value and HMAC-SHA-256 per key segment through WebCrypto (node:crypto underneath in Node)',
]
const file = writeReport({
  package: '@demls/storage',
  title: 'Storage: batch writes and reads, encrypted vs plain',
  measurements: [
    plain.write,
    enc.write,
    mem.write,
    memEnc.write,
    plain.get,
    enc.get,
    mem.get,
    memEnc.get,
    plain.iter,
    enc.iter,
    mem.iter,
    memEnc.iter,
  ],
  comparisons: [
    compare('encrypted vs plain: step batch write', enc.write, plain.write),
    compare('encrypted vs plain: get', enc.get, plain.get),
    compare('encrypted vs plain: prefix iteration', enc.iter, plain.iter),
    compare('encrypted vs plain, memory store (the crypto alone): step batch write', memEnc.write, mem.write),
    compare('encrypted vs plain, memory store: get', memEnc.get, mem.get),
    compare('encrypted vs plain, memory store: prefix iteration', memEnc.iter, mem.iter),
    compare('level vs memory: step batch write (the cost of durability)', plain.write, mem.write),
  ],
  notes,
})
for (const n of notes) console.log(n)
console.log(`report written to ${file}`)
