// Browser (and any non-Node) backend, the `default` target of the
// `#crypto-backend` import: WebCrypto for Ed25519 (keys imported once and
// cached as CryptoKeys) and AES-GCM, @noble/hashes for SHA-256 and HMAC
// (synchronous, no per-call WebCrypto round trip for 32-byte inputs).
// Falls back to @noble/curves for Ed25519 where WebCrypto lacks it.
import { ed25519 } from '@noble/curves/ed25519.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../internal/bytes.js'
import { type CryptoBackend, KeyCache, ed25519Pkcs8, ed25519Seed } from './backend.js'

type Subtle = SubtleCrypto

function buf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}

async function supportsEd25519(subtle: Subtle): Promise<boolean> {
  try {
    const seed = new Uint8Array(32)
    seed[0] = 1
    const key = await subtle.importKey('pkcs8', buf(ed25519Pkcs8(seed)), 'Ed25519', false, ['sign'])
    const sig = new Uint8Array(await subtle.sign('Ed25519', key, new Uint8Array(1)))
    return ed25519.verify(sig, new Uint8Array(1), ed25519.getPublicKey(seed))
  } catch {
    return false
  }
}

/**
 * WebCrypto backend for browsers (works in Node too, which is how the tests
 * exercise it). `subtle` defaults to `globalThis.crypto.subtle`.
 *
 * @example
 * ```ts
 * import { createMlsClient, webCryptoBackend } from '@demls/mls'
 * const client = await createMlsClient({ memberId: new Uint8Array(20).fill(1), crypto: await webCryptoBackend(globalThis.crypto.subtle) })
 * ```
 */
export async function webCryptoBackend(subtle: Subtle | undefined = globalThis.crypto?.subtle): Promise<CryptoBackend> {
  const nativeEd = subtle !== undefined && (await supportsEd25519(subtle))
  const privateKeys = new KeyCache<Promise<CryptoKey>>(256)
  const publicKeys = new KeyCache<Promise<CryptoKey>>(8192)
  const aesKey = (s: Subtle, key: Uint8Array, usage: KeyUsage) =>
    s.importKey('raw', buf(key), { name: 'AES-GCM' }, false, [usage])
  const gcmParams = (nonce: Uint8Array, aad: Uint8Array): AesGcmParams =>
    aad.length > 0 ? { name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad) } : { name: 'AES-GCM', iv: buf(nonce) }

  const backend: CryptoBackend = {
    name: nativeEd ? 'web' : 'web+noble-ed25519',
    ed25519: nativeEd ? 'webcrypto' : 'noble',
    hash: 'noble',
    sha256: (data) => sha256(data),
    hmacSha256: (key, data) => hmac(sha256, key, data),
    async ed25519Sign(signKey, message) {
      if (!nativeEd || subtle === undefined) return ed25519.sign(message, ed25519Seed(signKey))
      const id = toHex(signKey)
      let k = privateKeys.get(id)
      if (k === undefined) {
        k = subtle.importKey('pkcs8', buf(ed25519Pkcs8(signKey)), 'Ed25519', false, ['sign'])
        privateKeys.set(id, k)
      }
      return new Uint8Array(await subtle.sign('Ed25519', await k, buf(message)))
    },
    async ed25519Verify(pub, message, signature) {
      if (pub.length !== 32 || signature.length !== 64) return false
      try {
        if (!nativeEd || subtle === undefined) return ed25519.verify(signature, message, pub)
        const id = toHex(pub)
        let k = publicKeys.get(id)
        if (k === undefined) {
          k = subtle.importKey('raw', buf(pub), 'Ed25519', false, ['verify'])
          publicKeys.set(id, k)
        }
        return await subtle.verify('Ed25519', await k, buf(signature), buf(message))
      } catch {
        return false
      }
    },
    async ed25519Keygen() {
      const signKey = ed25519.utils.randomSecretKey()
      return { signKey, publicKey: ed25519.getPublicKey(signKey) }
    },
    async aesGcmEncrypt(key, nonce, aad, plaintext) {
      if (subtle === undefined) throw new Error('WebCrypto is unavailable')
      const k = await aesKey(subtle, key, 'encrypt')
      return new Uint8Array(await subtle.encrypt(gcmParams(nonce, aad), k, buf(plaintext)))
    },
    async aesGcmDecrypt(key, nonce, aad, ciphertext) {
      if (subtle === undefined) throw new Error('WebCrypto is unavailable')
      const k = await aesKey(subtle, key, 'decrypt')
      return new Uint8Array(await subtle.decrypt(gcmParams(nonce, aad), k, buf(ciphertext)))
    },
  }
  return backend
}

/** Entry point of the `#crypto-backend` module (default, non-Node condition). */
export function createPlatformCryptoBackend(): Promise<CryptoBackend> {
  return webCryptoBackend()
}
