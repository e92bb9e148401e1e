import { type CiphersuiteImpl, type CryptoProvider, defaultCryptoProvider } from 'ts-mls'
import type { CryptoBackend } from './backend.js'

/** The only ciphersuite demls uses (RFC 9420 suite 0x0001). */
export const CIPHERSUITE_NAME = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const

const HASH_LEN = 32

function concat3(a: Uint8Array, b: Uint8Array, c: number): Uint8Array {
  const out = new Uint8Array(a.length + b.length + 1)
  out.set(a, 0)
  out.set(b, a.length)
  out[a.length + b.length] = c
  return out
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number)
  return d === 0
}

/**
 * A ts-mls `CryptoProvider` that takes ts-mls's default implementation and
 * swaps SHA-256, HMAC, HKDF, Ed25519 and the message AEAD (AES-128-GCM of
 * private messages and Welcome group info) for `backend`. HPKE (X25519 KEM,
 * its own HKDF and AEAD) stays on `@hpke/core`: it only runs on adds and
 * path updates, and is wire-identical by construction. Other ciphersuites
 * fall through to the default provider unchanged.
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
          extract: async (salt, ikm) => hmac(salt.length === 0 ? new Uint8Array(HASH_LEN) : salt, ikm),
          async expand(prk, info, len) {
            if (len > 255 * HASH_LEN) throw new Error('HKDF-Expand length too large')
            const out = new Uint8Array(len)
            let t: Uint8Array = new Uint8Array(0)
            for (let i = 1, off = 0; off < len; i++) {
              const input = concat3(t, info, i)
              t = await hmac(prk, input)
              out.set(t.subarray(0, Math.min(HASH_LEN, len - off)), off)
              off += HASH_LEN
            }
            return out
          },
        },
        signature: {
          sign: async (signKey, message) => backend.ed25519Sign(signKey, message),
          verify: async (publicKey, message, signature) => backend.ed25519Verify(publicKey, message, signature),
          keygen: async () => backend.ed25519Keygen(),
        },
        hpke: {
          ...base.hpke,
          encryptAead: async (key, nonce, aad, plaintext) =>
            backend.aesGcmEncrypt(key, nonce, aad ?? new Uint8Array(0), plaintext),
          async decryptAead(key, nonce, aad, ciphertext) {
            try {
              return await backend.aesGcmDecrypt(key, nonce, aad ?? new Uint8Array(0), ciphertext)
            } catch (e) {
              // Same shape as ts-mls: a failed open is a CryptoError-like Error.
              throw new Error(`AEAD open failed: ${String(e)}`)
            }
          },
        },
      }
    },
  }
}
