import { concatBytes } from '@demls/wire'
import { StorageCorruptError } from './errors.js'

const encoder = new TextEncoder()
/** Bytes of one segment's keyed hash in an encrypted store's on-disk key. */
export const HASHED_SEGMENT_BYTES = 16
const NONCE_BYTES = 12
const TAG_BYTES = 16
/** Version byte in front of every encrypted value. */
const VALUE_FORMAT = 1
const AAD_LABEL = encoder.encode('demls-storage/v1 value')

function subtle(): SubtleCrypto {
  const c = (globalThis as { crypto?: Crypto }).crypto
  if (!c?.subtle) throw new Error('WebCrypto (globalThis.crypto.subtle) is not available')
  return c.subtle
}

/** Copy into a fresh ArrayBuffer-backed array (what WebCrypto's typings want). */
function buf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length)
  out.set(bytes)
  return out
}

export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n)
  globalThis.crypto.getRandomValues(out)
  return out
}

/** The keys one encrypted store uses, all derived from its `encryptionKey` and salt with HKDF-SHA-256. */
export class StoreKeys {
  private readonly cache = new Map<string, Uint8Array>()

  private constructor(
    private readonly valueKey: CryptoKey,
    private readonly nameKey: CryptoKey,
    /** HMAC of a fixed label under a third subkey; proves the right key at open. */
    readonly check: Uint8Array,
  ) {}

  static async derive(encryptionKey: Uint8Array, salt: Uint8Array): Promise<StoreKeys> {
    const s = subtle()
    const ikm = await s.importKey('raw', buf(encryptionKey), 'HKDF', false, ['deriveKey'])
    const derive = (info: string, algorithm: AesKeyGenParams | HmacImportParams, usages: KeyUsage[]) =>
      s.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: buf(salt), info: encoder.encode(`demls-storage/v1 ${info}`) },
        ikm,
        algorithm,
        false,
        usages,
      )
    const hmac = { name: 'HMAC', hash: 'SHA-256', length: 256 }
    const [valueKey, nameKey, checkKey] = await Promise.all([
      derive('value', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']),
      derive('name', hmac, ['sign']),
      derive('check', hmac, ['sign']),
    ])
    const check = new Uint8Array(await s.sign('HMAC', checkKey, encoder.encode('demls-storage/v1 key check')))
    return new StoreKeys(valueKey, nameKey, check)
  }

  /**
   * The on-disk name of a key: per segment, the first 16 bytes of
   * HMAC(nameKey, previous segment's hash ‖ segment), so a prefix maps to a
   * prefix and equal segments under different parents look unrelated.
   */
  async hashKey(segments: readonly Uint8Array[]): Promise<Uint8Array> {
    const out = new Uint8Array(segments.length * HASHED_SEGMENT_BYTES)
    let prev: Uint8Array = new Uint8Array(0)
    for (let i = 0; i < segments.length; i++) {
      const input = concatBytes([prev, segments[i]!])
      const memo = this.cache.get(toKeyString(input))
      const h = memo ?? new Uint8Array(await subtle().sign('HMAC', this.nameKey, buf(input))).slice(0, HASHED_SEGMENT_BYTES)
      if (memo === undefined) {
        if (this.cache.size >= 4096) this.cache.clear()
        this.cache.set(toKeyString(input), h)
      }
      out.set(h, i * HASHED_SEGMENT_BYTES)
      prev = h
    }
    return out
  }

  /**
   * `VALUE_FORMAT ‖ nonce ‖ AES-256-GCM(len ‖ encodedKey ‖ value)` with the
   * on-disk key as associated data. The plaintext key travels inside so
   * iteration can return it.
   */
  async seal(storedKey: Uint8Array, encodedKey: Uint8Array, value: Uint8Array): Promise<Uint8Array> {
    const nonce = randomBytes(NONCE_BYTES)
    const plain = new Uint8Array(2 + encodedKey.length + value.length)
    plain[0] = encodedKey.length >>> 8
    plain[1] = encodedKey.length & 0xff
    plain.set(encodedKey, 2)
    plain.set(value, 2 + encodedKey.length)
    const ct = await subtle().encrypt(
      { name: 'AES-GCM', iv: buf(nonce), additionalData: buf(concatBytes([AAD_LABEL, storedKey])) },
      this.valueKey,
      plain,
    )
    return concatBytes([new Uint8Array([VALUE_FORMAT]), nonce, new Uint8Array(ct)])
  }

  /** Inverse of {@link seal}: the encoded key and the value, or `StorageCorruptError`. */
  async open(storedKey: Uint8Array, sealed: Uint8Array): Promise<{ encodedKey: Uint8Array; value: Uint8Array }> {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES + 2 || sealed[0] !== VALUE_FORMAT) {
      throw new StorageCorruptError('a stored value is truncated or in an unknown format')
    }
    let plain: Uint8Array
    try {
      plain = new Uint8Array(
        await subtle().decrypt(
          {
            name: 'AES-GCM',
            iv: buf(sealed.subarray(1, 1 + NONCE_BYTES)),
            additionalData: buf(concatBytes([AAD_LABEL, storedKey])),
          },
          this.valueKey,
          buf(sealed.subarray(1 + NONCE_BYTES)),
        ),
      )
    } catch (cause) {
      throw new StorageCorruptError('a stored value failed authentication (tampered, or moved from another key)', {
        cause,
      })
    }
    const n = (plain[0]! << 8) | plain[1]!
    if (2 + n > plain.length) throw new StorageCorruptError('a stored value has a malformed key header')
    return { encodedKey: plain.subarray(2, 2 + n), value: plain.subarray(2 + n) }
  }
}

function toKeyString(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return s
}
