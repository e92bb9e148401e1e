/// <reference types="node" />
// Node-only backend, reached through the `#crypto-backend` import condition
// "node"; bundlers targeting browsers resolve `web-backend.js` instead and
// never see `node:crypto`.
import {
  type KeyObject,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomFillSync,
  sign,
  verify,
} from 'node:crypto'
import { toHex } from '../internal/bytes.js'
import { type CryptoBackend, KeyCache, ed25519Pkcs8, ed25519Spki } from './backend.js'
import { loadLibsodiumHash, loadLibsodiumVerify } from './node-libsodium.js'
import { nodeX25519 } from './node-x25519.js'

function view(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}

function aesName(key: Uint8Array): 'aes-128-gcm' | 'aes-256-gcm' {
  if (key.length === 16) return 'aes-128-gcm'
  if (key.length === 32) return 'aes-256-gcm'
  throw new Error(`unsupported AES key length ${key.length}`)
}

const POOL = 4096
/**
 * Requests up to this size come from the pool: the 4-byte reuse guard of
 * every message sent, which is public. Secrets (path and epoch secrets,
 * 32 bytes) are drawn when needed, so no future secret waits in memory.
 */
const POOLED_MAX = 16

/**
 * Random bytes from OpenSSL's CSPRNG, small requests served from a 4 KiB
 * pool (one `randomFillSync` per pool instead of one 2.6 µs call per
 * 4-byte reuse guard); each byte is handed out once and zeroed in the pool
 * as it leaves.
 */
function pooledRandom(): (n: number) => Uint8Array {
  const pool = new Uint8Array(POOL)
  let offset = POOL
  return (n) => {
    if (n > POOLED_MAX) return randomFillSync(new Uint8Array(n))
    if (offset + n > POOL) {
      randomFillSync(pool)
      offset = 0
    }
    const out = pool.slice(offset, offset + n)
    pool.fill(0, offset, offset + n)
    offset += n
    return out
  }
}

/**
 * Synchronous `node:crypto` backend: Ed25519 with KeyObjects imported once
 * per key and cached, SHA-256/HMAC/AES-GCM without the WebCrypto thread-pool
 * round trip. A signature is first checked on libsodium when the optional
 * `sodium-native` package loads (`ed25519` is then `'libsodium'`), and on
 * OpenSSL when libsodium refuses it, so the verdict is OpenSSL's on every
 * input ({@link loadLibsodiumVerify}). SHA-256 and HMAC run on libsodium's
 * SHA-256 too when it loads (`hash` is then `'libsodium'`; same bytes,
 * less set-up per call: {@link loadLibsodiumHash}). HPKE's X25519 runs on
 * libsodium too when it loads, else on OpenSSL ({@link nodeX25519}).
 */
export function nodeCryptoBackend(): CryptoBackend {
  const fastVerify = loadLibsodiumVerify()
  const fastHash = loadLibsodiumHash()
  const privateKeys = new KeyCache<KeyObject>(256)
  const publicKeys = new KeyCache<KeyObject>(8192)
  const privateKey = (signKey: Uint8Array): KeyObject => {
    const id = toHex(signKey)
    let k = privateKeys.get(id)
    if (k === undefined) {
      k = createPrivateKey({ key: ed25519Pkcs8(signKey) as Buffer, format: 'der', type: 'pkcs8' })
      privateKeys.set(id, k)
    }
    return k
  }
  const publicKey = (raw: Uint8Array): KeyObject => {
    const id = toHex(raw)
    let k = publicKeys.get(id)
    if (k === undefined) {
      k = createPublicKey({ key: ed25519Spki(raw) as Buffer, format: 'der', type: 'spki' })
      publicKeys.set(id, k)
    }
    return k
  }
  return {
    name: 'node',
    ed25519: fastVerify === undefined ? 'openssl' : 'libsodium',
    randomBytes: pooledRandom(),
    hash: fastHash === undefined ? 'openssl' : 'libsodium',
    x25519: nodeX25519(),
    sha256: fastHash?.sha256 ?? ((data) => view(createHash('sha256').update(data).digest())),
    hmacSha256: fastHash?.hmacSha256 ?? ((key, data) => view(createHmac('sha256', key).update(data).digest())),
    ed25519Sign: (signKey, message) => view(sign(null, message, privateKey(signKey))),
    ed25519Verify(pub, message, signature) {
      if (pub.length !== 32 || signature.length !== 64) return false
      if (fastVerify?.(pub, message, signature) === true) return true
      try {
        return verify(null, message, publicKey(pub), signature)
      } catch {
        return false
      }
    },
    ed25519Keygen() {
      const { privateKey: sk, publicKey: pk } = generateKeyPairSync('ed25519')
      const pkcs8 = view(sk.export({ format: 'der', type: 'pkcs8' }))
      const spki = view(pk.export({ format: 'der', type: 'spki' }))
      return { signKey: pkcs8.slice(16), publicKey: spki.slice(12) }
    },
    aesGcmEncrypt(key, nonce, aad, plaintext) {
      const c = createCipheriv(aesName(key), key, nonce)
      if (aad.length > 0) c.setAAD(aad)
      const head = c.update(plaintext)
      const tail = c.final()
      const tag = c.getAuthTag()
      const out = new Uint8Array(head.length + tail.length + tag.length)
      out.set(head, 0)
      out.set(tail, head.length)
      out.set(tag, head.length + tail.length)
      return out
    },
    aesGcmDecrypt(key, nonce, aad, ciphertext) {
      if (ciphertext.length < 16) throw new Error('ciphertext shorter than the GCM tag')
      const d = createDecipheriv(aesName(key), key, nonce)
      if (aad.length > 0) d.setAAD(aad)
      d.setAuthTag(ciphertext.subarray(ciphertext.length - 16))
      const head = d.update(ciphertext.subarray(0, ciphertext.length - 16))
      const tail = d.final()
      if (tail.length === 0) return view(head)
      const out = new Uint8Array(head.length + tail.length)
      out.set(head, 0)
      out.set(tail, head.length)
      return out
    },
  }
}

/** Entry point of the `#crypto-backend` module (Node condition). */
export async function createPlatformCryptoBackend(): Promise<CryptoBackend> {
  return nodeCryptoBackend()
}
