import type { Hpke } from '#ts-mls'
import type { CryptoBackend } from './backend.js'

/**
 * AES-GCM on `backend` in the shape of ts-mls's `Hpke` AEAD methods, which
 * ts-mls calls for private message content, sender data and Welcome group
 * info, and HPKE's own seal and open use: a failed open throws an `Error`.
 */
export function messageAead(backend: CryptoBackend): Pick<Hpke, 'encryptAead' | 'decryptAead'> {
  return {
    encryptAead: async (key, nonce, aad, plaintext) => backend.aesGcmEncrypt(key, nonce, aad ?? new Uint8Array(0), plaintext),
    async decryptAead(key, nonce, aad, ciphertext) {
      try {
        return await backend.aesGcmDecrypt(key, nonce, aad ?? new Uint8Array(0), ciphertext)
      } catch (e) {
        // Same shape as ts-mls: a failed open is a CryptoError-like Error.
        throw new Error(`AEAD open failed: ${String(e)}`)
      }
    },
  }
}
