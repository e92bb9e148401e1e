/**
 * A value or a promise of it: backends may answer synchronously.
 *
 * @example
 * ```ts
 * import { type CryptoBackend, type MaybePromise } from '@demls/mls'
 * async function digest(backend: CryptoBackend, data: Uint8Array): Promise<Uint8Array> {
 *   const result: MaybePromise<Uint8Array> = backend.sha256(data) // sync or async backends
 *   return await result
 * }
 * ```
 */
export type MaybePromise<T> = T | Promise<T>

/**
 * The primitives of ciphersuite `MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519`
 * that dominate MLS message cost. A backend may answer synchronously
 * (node:crypto) or asynchronously (WebCrypto). HPKE (RFC 9180, the
 * X25519 KEM of commits, Welcomes and key packages) runs on the backend's
 * `x25519` when it has one, and on `@hpke/core` otherwise.
 *
 * Implement it to plug in another crypto library; pass it as
 * `crypto` in {@link MlsClientInit}. Every method must be a pure function of
 * its inputs (keys may be cached internally).
 *
 * @example
 * ```ts
 * import { type CryptoBackend, createMlsClient, webCryptoBackend } from '@demls/mls'
 * const backend: CryptoBackend = await webCryptoBackend()
 * console.log(backend.name, (await backend.sha256(new Uint8Array([1]))).length) // … 32
 * const client = await createMlsClient({ memberId: new Uint8Array(20).fill(1), crypto: backend })
 * ```
 */
export interface CryptoBackend {
  /** Short name for diagnostics, e.g. `node` or `web`. */
  readonly name: string
  /**
   * Which implementation verifies Ed25519 signatures, for diagnostics and
   * benchmark reports (`libsodium`, `openssl`, `webcrypto`, `noble`); unset
   * when the backend does not say.
   */
  readonly ed25519?: string
  /**
   * Which implementation computes SHA-256 and HMAC, for diagnostics and
   * benchmark reports (`libsodium`, `openssl`, `webcrypto`, `noble`); unset
   * when the backend does not say.
   */
  readonly hash?: string
  /**
   * Cryptographically secure random bytes for the MLS library (reuse guards,
   * path and epoch secrets); optional: the library's own generator
   * (`crypto.getRandomValues`) is used when absent.
   */
  randomBytes?(n: number): Uint8Array
  /** SHA-256 digest. */
  sha256(data: Uint8Array): MaybePromise<Uint8Array>
  /** HMAC-SHA-256. */
  hmacSha256(key: Uint8Array, data: Uint8Array): MaybePromise<Uint8Array>
  /**
   * Ed25519 signature. `signKey` is either the 32-byte seed or a 48-byte
   * PKCS#8 encoding of it (what ts-mls's default provider generates).
   */
  ed25519Sign(signKey: Uint8Array, message: Uint8Array): MaybePromise<Uint8Array>
  /** Ed25519 verification; returns false (never throws) on a bad signature or key. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): MaybePromise<boolean>
  /** Fresh Ed25519 key pair: `signKey` is the 32-byte seed. */
  ed25519Keygen(): MaybePromise<{ signKey: Uint8Array; publicKey: Uint8Array }>
  /** AES-GCM (key of 16 or 32 bytes, 12-byte nonce); returns ciphertext ‖ 16-byte tag. */
  aesGcmEncrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): MaybePromise<Uint8Array>
  /** AES-GCM open; throws when authentication fails. */
  aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): MaybePromise<Uint8Array>
  /**
   * X25519 (RFC 7748) for HPKE. When present, HPKE runs on it with this
   * backend's HMAC and AES-GCM (`@demls/mls`'s own RFC 9180 code, checked
   * against the RFC's test vectors); when absent, on `@hpke/core`.
   */
  readonly x25519?: X25519Backend
}

/**
 * The X25519 function (RFC 7748) on 32-byte little-endian strings; the
 * scalar is clamped by the function, as the RFC specifies.
 *
 * @example
 * ```ts
 * import type { CryptoBackend, X25519Backend } from '@demls/mls'
 * declare const backend: CryptoBackend
 * const x: X25519Backend | undefined = backend.x25519
 * if (x !== undefined) {
 *   const sk = crypto.getRandomValues(new Uint8Array(32))
 *   console.log(x.name, (await x.publicKey(sk)).length) // … 32
 * }
 * ```
 */
export interface X25519Backend {
  /** Which implementation computes it, for diagnostics and benchmark reports (`libsodium`, `openssl`). */
  readonly name: string
  /** `X25519(privateKey, 9)`: the public key of a 32-byte private key. */
  publicKey(privateKey: Uint8Array): MaybePromise<Uint8Array>
  /**
   * `X25519(privateKey, publicKey)`: the Diffie-Hellman shared secret.
   * Throws when the result is all zero (a small-order public key), the
   * check RFC 9180 §7.1.4 requires.
   */
  sharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): MaybePromise<Uint8Array>
}

/** X25519's key and shared-secret length (RFC 7748). */
export const X25519_KEY_LENGTH = 32

/** Throw unless `bytes` is an X25519 key (32 bytes); `what` names it in the message. */
export function checkX25519Length(bytes: Uint8Array, what: string): void {
  if (bytes.length !== X25519_KEY_LENGTH) throw new Error(`X25519 ${what} must be ${X25519_KEY_LENGTH} bytes, got ${bytes.length}`)
}

/** Shape shared by the platform modules behind `#crypto-backend`. */
export type CryptoBackendFactory = () => Promise<CryptoBackend>

/** DER prefix of a PKCS#8 Ed25519 private key (followed by the 32-byte seed). */
export const ED25519_PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])
/** DER prefix of an SPKI Ed25519 public key (followed by the 32-byte key). */
export const ED25519_SPKI_PREFIX = new Uint8Array([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
])

/** The 32-byte Ed25519 seed from a raw seed or a 48-byte PKCS#8 blob. */
export function ed25519Seed(signKey: Uint8Array): Uint8Array {
  if (signKey.length === 32) return signKey
  if (signKey.length === 48) return signKey.subarray(16)
  throw new Error(`unsupported Ed25519 private key length ${signKey.length}`)
}

/** PKCS#8 DER of an Ed25519 seed (raw seeds are wrapped, PKCS#8 passes through). */
export function ed25519Pkcs8(signKey: Uint8Array): Uint8Array {
  if (signKey.length === 48) return signKey
  const out = new Uint8Array(48)
  out.set(ED25519_PKCS8_PREFIX)
  out.set(ed25519Seed(signKey), 16)
  return out
}

/** SPKI DER of a raw 32-byte Ed25519 public key. */
export function ed25519Spki(publicKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(ED25519_SPKI_PREFIX.length + publicKey.length)
  out.set(ED25519_SPKI_PREFIX)
  out.set(publicKey, ED25519_SPKI_PREFIX.length)
  return out
}

/** A small bounded cache: cleared wholesale when full (keys are cheap to re-import). */
export class KeyCache<V> {
  readonly #map = new Map<string, V>()
  readonly #max: number

  constructor(max: number) {
    this.#max = max
  }

  get(key: string): V | undefined {
    return this.#map.get(key)
  }

  set(key: string, value: V): void {
    if (this.#map.size >= this.#max) this.#map.clear()
    this.#map.set(key, value)
  }
}
