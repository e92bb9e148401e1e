import { type AbortOptions, throwIfAborted } from '@demls/wire'
import { StorageInputError } from './errors.js'

/** HKDF `info` of {@link deriveStorageKey}: domain separation from every other use of the key. */
const INFO = new TextEncoder().encode('demls/storage-encryption-key/v1')

/**
 * The default `encryptionKey` of a member's store: 32 bytes derived with
 * HKDF-SHA-256 from the member's private key, domain-separated (the salt
 * is the empty string and `info` names this use), so the store's key
 * reveals nothing about the signing key and nothing else derives the same
 * bytes. Deterministic: the same private key opens the same store after a
 * restart. Uses WebCrypto (Node and browsers).
 *
 * `User.create` of `@demls/session` unlocks a locked store (the default
 * `levelStorage({ location })`) with it, so an application need not call
 * it; pass it yourself to open the same store outside `User.create`.
 *
 * @example
 * ```ts
 * import { deriveStorageKey, levelStorage } from '@demls/storage'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32)) // the member's signing key, kept elsewhere
 * // the store User.create({ privateKey, storage: await levelStorage({ location: './state' }) }) writes, opened by a tool:
 * const store = await levelStorage({ location: './state', encryptionKey: await deriveStorageKey(privateKey) })
 * ```
 *
 * @throws {StorageInputError} unless `privateKey` is 32 bytes
 * @throws {AbortError} when `options.signal` is aborted
 */
export async function deriveStorageKey(privateKey: Uint8Array, options: AbortOptions = {}): Promise<Uint8Array> {
  throwIfAborted(options.signal)
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
    throw new StorageInputError('deriveStorageKey needs a 32-byte private key')
  }
  const ikm = await globalThis.crypto.subtle.importKey('raw', privateKey.slice(), 'HKDF', false, ['deriveBits'])
  const bits = await globalThis.crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: INFO }, ikm, 256)
  throwIfAborted(options.signal)
  return new Uint8Array(bits)
}
