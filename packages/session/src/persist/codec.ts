import { fromHex, toHex } from '@demls/wire'

/**
 * The container of a saved conversation: a magic and format version, a
 * JSON header (bytes and bigints tagged, see {@link toTagged}) and one
 * binary section (the MLS state, which is large and already bytes).
 *
 * `DMLS` · version (1 byte) · header length (u32, big endian) · header · binary
 */
const MAGIC = [0x44, 0x4d, 0x4c, 0x53]

/** Format version written by this code. */
export const SNAPSHOT_VERSION = 1

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * A JSON-safe copy of `value`: `Uint8Array` becomes `{ $b: hex }`, `bigint`
 * `{ $n: decimal }`, `Map` `{ $m: [[k, v], …] }`; plain objects and arrays
 * recurse; `undefined` object fields are left out.
 */
export function toTagged(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b: toHex(value) }
  if (typeof value === 'bigint') return { $n: value.toString() }
  if (value instanceof Map) return { $m: [...value].map(([k, v]) => [toTagged(k), toTagged(v)]) }
  if (Array.isArray(value)) return value.map(toTagged)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toTagged(v)
    return out
  }
  return value
}

/** The inverse of {@link toTagged}. */
export function fromTagged(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromTagged)
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    if (typeof o.$b === 'string') return fromHex(o.$b)
    if (typeof o.$n === 'string') return BigInt(o.$n)
    if (Array.isArray(o.$m)) return new Map((o.$m as unknown[][]).map(([k, v]) => [fromTagged(k), fromTagged(v)]))
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(o)) out[k] = fromTagged(v)
    return out
  }
  return value
}

/** Pack a header object and a binary section. */
export function packSnapshot(header: unknown, binary: Uint8Array): Uint8Array {
  const json = encoder.encode(JSON.stringify(toTagged(header)))
  const out = new Uint8Array(4 + 1 + 4 + json.length + binary.length)
  out.set(MAGIC, 0)
  out[4] = SNAPSHOT_VERSION
  new DataView(out.buffer).setUint32(5, json.length)
  out.set(json, 9)
  out.set(binary, 9 + json.length)
  return out
}

/**
 * Unpack {@link packSnapshot} bytes.
 *
 * @throws {Error} with the reason, on a wrong magic, an unknown version, a
 *   truncated container or a header that is not JSON
 */
export function unpackSnapshot(bytes: Uint8Array): { header: unknown; binary: Uint8Array } {
  if (bytes.length < 9 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('not a demls conversation state')
  if (bytes[4] !== SNAPSHOT_VERSION) throw new Error(`format version ${bytes[4]} (this code reads ${SNAPSHOT_VERSION})`)
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(5)
  if (9 + length > bytes.length) throw new Error('truncated header')
  const header = fromTagged(JSON.parse(decoder.decode(bytes.subarray(9, 9 + length))))
  return { header, binary: bytes.slice(9 + length) }
}
