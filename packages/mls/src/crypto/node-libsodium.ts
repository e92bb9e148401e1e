/// <reference types="node" />
// Node-only: imported by `node-backend.ts` (the `#crypto-backend` "node"
// condition), so browser bundles never see `node:module` or the addon.
import { createRequire } from 'node:module'
import { checkX25519Length } from './backend.js'

/** The subset of `sodium-native`'s API used here (it ships no types). */
interface SodiumNative {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
  crypto_hash_sha256(out: Uint8Array, input: Uint8Array): void
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void
}

/** An Ed25519 verifier that answers only when it is sure a signature is valid. */
export type Ed25519FastVerify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean

/** SHA-256 and HMAC-SHA-256 on libsodium (see {@link loadLibsodiumHash}). */
export interface LibsodiumHash {
  sha256(data: Uint8Array): Uint8Array
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array
}

/** X25519 on libsodium (see {@link loadLibsodiumX25519}); the shape of `X25519Backend` minus its name. */
export interface LibsodiumX25519 {
  publicKey(privateKey: Uint8Array): Uint8Array
  sharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array
}

const require = createRequire(import.meta.url)

function loadSodium(): SodiumNative | undefined {
  try {
    const sodium = require('sodium-native') as SodiumNative
    if (typeof sodium.crypto_sign_verify_detached !== 'function' || typeof sodium.crypto_hash_sha256 !== 'function') return undefined
    return sodium
  } catch {
    return undefined
  }
}

/**
 * Ed25519 verification on libsodium through the optional `sodium-native`
 * package (prebuilt binaries inside the package, no install script), about
 * 2.4 times as fast as OpenSSL's in Node 20 here; `undefined` when its
 * binary does not load or `DEMLS_ED25519_BACKEND=openssl` forces OpenSSL.
 *
 * libsodium's check is strictly narrower than OpenSSL's: both compute the
 * same cofactorless equation `[S]B = R + [k]A` and compare the encoding of
 * R byte for byte, and libsodium also refuses small-order or non-canonical
 * keys and R values that OpenSSL would still run the equation on. So
 * everything libsodium accepts, OpenSSL accepts; the caller asks OpenSSL
 * whenever libsodium says no, and the answer is OpenSSL's on every input
 * (a member on either backend reaches the same verdict on every message).
 */
export function loadLibsodiumVerify(): Ed25519FastVerify | undefined {
  if (process.env.DEMLS_ED25519_BACKEND === 'openssl') return undefined
  const sodium = loadSodium()
  if (sodium === undefined) return undefined
  return (publicKey, message, signature) => {
    try {
      return sodium.crypto_sign_verify_detached(signature, message, publicKey)
    } catch {
      return false
    }
  }
}

const BLOCK = 64
/**
 * Bytes of message the retained HMAC scratch buffer holds: enough for
 * every HKDF step of MLS. A longer message (a membership tag over a large
 * commit) gets a buffer of its own for that call, so one large input does
 * not stay allocated for the life of the process.
 */
export const HMAC_SCRATCH_BYTES = 1024

/**
 * SHA-256 and HMAC-SHA-256 (RFC 2104) on libsodium's SHA-256; `undefined`
 * when `sodium-native` does not load or `DEMLS_HASH_BACKEND=openssl` keeps
 * them on OpenSSL. Same bytes as OpenSSL on every input (a hash has one
 * answer); it exists for speed: MLS runs HKDF on short inputs (ten HMACs
 * per application message sent and received), where `createHmac`'s object
 * set-up costs more than the hashing. The HMAC writes its padded key
 * blocks into scratch buffers reused across calls (each call is
 * synchronous, so no two calls share them), of a fixed size
 * ({@link HMAC_SCRATCH_BYTES}), and wipes what it wrote there (keying
 * material) before it returns.
 */
export function loadLibsodiumHash(): LibsodiumHash | undefined {
  if (process.env.DEMLS_HASH_BACKEND === 'openssl') return undefined
  const sodium = loadSodium()
  if (sodium === undefined) return undefined
  const sha256 = (data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(32)
    sodium.crypto_hash_sha256(out, data)
    return out
  }
  const scratch = new Uint8Array(BLOCK + HMAC_SCRATCH_BYTES)
  const outer = new Uint8Array(BLOCK + 32)
  const innerDigest = outer.subarray(BLOCK)
  const hmacSha256 = (key: Uint8Array, data: Uint8Array): Uint8Array => {
    const k = key.length > BLOCK ? sha256(key) : key
    const n = BLOCK + data.length
    const inner = n <= scratch.length ? scratch : new Uint8Array(n)
    for (let i = 0; i < k.length; i++) {
      const b = k[i] as number
      inner[i] = b ^ 0x36
      outer[i] = b ^ 0x5c
    }
    inner.fill(0x36, k.length, BLOCK)
    outer.fill(0x5c, k.length, BLOCK)
    inner.set(data, BLOCK)
    sodium.crypto_hash_sha256(innerDigest, inner.subarray(0, n))
    const mac = sha256(outer)
    inner.fill(0, 0, n)
    outer.fill(0)
    return mac
  }
  return { sha256, hmacSha256 }
}

/**
 * X25519 on libsodium (`crypto_scalarmult`), for HPKE: about 18 µs for a
 * public key and 31 µs for a shared secret here, against 0.36 ms for
 * OpenSSL's PKCS#8 key import alone. `undefined` when `sodium-native` does
 * not load or `DEMLS_X25519_BACKEND=openssl` keeps X25519 on OpenSSL. One
 * function has one answer: the bytes are OpenSSL's (RFC 7748); libsodium
 * also refuses an all-zero result, as HPKE requires.
 */
export function loadLibsodiumX25519(): LibsodiumX25519 | undefined {
  if (process.env.DEMLS_X25519_BACKEND === 'openssl') return undefined
  const sodium = loadSodium()
  if (sodium === undefined || typeof sodium.crypto_scalarmult !== 'function' || typeof sodium.crypto_scalarmult_base !== 'function') return undefined
  return {
    publicKey(privateKey) {
      checkX25519Length(privateKey, 'private key')
      const out = new Uint8Array(32)
      sodium.crypto_scalarmult_base(out, privateKey)
      return out
    },
    sharedSecret(privateKey, publicKey) {
      checkX25519Length(privateKey, 'private key')
      checkX25519Length(publicKey, 'public key')
      const out = new Uint8Array(32)
      sodium.crypto_scalarmult(out, privateKey, publicKey)
      return out
    },
  }
}
