import { fromHex, toHex } from '@demls/wire'

/**
 * This browser's identity: a secp256k1 private key kept in `localStorage`
 * (hex), generated on the first visit. The member id is its Ethereum
 * address; the IndexedDB state is encrypted with a key derived from it.
 * Clearing the site's data loses the identity (and the state with it).
 * Each `profile` (one per tab) has its own key.
 */
export function loadOrCreateKey(storage: Storage, profile: string): { privateKey: Uint8Array; created: boolean } {
  const item = `demls-browser-chat/${profile}/private-key`
  const saved = storage.getItem(item)
  if (saved !== null && /^[0-9a-f]{64}$/.test(saved)) return { privateKey: fromHex(saved), created: false }
  // A random scalar below the curve order (a random 32 bytes is above it with probability ~2^-128).
  const privateKey = crypto.getRandomValues(new Uint8Array(32))
  privateKey[0] = privateKey[0]! & 0x7f
  privateKey[31] = privateKey[31]! | 1
  storage.setItem(item, toHex(privateKey))
  return { privateKey, created: true }
}
