import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { commitHashOf } from '../../src/rules/candidate-check.js'
import { sha256 as defaultSha256, sha256Backend as defaultBackend } from '../../src/util/hash-default.js'
import { sha256, sha256Backend } from '../../src/util/hash.js'

/** Where the Node module switches from @noble/hashes to OpenSSL (`hash-node.ts`). */
const NATIVE_HASH_MIN_BYTES = 64

// The session hashes commits, Welcomes and payloads with `util/hash.ts`:
// OpenSSL in Node from NATIVE_HASH_MIN_BYTES on, @noble/hashes below it and
// in browsers. Members on either must reach the same ids.

/** Deterministic bytes of length `n` (a counter through a multiplier: no two lengths share a prefix pattern). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n)
  let x = seed >>> 0
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

describe('sha256 of the session (native in Node, noble below the threshold and in browsers)', () => {
  it('runs on node:crypto under Node; the other platforms\' twin runs on @noble/hashes', () => {
    expect(sha256Backend).toBe('node')
    expect(defaultBackend).toBe('noble')
  })

  it('gives @noble/hashes\'s digest for every length around the threshold and for large inputs', () => {
    const lengths = [0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1_000, 4_096, 30_000, 300_001]
    for (let n = NATIVE_HASH_MIN_BYTES - 3; n <= NATIVE_HASH_MIN_BYTES + 130; n++) lengths.push(n)
    for (const [i, n] of lengths.entries()) {
      const data = bytes(n, i + 1)
      expect(sha256(data), `length ${n}`).toEqual(nobleSha256(data))
      expect(defaultSha256(data), `length ${n}`).toEqual(nobleSha256(data))
    }
  })

  it('hashes a view at an offset into a larger buffer by the view, not the buffer', () => {
    const backing = bytes(4_096, 9)
    const view = backing.subarray(100, 2_100)
    expect(sha256(view)).toEqual(nobleSha256(Uint8Array.from(view)))
  })

  it('returns a plain 32-byte Uint8Array of its own (not a Buffer, not a view into a shared pool)', () => {
    const h = sha256(bytes(1_000, 3))
    expect(h.constructor).toBe(Uint8Array)
    expect(h.length).toBe(32)
    expect(h.byteOffset).toBe(0)
    expect(h.buffer.byteLength).toBe(32)
    // Writing to one digest leaves the next one of the same input alone.
    h.fill(0)
    expect(sha256(bytes(1_000, 3))).toEqual(nobleSha256(bytes(1_000, 3)))
  })

  it('names a candidate by the same commit hash as before (commitHashOf)', () => {
    const commit = bytes(30_000, 5)
    expect(commitHashOf(commit)).toEqual(nobleSha256(commit))
  })
})
