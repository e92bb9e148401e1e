import type { MaybePromise } from './backend.js'

/** HMAC-SHA-256 as a backend provides it (sync or async). */
export type HmacSha256 = (key: Uint8Array, data: Uint8Array) => MaybePromise<Uint8Array>

/** SHA-256's output length, HKDF's `HashLen`. */
export const HASH_LEN = 32

function concat3(a: Uint8Array, b: Uint8Array, c: number): Uint8Array {
  const out = new Uint8Array(a.length + b.length + 1)
  out.set(a, 0)
  out.set(b, a.length)
  out[a.length + b.length] = c
  return out
}

/** HKDF-Extract (RFC 5869) over HMAC-SHA-256; an empty salt is `HashLen` zero bytes. */
export async function hkdfExtract(hmac: HmacSha256, salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array> {
  return hmac(salt.length === 0 ? new Uint8Array(HASH_LEN) : salt, ikm)
}

/** HKDF-Expand (RFC 5869) over HMAC-SHA-256. */
export async function hkdfExpand(hmac: HmacSha256, prk: Uint8Array, info: Uint8Array, len: number): Promise<Uint8Array> {
  if (len > 255 * HASH_LEN) throw new Error('HKDF-Expand length too large')
  const out = new Uint8Array(len)
  let t: Uint8Array = new Uint8Array(0)
  for (let i = 1, off = 0; off < len; i++) {
    t = await hmac(prk, concat3(t, info, i))
    out.set(t.subarray(0, Math.min(HASH_LEN, len - off)), off)
    off += HASH_LEN
  }
  return out
}
