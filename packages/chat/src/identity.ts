import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromHex, toHex } from '@demls/wire'

/**
 * The identity of this chat profile: a secp256k1 private key kept in
 * `<dir>/key` (hex, mode 0600), created on the first run. The member id
 * is its Ethereum address. Losing the file loses the identity; the state
 * directory is encrypted with a key derived from it.
 */
export function loadOrCreateKey(dir: string): { privateKey: Uint8Array; created: boolean } {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const file = join(dir, 'key')
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim()
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file} is not a 32-byte hex key`)
    return { privateKey: fromHex(hex), created: false }
  }
  // A random scalar below the curve order (a random 32 bytes is above it with probability ~2^-128).
  const privateKey = new Uint8Array(randomBytes(32))
  privateKey[0] = privateKey[0]! & 0x7f
  privateKey[31] = privateKey[31]! | 1
  writeFileSync(file, `${toHex(privateKey)}\n`, { mode: 0o600 })
  return { privateKey, created: true }
}
