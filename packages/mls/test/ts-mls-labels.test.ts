/**
 * The labelled structures of RFC 9420 (KDFLabel of ExpandWithLabel, §8;
 * SignContent of SignWithLabel, §5.1.2) that patches/ts-mls@1.6.4.patch
 * writes straight into one buffer instead of through ts-mls's composed
 * encoders: the interop test vectors of mlswg/mls-implementations
 * (crypto-basics, suite 1) on every provider demls runs, and byte equality
 * with ts-mls's own encoders across every length boundary.
 */
import { readFileSync } from 'node:fs'
import { type CiphersuiteImpl, defaultCryptoProvider, getCiphersuiteFromName } from '#ts-mls'
import { composeBufferEncoders, encode } from '#ts-mls/codec/tlsEncoder.js'
import { uint16Encoder } from '#ts-mls/codec/number.js'
import { varLenDataEncoder } from '#ts-mls/codec/variableLength.js'
import { refhash } from '#ts-mls/crypto/hash.js'
import { deriveSecret, deriveTreeSecret, expandWithLabel } from '#ts-mls/crypto/kdf.js'
import { encodeKdfLabel, encodeLabelled } from '#ts-mls/crypto/labelEncoding.js'
import { signWithLabel, verifyWithLabel } from '#ts-mls/crypto/signature.js'
import { describe, expect, it } from 'vitest'
import { nodeCryptoBackend } from '../src/crypto/node-backend.js'
import { cryptoProviderFromBackend } from '../src/crypto/provider.js'
import { webCryptoBackend } from '../src/crypto/web-backend.js'
import { toHex } from '../src/internal/bytes.js'

interface Vectors {
  derive_secret: { label: string; out: string; secret: string }
  derive_tree_secret: { generation: number; label: string; length: number; out: string; secret: string }
  expand_with_label: { context: string; label: string; length: number; out: string; secret: string }
  ref_hash: { label: string; out: string; value: string }
  sign_with_label: { content: string; label: string; priv: string; pub: string; signature: string }
}
const v = JSON.parse(readFileSync(new URL('./vectors/crypto-basics-suite1.json', import.meta.url), 'utf8')) as Vectors
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'))
/** The vectors' keys are TLS `opaque<V>`: a one-byte length (0x20) then 32 bytes. */
const opaque = (s: string) => hex(s).subarray(1)
const suite = getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519')

function withEnv<T>(name: string, value: string, f: () => T): T {
  const before = process.env[name]
  process.env[name] = value
  try {
    return f()
  } finally {
    if (before === undefined) delete process.env[name]
    else process.env[name] = before
  }
}

const providers: [string, () => Promise<CiphersuiteImpl>][] = [
  ['ts-mls default provider', () => defaultCryptoProvider.getCiphersuiteImpl(suite)],
  ['node backend (libsodium hash)', () => cryptoProviderFromBackend(nodeCryptoBackend()).getCiphersuiteImpl(suite)],
  [
    'node backend (OpenSSL hash and verify)',
    () =>
      withEnv('DEMLS_HASH_BACKEND', 'openssl', () =>
        withEnv('DEMLS_ED25519_BACKEND', 'openssl', () => cryptoProviderFromBackend(nodeCryptoBackend())),
      ).getCiphersuiteImpl(suite),
  ],
  ['web backend', async () => cryptoProviderFromBackend(await webCryptoBackend()).getCiphersuiteImpl(suite)],
]

describe.each(providers)('RFC 9420 crypto-basics vectors, suite 1, on the %s', (_name, load) => {
  it('ExpandWithLabel, DeriveSecret, DeriveTreeSecret (generation above 2^31) and RefHash', async () => {
    const cs = await load()
    const e = v.expand_with_label
    expect(toHex(await expandWithLabel(hex(e.secret), e.label, hex(e.context), e.length, cs.kdf))).toBe(e.out)
    expect(toHex(await deriveSecret(hex(v.derive_secret.secret), v.derive_secret.label, cs.kdf))).toBe(v.derive_secret.out)
    const t = v.derive_tree_secret
    expect(toHex(await deriveTreeSecret(hex(t.secret), t.label, t.generation, t.length, cs.kdf))).toBe(t.out)
    expect(toHex(await refhash(v.ref_hash.label, hex(v.ref_hash.value), cs.hash))).toBe(v.ref_hash.out)
  })

  it('SignWithLabel gives the vector signature (Ed25519 is deterministic) and VerifyWithLabel checks it', async () => {
    const cs = await load()
    const s = v.sign_with_label
    const content = hex(s.content)
    expect(toHex(await signWithLabel(opaque(s.priv), s.label, content, cs.signature))).toBe(s.signature)
    expect(await verifyWithLabel(opaque(s.pub), s.label, content, hex(s.signature), cs.signature)).toBe(true)
    expect(await verifyWithLabel(opaque(s.pub), `${s.label}x`, content, hex(s.signature), cs.signature)).toBe(false)
    content[0] = (content[0] as number) ^ 1
    expect(await verifyWithLabel(opaque(s.pub), s.label, content, hex(s.signature), cs.signature)).toBe(false)
  })
})

describe('the patched label encoders write the bytes ts-mls’s composed encoders write', () => {
  const kdfLabel = encode(composeBufferEncoders([uint16Encoder, varLenDataEncoder, varLenDataEncoder]))
  const signContent = encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]))
  const mls = (label: string) => new TextEncoder().encode(`MLS 1.0 ${label}`)
  // Label lengths around the 1/2-byte header boundary ("MLS 1.0 " is 8 bytes: 55 + 8 = 63, 56 + 8 = 64).
  const labels = ['', 'key', 'secret', 'x'.repeat(55), 'x'.repeat(56), 'é'.repeat(40)]
  const sizes = [0, 1, 4, 63, 64, 100, 16383, 16384, 70000]

  it('KDFLabel: every label and context size, lengths 0, 32, 65535 and 65536 (wraps like a uint16)', () => {
    for (const label of labels) {
      for (const n of sizes) {
        const context = crypto.getRandomValues(new Uint8Array(Math.min(n, 65536))).subarray(0, n)
        for (const length of [0, 32, 65535, 65536]) {
          expect(toHex(encodeKdfLabel(length, label, context))).toBe(toHex(kdfLabel([length, mls(label), context])))
        }
      }
    }
  })

  it('SignContent: every label and content size; a cached label is not corrupted by later calls', () => {
    for (let round = 0; round < 2; round++) {
      for (const label of labels) {
        for (const n of sizes) {
          const content = new Uint8Array(n).fill(n & 0xff)
          const ours = encodeLabelled(label, content)
          expect(toHex(ours)).toBe(toHex(signContent([mls(label), content])))
          ours.fill(0) // a caller writing into the result must not reach the cached label (round 2 checks)
        }
      }
    }
  })
})
