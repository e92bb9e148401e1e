/// <reference types="node" />
// Node-only: imported by `node-backend.ts` (the `#crypto-backend` "node"
// condition), so browser bundles never see `node:crypto`.
import { type KeyObject, createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto'
import { type X25519Backend, checkX25519Length } from './backend.js'
import { loadLibsodiumX25519 } from './node-libsodium.js'

/** DER prefix of a PKCS#8 X25519 private key (followed by the 32-byte key). */
const X25519_PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
])

/** RFC 7748 §6.1: Alice's and Bob's key pairs and their shared secret. */
const RFC7748 = {
  alicePrivate: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  alicePublic: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  bobPublic: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
}

const b64u = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url')
const fromB64u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'))
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))

/** A JWK private-key import: Node builds the key from `d` (raw key, no DER decoder) and needs an `x` it does not use. */
function jwkPrivate(sk: Uint8Array): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(sk), x: b64u(new Uint8Array(32)) }, format: 'jwk' })
}

/** The PKCS#8 import: OpenSSL's decoder, about 0.36 ms here. */
function pkcs8Private(sk: Uint8Array): KeyObject {
  const der = new Uint8Array(X25519_PKCS8_PREFIX.length + 32)
  der.set(X25519_PKCS8_PREFIX)
  der.set(sk, X25519_PKCS8_PREFIX.length)
  return createPrivateKey({ key: Buffer.from(der.buffer), format: 'der', type: 'pkcs8' })
}

/** X25519 on OpenSSL through node:crypto, importing private keys with `importPrivate`. */
function opensslWith(importPrivate: (sk: Uint8Array) => KeyObject): X25519Backend {
  const privateKey = (sk: Uint8Array) => {
    checkX25519Length(sk, 'private key')
    return importPrivate(sk)
  }
  return {
    name: 'openssl',
    publicKey: (sk) => fromB64u(createPublicKey(privateKey(sk)).export({ format: 'jwk' }).x as string),
    sharedSecret(sk, pk) {
      checkX25519Length(pk, 'public key')
      const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(pk) }, format: 'jwk' })
      return new Uint8Array(diffieHellman({ privateKey: privateKey(sk), publicKey }))
    },
  }
}

/** Whether `x` computes RFC 7748's §6.1 example correctly. */
function passesRfc7748(x: X25519Backend): boolean {
  try {
    const sk = hex(RFC7748.alicePrivate)
    const pub = x.publicKey(sk) as Uint8Array
    const shared = x.sharedSecret(sk, hex(RFC7748.bobPublic)) as Uint8Array
    return Buffer.from(pub).toString('hex') === RFC7748.alicePublic && Buffer.from(shared).toString('hex') === RFC7748.shared
  } catch {
    return false
  }
}

/**
 * X25519 on OpenSSL. Private keys are imported as JWK (about 42 µs; Node
 * builds the key from `d` alone) when that path computes RFC 7748's
 * example correctly on this Node, and as PKCS#8 DER otherwise (correct
 * everywhere, about 0.36 ms per key); `pkcs8: true` takes the PKCS#8 path
 * whatever the check says (the tests compare the two).
 */
export function opensslX25519(options: { pkcs8?: boolean } = {}): X25519Backend {
  const fast = opensslWith(jwkPrivate)
  return !options.pkcs8 && passesRfc7748(fast) ? fast : opensslWith(pkcs8Private)
}

/**
 * X25519 for the node backend's HPKE: libsodium when `sodium-native`
 * loads ({@link loadLibsodiumX25519}; `name` is then `'libsodium'`), else
 * OpenSSL ({@link opensslX25519}). Both are checked against RFC 7748's
 * example before use; one that fails it is not used.
 */
export function nodeX25519(): X25519Backend {
  const sodium = loadLibsodiumX25519()
  if (sodium !== undefined) {
    const x: X25519Backend = { name: 'libsodium', ...sodium }
    if (passesRfc7748(x)) return x
  }
  return opensslX25519()
}
