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
  sign,
  verify,
} from 'node:crypto'
import { toHex } from '../internal/bytes.js'
import { type CryptoBackend, KeyCache, ed25519Pkcs8, ed25519Spki } from './backend.js'
import { loadLibsodiumVerify } from './node-libsodium.js'

function view(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}

function aesName(key: Uint8Array): 'aes-128-gcm' | 'aes-256-gcm' {
  if (key.length === 16) return 'aes-128-gcm'
  if (key.length === 32) return 'aes-256-gcm'
  throw new Error(`unsupported AES key length ${key.length}`)
}

/**
 * Synchronous `node:crypto` backend: Ed25519 with KeyObjects imported once
 * per key and cached, SHA-256/HMAC/AES-GCM without the WebCrypto thread-pool
 * round trip. A signature is first checked on libsodium when the optional
 * `sodium-native` package loads (`ed25519` is then `'libsodium'`), and on
 * OpenSSL when libsodium refuses it, so the verdict is OpenSSL's on every
 * input ({@link loadLibsodiumVerify}).
 */
export function nodeCryptoBackend(): CryptoBackend {
  const fastVerify = loadLibsodiumVerify()
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
    sha256: (data) => view(createHash('sha256').update(data).digest()),
    hmacSha256: (key, data) => view(createHmac('sha256', key).update(data).digest()),
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
