/// <reference types="node" />
// The `#session-hash` module under the "node" import condition (its twin for
// every other platform is `hash-default.ts`).
import { createHash } from 'node:crypto'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

/** Inputs shorter than this are hashed by @noble/hashes: below it OpenSSL's per-call set-up costs as much as the hashing. */
const NATIVE_HASH_MIN_BYTES = 64

/** SHA-256 on OpenSSL from {@link NATIVE_HASH_MIN_BYTES} on, copied into a plain 32-byte Uint8Array (not a Buffer or a view into Node's pool). */
export function sha256(data: Uint8Array): Uint8Array {
  return data.length < NATIVE_HASH_MIN_BYTES ? nobleSha256(data) : Uint8Array.from(createHash('sha256').update(data).digest())
}

/** Which implementation hashes large inputs here. */
export const sha256Backend: 'node' | 'noble' = 'node'
