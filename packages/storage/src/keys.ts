import { StorageInputError, StorageLimitError } from './errors.js'
import { STORAGE_LIMITS, type StorageKey } from './types.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Check a key (`allowEmpty` for prefixes) and return its segments' UTF-8 bytes. */
export function keySegments(key: StorageKey, allowEmpty: boolean): Uint8Array[] {
  if (!Array.isArray(key)) throw new StorageInputError('a key must be an array of strings')
  if (key.length === 0 && !allowEmpty) throw new StorageInputError('a key needs at least one segment')
  if (key.length > STORAGE_LIMITS.maxKeySegments) {
    throw new StorageLimitError('keySegments', STORAGE_LIMITS.maxKeySegments, key.length)
  }
  const out: Uint8Array[] = []
  let bytes = 0
  for (const segment of key as readonly unknown[]) {
    if (typeof segment !== 'string') throw new StorageInputError('key segments must be strings')
    if (LONE_SURROGATE.test(segment)) throw new StorageInputError('key segments must be well-formed UTF-16')
    const b = encoder.encode(segment)
    for (const x of b) if (x === 0) bytes++
    bytes += b.length + 1
    out.push(b)
  }
  if (bytes > STORAGE_LIMITS.maxKeyBytes) throw new StorageLimitError('keyBytes', STORAGE_LIMITS.maxKeyBytes, bytes)
  return out
}

/**
 * Order-preserving tuple encoding: each segment's UTF-8 bytes with 0x00
 * escaped as 0x00 0xFF, then a 0x00 terminator. A prefix tuple encodes to
 * a byte prefix, and byte order is tuple order.
 */
export function encodeSegments(segments: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const s of segments) {
    n += s.length + 1
    for (const x of s) if (x === 0) n++
  }
  const out = new Uint8Array(n)
  let o = 0
  for (const s of segments) {
    for (const x of s) {
      out[o++] = x
      if (x === 0) out[o++] = 0xff
    }
    out[o++] = 0
  }
  return out
}

/** Inverse of {@link encodeSegments}; throws on malformed input. */
export function decodeKey(bytes: Uint8Array): string[] {
  const out: string[] = []
  let seg: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const x = bytes[i]!
    if (x !== 0) {
      seg.push(x)
    } else if (bytes[i + 1] === 0xff) {
      seg.push(0)
      i++
    } else {
      out.push(decoder.decode(new Uint8Array(seg)))
      seg = []
    }
  }
  if (seg.length > 0) throw new Error('unterminated key segment')
  return out
}

/** The smallest byte string greater than every string starting with `prefix`, or `undefined` if none. */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | undefined {
  const out = prefix.slice()
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++
      return out.subarray(0, i + 1)
    }
  }
  return undefined
}

