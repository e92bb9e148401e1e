import { type CiphersuiteImpl, type CryptoProvider, defaultCryptoProvider } from '#ts-mls'
import { messageAead } from './aead.js'
import type { CryptoBackend } from './backend.js'
import { HASH_LEN, hkdfExpand, hkdfExtract } from './hkdf.js'
import { x25519Hpke } from './hpke-x25519.js'

/** The only ciphersuite demls uses (RFC 9420 suite 0x0001). */
export const CIPHERSUITE_NAME = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number)
  return d === 0
}

/**
 * A ts-mls `CryptoProvider` that takes ts-mls's default implementation and
 * swaps SHA-256, HMAC, HKDF, Ed25519 and the message AEAD (AES-128-GCM of
 * private messages and Welcome group info) for `backend`. HPKE runs on
 * `backend.x25519` when the backend has it ({@link x25519Hpke}, RFC 9180
 * on the backend's primitives) and on `@hpke/core` otherwise. Other
 * ciphersuites fall through to the default provider unchanged.
 */
export function cryptoProviderFromBackend(backend: CryptoBackend): CryptoProvider {
  return {
    async getCiphersuiteImpl(cs): Promise<CiphersuiteImpl> {
      const base = await defaultCryptoProvider.getCiphersuiteImpl(cs)
      if (cs.name !== CIPHERSUITE_NAME) return base
      const hmac = backend.hmacSha256.bind(backend)
      return {
        ...base,
        ...(backend.randomBytes === undefined ? {} : { rng: { randomBytes: backend.randomBytes.bind(backend) } }),
        hash: {
          digest: async (data) => backend.sha256(data),
          mac: async (key, data) => hmac(key, data),
          verifyMac: async (key, mac, data) => constantTimeEqual(await hmac(key, data), mac),
        },
        kdf: {
          size: HASH_LEN,
          extract: async (salt, ikm) => hkdfExtract(hmac, salt, ikm),
          expand: async (prk, info, len) => hkdfExpand(hmac, prk, info, len),
        },
        signature: {
          sign: async (signKey, message) => backend.ed25519Sign(signKey, message),
          verify: async (publicKey, message, signature) => backend.ed25519Verify(publicKey, message, signature),
          keygen: async () => backend.ed25519Keygen(),
        },
        hpke: backend.x25519 === undefined ? { ...base.hpke, ...messageAead(backend) } : x25519Hpke(backend, backend.x25519),
      }
    },
  }
}
