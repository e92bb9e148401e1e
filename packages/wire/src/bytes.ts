/** Character codes of '0'–'9', 'a'–'f'. */
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0))
/** Bytes per `String.fromCharCode` call (two codes per byte, well under any engine's argument limit). */
const HEX_CHUNK = 4096

/**
 * Equality of two byte strings (not constant-time: for ids and public
 * values, not secrets).
 *
 * @example
 * ```ts
 * import { bytesEqual } from '@demls/wire'
 * bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])) // true
 * ```
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Byte-lexicographic comparison (a proper prefix sorts first), the order of
 * Rust's `Vec<u8>`: negative, zero or positive like `Array.prototype.sort`
 * comparators.
 *
 * @example
 * ```ts
 * import { compareBytes } from '@demls/wire'
 * const ids = [new Uint8Array([2]), new Uint8Array([1, 9])]
 * ids.sort(compareBytes) // [[1, 9], [2]]: lexicographic, like Rust's Vec<u8> ordering
 * ```
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

/**
 * The concatenation of byte strings, in order, as one new array. It takes
 * an array, not rest arguments, so any number of parts is safe (spreading
 * hundreds of thousands of arguments overflows the stack).
 *
 * @example
 * ```ts
 * import { concatBytes } from '@demls/wire'
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]) // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * Lower-case hex without a prefix (the map-key format for member ids).
 *
 * @example
 * ```ts
 * import { toHex } from '@demls/wire'
 * toHex(new Uint8Array([1, 171])) // '01ab'
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  // One string from the character codes, not `s += pair` per byte: V8 keeps
  // a string built by concatenation as a tree of cons cells (about 32 bytes
  // per byte of input) for as long as it lives, and these strings are
  // long-lived map keys (member ids, vote and proposal keys).
  if (bytes.length <= HEX_CHUNK) return hexChunk(bytes)
  const parts: string[] = []
  for (let at = 0; at < bytes.length; at += HEX_CHUNK) parts.push(hexChunk(bytes.subarray(at, at + HEX_CHUNK)))
  return parts.join('')
}

function hexChunk(bytes: Uint8Array): string {
  const codes = new Array<number>(bytes.length * 2)
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    codes[2 * i] = HEX_CODES[b >> 4] as number
    codes[2 * i + 1] = HEX_CODES[b & 15] as number
  }
  return String.fromCharCode.apply(null, codes)
}

/**
 * Bytes of a hex string, with or without `0x`.
 *
 * @throws {TypeError} on an odd length or a non-hex character
 *
 * @example
 * ```ts
 * import { fromHex, toHex } from '@demls/wire'
 * const address = fromHex('f39fd6e51aad88f6f4ce6ab8827279cfffb92266') // 20 bytes
 * toHex(address) // round-trips
 * ```
 */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  // One pass over the character codes (member ids are decoded from map keys on hot paths): no slices, no regex.
  const start = hex.length >= 2 && hex.charCodeAt(0) === 48 && (hex.charCodeAt(1) | 32) === 120 ? 2 : 0
  const digits = hex.length - start
  if (digits % 2 !== 0) throw new TypeError(`not a hex string: ${hex}`)
  const out = new Uint8Array(digits / 2)
  for (let i = 0, at = start; i < out.length; i++, at += 2) {
    const hi = nibble(hex.charCodeAt(at))
    const lo = nibble(hex.charCodeAt(at + 1))
    if (hi < 0 || lo < 0) throw new TypeError(`not a hex string: ${hex}`)
    out[i] = (hi << 4) | lo
  }
  return out
}

/** The value of one hex digit's character code, or -1. */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  const lower = code | 32
  return lower >= 97 && lower <= 102 ? lower - 87 : -1
}
