/// <reference types="node" />
// Node-only (imported by `platform/node.ts`): browser bundles never see the addon.
import { hash } from 'node:crypto'
import { createRequire } from 'node:module'
import { type ICryptoInterface, pureJsCrypto } from '@chainsafe/libp2p-noise'

/** The subset of `sodium-native`'s API used here (it ships no types). */
interface SodiumAead {
  crypto_aead_chacha20poly1305_ietf_encrypt(c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array): number
  crypto_aead_chacha20poly1305_ietf_decrypt(m: Uint8Array, nsec: null, c: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): number
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void
  randombytes_buf(buf: Uint8Array): void
}

const TAG = 16
const require = createRequire(import.meta.url)

function loadSodium(): SodiumAead | undefined {
  try {
    const sodium = require('sodium-native') as SodiumAead
    const needed = ['crypto_aead_chacha20poly1305_ietf_encrypt', 'crypto_aead_chacha20poly1305_ietf_decrypt', 'crypto_scalarmult_base', 'crypto_scalarmult', 'randombytes_buf'] as const
    return needed.every((f) => typeof sodium[f] === 'function') ? sodium : undefined
  } catch {
    return undefined
  }
}

/** Bytes of a `Uint8Array` or a `Uint8ArrayList` (noise passes both), contiguous. */
const flat = (data: { subarray(): Uint8Array }): Uint8Array => data.subarray()

/** SHA-256 in one native call (`crypto.hash`), without a `Hash` object per call. */
export function nodeSha256(data: Uint8Array): Uint8Array {
  const out = hash('sha256', data, 'buffer')
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/**
 * The noise crypto of demls nodes in Node: ChaCha20-Poly1305 and X25519 on
 * libsodium through the optional `sodium-native` package, SHA-256 in one
 * native call, HKDF as `@chainsafe/libp2p-noise` computes it. Every frame
 * a connection carries is sealed and opened here, so this is on the path
 * of every packet at every hop; libsodium's AEAD is one native call,
 * without the cipher object Node's `createCipheriv` makes per frame or the
 * WebAssembly copy `@chainsafe/as-chacha20poly1305` makes (a frame of
 * 400 to 1,100 bytes sealed and opened in a third to a fifth of the time,
 * 4 KB in half, 20 KB about the same: `bench/noise.ts`). The bytes on
 * the wire are the same (RFC 8439 ChaCha20-Poly1305, X25519), so such a
 * node talks to any noise peer. `undefined` when `sodium-native` does not
 * load, or `DEMLS_NOISE_CRYPTO=default` keeps noise's own.
 *
 * @example
 * ```ts
 * import { noise } from '@chainsafe/libp2p-noise'
 * import { nodeNoiseCrypto } from './node-noise.js'
 * const crypto = nodeNoiseCrypto()
 * const encrypter = noise(crypto !== undefined ? { crypto } : {})
 * ```
 */
export function nodeNoiseCrypto(): ICryptoInterface | undefined {
  if (process.env.DEMLS_NOISE_CRYPTO === 'default') return undefined
  const sodium = loadSodium()
  if (sodium === undefined) return undefined
  return {
    ...pureJsCrypto,
    hashSHA256: (data) => nodeSha256(flat(data)),
    generateX25519KeyPair() {
      const privateKey = new Uint8Array(32)
      sodium.randombytes_buf(privateKey)
      const publicKey = new Uint8Array(32)
      sodium.crypto_scalarmult_base(publicKey, privateKey)
      return { publicKey, privateKey }
    },
    generateX25519KeyPairFromSeed(seed) {
      const publicKey = new Uint8Array(32)
      sodium.crypto_scalarmult_base(publicKey, seed)
      return { publicKey, privateKey: seed }
    },
    // libsodium throws on a low-order public key (an all-zero secret), as OpenSSL and noble do: the handshake fails.
    generateX25519SharedKey(privateKey, publicKey) {
      const shared = new Uint8Array(32)
      sodium.crypto_scalarmult(shared, flat(privateKey), flat(publicKey))
      return shared
    },
    chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
      const m = flat(plaintext)
      const c = Buffer.allocUnsafe(m.byteLength + TAG)
      sodium.crypto_aead_chacha20poly1305_ietf_encrypt(c, m, ad, null, nonce, k)
      return c
    },
    // `dst`, when noise passes it, starts where the ciphertext does: libsodium checks the tag
    // before it writes, and its stream cipher decrypts in place. A bad tag throws.
    chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) {
      const c = flat(ciphertext)
      if (c.byteLength < TAG) throw new Error('Invalid chacha20poly1305 decryption')
      const m = dst !== undefined && dst.byteLength === c.byteLength - TAG && dst.buffer === c.buffer && dst.byteOffset === c.byteOffset ? dst : Buffer.allocUnsafe(c.byteLength - TAG)
      sodium.crypto_aead_chacha20poly1305_ietf_decrypt(m, null, c, ad, nonce, k)
      return m
    },
  }
}
