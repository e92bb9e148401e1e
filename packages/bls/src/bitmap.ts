import { BlsArgumentError } from './errors.js'

/**
 * Most members an approval proof can name: 16,384 (a signer bitmap of at
 * most 2,048 bytes). Above the 10,000-member target of demls' scale work.
 */
export const MAX_PROOF_MEMBERS = 16_384
/** Longest signer bitmap: `ceil(MAX_PROOF_MEMBERS / 8)` bytes. */
export const MAX_BITMAP_BYTES = MAX_PROOF_MEMBERS / 8

/**
 * Why a signer bitmap names no valid signer set for a member list:
 * `'empty'` (no byte or no bit set), `'too-long'` (more than
 * `ceil(n / 8)` bytes), `'out-of-range'` (a bit at index ≥ n: a
 * non-member), `'non-canonical'` (a trailing zero byte).
 *
 * @example
 * ```ts
 * import { type BitmapRefusal, bitmapSigners } from '@demls/bls'
 * const r = bitmapSigners(new Uint8Array([0b1000_0000]), 5)
 * if (!Array.isArray(r)) console.log(r satisfies BitmapRefusal) // 'out-of-range': bit 7, 5 members
 * ```
 */
export type BitmapRefusal = 'empty' | 'too-long' | 'out-of-range' | 'non-canonical'

/**
 * The signer bitmap of member indices (each in [0, n)): bit `i` is bit
 * `i % 8` (least significant first) of byte `⌊i / 8⌋`; minimal, so the
 * last byte is never zero. Duplicates are one signer.
 *
 * @throws {BlsArgumentError} when `indices` is empty, an index is not an integer in [0, n) or n exceeds {@link MAX_PROOF_MEMBERS}
 * @example
 * ```ts
 * import { signerBitmap } from '@demls/bls'
 * signerBitmap([0, 2, 9], 10) // Uint8Array [0b0000_0101, 0b0000_0010]
 * ```
 */
export function signerBitmap(indices: Iterable<number>, n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PROOF_MEMBERS) throw new BlsArgumentError(`member count must be in [1, ${MAX_PROOF_MEMBERS}], got ${n}`)
  const bits = new Uint8Array(Math.ceil(n / 8))
  let top = -1
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new BlsArgumentError(`signer index ${i} out of [0, ${n})`)
    bits[i >> 3]! |= 1 << (i & 7)
    if (i > top) top = i
  }
  if (top < 0) throw new BlsArgumentError('a signer bitmap names at least one signer')
  return bits.slice(0, (top >> 3) + 1)
}

/**
 * The member indices a bitmap names for a list of `n` members, ascending,
 * or why it names none validly ({@link BitmapRefusal}). Never throws.
 *
 * @example
 * ```ts
 * import { bitmapSigners } from '@demls/bls'
 * bitmapSigners(new Uint8Array([0b0000_0101, 0b0000_0010]), 10) // [0, 2, 9]
 * bitmapSigners(new Uint8Array([1, 0]), 10) // 'non-canonical'
 * ```
 */
export function bitmapSigners(bitmap: Uint8Array, n: number): number[] | BitmapRefusal {
  if (!(bitmap instanceof Uint8Array) || bitmap.length === 0) return 'empty'
  if (!Number.isInteger(n) || n < 1 || bitmap.length > Math.ceil(n / 8)) return 'too-long'
  if (bitmap[bitmap.length - 1] === 0) return 'non-canonical'
  const out: number[] = []
  for (let byte = 0; byte < bitmap.length; byte++) {
    const v = bitmap[byte]!
    if (v === 0) continue
    for (let bit = 0; bit < 8; bit++) {
      if ((v & (1 << bit)) === 0) continue
      const i = byte * 8 + bit
      if (i >= n) return 'out-of-range'
      out.push(i)
    }
  }
  return out
}
