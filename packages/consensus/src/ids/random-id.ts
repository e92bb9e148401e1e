import type { RandomSource } from '../types.js'

/**
 * {@link RandomSource} backed by the global `crypto.getRandomValues`.
 *
 * @example
 * ```ts
 * import { defaultRandom, randomId } from '@demls/consensus'
 * const id = randomId(defaultRandom) // crypto.getRandomValues underneath
 * ```
 */
export const defaultRandom: RandomSource = (bytes) => globalThis.crypto.getRandomValues(bytes)

/**
 * 16 random bytes with the UUIDv4 version (4) and RFC 4122 variant bits set.
 *
 * @example
 * ```ts
 * import { type RandomSource, randomUuidBytes } from '@demls/consensus'
 * const fixed: RandomSource = (bytes) => bytes.fill(7) // deterministic, for tests
 * const uuid = randomUuidBytes(fixed) // 16 bytes, version 4 variant bits set
 * ```
 */
export function randomUuidBytes(random: RandomSource = defaultRandom): Uint8Array {
  const b = new Uint8Array(16)
  random(b)
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  return b
}

/**
 * Fold a 16-byte UUID to a u32: XOR of its four big-endian 32-bit words.
 *
 * @example
 * ```ts
 * import { foldUuid, randomUuidBytes } from '@demls/consensus'
 * const id = foldUuid(randomUuidBytes()) // the reference's u32 id from a UUID v4
 * ```
 */
export function foldUuid(uuid: Uint8Array): number {
  if (uuid.length !== 16) throw new RangeError(`a UUID has 16 bytes, got ${uuid.length}`)
  const view = new DataView(uuid.buffer, uuid.byteOffset, 16)
  return (view.getUint32(0) ^ view.getUint32(4) ^ view.getUint32(8) ^ view.getUint32(12)) >>> 0
}

/**
 * A random proposal or vote id: a UUIDv4 folded to u32 (as the crate does).
 *
 * @example
 * ```ts
 * import { randomId } from '@demls/consensus'
 * const id = randomId() // 0 ≤ id < 2^32
 * ```
 */
export function randomId(random: RandomSource = defaultRandom): number {
  return foldUuid(randomUuidBytes(random))
}

/**
 * A random UUIDv4 in its canonical string form (the default proposal name).
 *
 * @example
 * ```ts
 * import { randomUuid } from '@demls/consensus'
 * randomUuid() // e.g. '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
 * ```
 */
export function randomUuid(random: RandomSource = defaultRandom): string {
  const b = randomUuidBytes(random)
  let hex = ''
  for (const x of b) hex += x.toString(16).padStart(2, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
