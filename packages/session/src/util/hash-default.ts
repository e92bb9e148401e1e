// The `#session-hash` module on every platform but Node (browsers, workers,
// Deno, Bun): @noble/hashes. Node's twin is `hash-node.ts`.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

/** SHA-256 on @noble/hashes. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data)
}

/** Which implementation hashes large inputs here. */
export const sha256Backend: 'node' | 'noble' = 'noble'
