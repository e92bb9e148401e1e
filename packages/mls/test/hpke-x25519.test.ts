import { type CiphersuiteImpl, type Hpke, defaultCryptoProvider, getCiphersuiteFromName } from '#ts-mls'
import { afterEach, describe, expect, it } from 'vitest'
import type { CryptoBackend, X25519Backend } from '../src/crypto/backend.js'
import { HpkeX25519, x25519Hpke } from '../src/crypto/hpke-x25519.js'
import { nodeCryptoBackend } from '../src/crypto/node-backend.js'
import { loadLibsodiumX25519 } from '../src/crypto/node-libsodium.js'
import { nodeX25519, opensslX25519 } from '../src/crypto/node-x25519.js'
import { CIPHERSUITE_NAME, createMlsClient } from '../src/index.js'
import { assertExchange, randomId } from './helpers.js'

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** RFC 9180 Appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode. */
const A1 = {
  info: hex('4f6465206f6e2061204772656369616e2055726e'),
  ikmE: hex('7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234'),
  pkEm: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  skEm: '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736',
  ikmR: hex('6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037'),
  pkRm: '3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d',
  skRm: '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8',
  sharedSecret: 'fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc',
  key: '4531685d41d65f03dc48f6b8302c05b0',
  baseNonce: '56d890e5accaaf011cff4b7d',
  exporterSecret: '45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8',
  // sequence number 0: the single-shot seal/open MLS uses
  pt: hex('4265617574792069732074727574682c20747275746820626561757479'),
  aad: hex('436f756e742d30'),
  ct: hex('f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a'),
  exports: [
    { context: '', value: '3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee' },
    { context: '00', value: '2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5' },
    { context: '54657374436f6e74657874', value: 'e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931' },
  ],
}

/** mlswg/mls-implementations test-vectors/crypto-basics.json, cipher_suite 1, encrypt_with_label. */
const ENCRYPT_WITH_LABEL = {
  priv: hex('fb1ade7939987ff12a9d620772b1f9f7caeba26f8a3ecea9617d9402cd862444'),
  pub: 'ecea6564da58d6c6cff6c733bd4ae0815b1f60bb911b73e4ef1d06263ec4ce58',
  label: 'EncryptWithLabel',
  context: hex('26347dd7f218d1de8673d6a66646ce06ac5fd3aa8d5c33f65d86aeefdcf4a31e'),
  kemOutput: hex('0a144e8fbf2d6dcf6fe9d2e2b8aeca5461ff5b0ea9c0ede1040c3dc7ed1dfd1c'),
  plaintext: '8f55dd30f03d64335c22b53ea7670bb1becf49b04021f706368fe93eeb358f46',
  ciphertext: hex('15c80ea2bc37db221baa530ef5aea88650f0ce0f262803d6f78f3a1392f7ccd960eff94ca081ee54efa4c3acfa0eb591'),
}

/** Small-order X25519 public keys (u = 0, 1, a point of order 8, p − 1): each gives an all-zero shared secret. */
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map(hex)

/** Loaded before any test sets DEMLS_X25519_BACKEND. */
const SODIUM = loadLibsodiumX25519()

function backends(): [string, X25519Backend][] {
  const sodium = SODIUM
  if (sodium === undefined) throw new Error('sodium-native does not load here')
  return [
    ['libsodium', { name: 'libsodium', ...sodium }],
    ['openssl', opensslX25519()],
    ['openssl (PKCS#8 import)', opensslX25519({ pkcs8: true })],
  ]
}

/** ts-mls's stock HPKE (`@hpke/core`), the independent implementation we check against. */
async function stockHpke(): Promise<Hpke> {
  const impl: CiphersuiteImpl = await defaultCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE_NAME))
  return impl.hpke
}

/** The MLS `EncryptContext`: opaque label<V> ‖ opaque context<V>, both under 64 bytes here. */
function labelInfo(label: string, context: Uint8Array): Uint8Array {
  const l = new TextEncoder().encode(`MLS 1.0 ${label}`)
  return new Uint8Array([l.length, ...l, context.length, ...context])
}

describe.each(backends())('HPKE on X25519 of %s', (_name, x) => {
  const backend: CryptoBackend = { ...nodeCryptoBackend(), x25519: x }
  const hpke = x25519Hpke(backend, x)

  it('matches RFC 9180 A.1.1 step by step: key derivation, encapsulation, key schedule', async () => {
    const core = new HpkeX25519(x, backend.hmacSha256.bind(backend), () => {
      throw new Error('the vector fixes every random input')
    })
    const e = await core.deriveKeyPair(A1.ikmE)
    const r = await core.deriveKeyPair(A1.ikmR)
    expect([toHex(e.privateKey), toHex(e.publicKey)]).toEqual([A1.skEm, A1.pkEm])
    expect([toHex(r.privateKey), toHex(r.publicKey)]).toEqual([A1.skRm, A1.pkRm])
    const { sharedSecret, enc } = await core.encap(hex(A1.pkRm), hex(A1.skEm))
    expect([toHex(enc), toHex(sharedSecret)]).toEqual([A1.pkEm, A1.sharedSecret])
    expect(toHex(await core.decap(enc, hex(A1.skRm)))).toBe(A1.sharedSecret)
    const ctx = await core.keySchedule(sharedSecret, A1.info)
    expect([toHex(ctx.key), toHex(ctx.baseNonce), toHex(ctx.exporterSecret)]).toEqual([A1.key, A1.baseNonce, A1.exporterSecret])
    expect(await backend.aesGcmEncrypt(ctx.key, ctx.baseNonce, A1.aad, A1.pt)).toEqual(A1.ct)
  })

  it("opens RFC 9180's ciphertext and derives its exported values through ts-mls's interface", async () => {
    const sk = await hpke.importPrivateKey(hex(A1.skRm))
    expect(await hpke.open(sk, hex(A1.pkEm), A1.ct, A1.info, A1.aad)).toEqual(A1.pt)
    for (const { context, value } of A1.exports) {
      expect(toHex(await hpke.importSecret(sk, hex(context), hex(A1.pkEm), 32, A1.info))).toBe(value)
    }
    const kp = await hpke.deriveKeyPair(A1.ikmR)
    expect(toHex(await hpke.exportPrivateKey(kp.privateKey))).toBe(A1.skRm)
    expect(toHex(await hpke.exportPublicKey(kp.publicKey))).toBe(A1.pkRm)
  })

  it("decrypts MLS's EncryptWithLabel test vector", async () => {
    const v = ENCRYPT_WITH_LABEL
    const sk = await hpke.importPrivateKey(v.priv)
    expect(toHex(await hpke.open(sk, v.kemOutput, v.ciphertext, labelInfo(v.label, v.context), new Uint8Array()))).toBe(v.plaintext)
    expect(toHex(await x.publicKey(v.priv))).toBe(v.pub)
  })

  it('interoperates with @hpke/core both ways: key pairs, seal/open, secret export', async () => {
    const stock = await stockHpke()
    for (let i = 0; i < 12; i++) {
      const ikm = crypto.getRandomValues(new Uint8Array(32))
      const ours = await hpke.deriveKeyPair(ikm)
      const theirs = await stock.deriveKeyPair(ikm)
      expect(await hpke.exportPublicKey(ours.publicKey)).toEqual(await stock.exportPublicKey(theirs.publicKey))
      expect(await hpke.exportPrivateKey(ours.privateKey)).toEqual(await stock.exportPrivateKey(theirs.privateKey))
      const pt = crypto.getRandomValues(new Uint8Array(i * 37))
      const info = crypto.getRandomValues(new Uint8Array(i * 5))
      const aad = i % 2 === 0 ? undefined : crypto.getRandomValues(new Uint8Array(i))
      const toStock = await hpke.seal(ours.publicKey, pt, info, aad)
      expect(await stock.open(theirs.privateKey, toStock.enc, toStock.ct, info, aad)).toEqual(pt)
      const toUs = await stock.seal(theirs.publicKey, pt, info, aad)
      expect(await hpke.open(ours.privateKey, toUs.enc, toUs.ct, info, aad)).toEqual(pt)
      const context = crypto.getRandomValues(new Uint8Array(i))
      const sent = await hpke.exportSecret(ours.publicKey, context, 32, info)
      expect(await stock.importSecret(theirs.privateKey, context, sent.enc, 32, info)).toEqual(sent.secret)
      const got = await stock.exportSecret(theirs.publicKey, context, 32, info)
      expect(await hpke.importSecret(ours.privateKey, context, got.enc, 32, info)).toEqual(got.secret)
    }
  })

  it('refuses small-order keys, bad lengths, tampering, a wrong info and a wrong key', async () => {
    const kp = await hpke.generateKeyPair()
    const sealed = await hpke.seal(kp.publicKey, new Uint8Array([1, 2, 3]), new Uint8Array([9]))
    expect(await hpke.open(kp.privateKey, sealed.enc, sealed.ct, new Uint8Array([9]))).toEqual(new Uint8Array([1, 2, 3]))
    // @hpke/core refuses the same keys: members on either implementation reach the same verdict on a commit.
    const stock = await stockHpke()
    const theirs = await stock.generateKeyPair()
    const stockSealed = await stock.seal(theirs.publicKey, new Uint8Array([1]), new Uint8Array())
    for (const bad of SMALL_ORDER) {
      await expect(hpke.seal(await hpke.importPublicKey(bad), new Uint8Array([1]), new Uint8Array())).rejects.toThrow()
      await expect(hpke.open(kp.privateKey, bad, sealed.ct, new Uint8Array([9]))).rejects.toThrow()
      await expect(hpke.importSecret(kp.privateKey, new Uint8Array(), bad, 32, new Uint8Array())).rejects.toThrow()
      await expect(stock.seal(await stock.importPublicKey(bad), new Uint8Array([1]), new Uint8Array())).rejects.toThrow()
      await expect(stock.open(theirs.privateKey, bad, stockSealed.ct, new Uint8Array())).rejects.toThrow()
    }
    await expect(hpke.importPublicKey(new Uint8Array(31))).rejects.toThrow(/32 bytes/)
    await expect(hpke.importPrivateKey(new Uint8Array(33))).rejects.toThrow(/32 bytes/)
    await expect(hpke.open(kp.privateKey, sealed.enc.subarray(1), sealed.ct, new Uint8Array([9]))).rejects.toThrow(/32 bytes/)
    const flipped = sealed.ct.slice()
    flipped[0] = (flipped[0] as number) ^ 1
    await expect(hpke.open(kp.privateKey, sealed.enc, flipped, new Uint8Array([9]))).rejects.toThrow(/AEAD open failed/)
    await expect(hpke.open(kp.privateKey, sealed.enc, sealed.ct, new Uint8Array([8]))).rejects.toThrow(/AEAD open failed/)
    await expect(hpke.open((await hpke.generateKeyPair()).privateKey, sealed.enc, sealed.ct, new Uint8Array([9]))).rejects.toThrow(/AEAD open failed/)
    // A public key where a private one belongs, and a key of another HPKE: refused, not misused.
    await expect(hpke.open(kp.publicKey as never, sealed.enc, sealed.ct, new Uint8Array([9]))).rejects.toThrow(/not an X25519 private key/)
    await expect(hpke.seal((await stock.generateKeyPair()).publicKey, new Uint8Array([1]), new Uint8Array())).rejects.toThrow(/not an X25519 public key/)
  })

  it('exports copies: changing an exported key changes nothing held', async () => {
    const kp = await hpke.deriveKeyPair(new Uint8Array(32).fill(7))
    const out = await hpke.exportPrivateKey(kp.privateKey)
    out.fill(0)
    expect(await hpke.exportPrivateKey(kp.privateKey)).not.toEqual(out)
  })
})

describe('X25519 backend choice', () => {
  afterEach(() => {
    delete process.env.DEMLS_X25519_BACKEND
  })

  it('is libsodium here, OpenSSL with DEMLS_X25519_BACKEND=openssl; all three agree on random keys', () => {
    expect(nodeX25519().name).toBe('libsodium')
    expect(nodeCryptoBackend().x25519?.name).toBe('libsodium')
    process.env.DEMLS_X25519_BACKEND = 'openssl'
    expect(nodeX25519().name).toBe('openssl')
    const [[, a], ...others] = backends() as [string, X25519Backend][] as [[string, X25519Backend], ...[string, X25519Backend][]]
    for (let i = 0; i < 50; i++) {
      const sk = crypto.getRandomValues(new Uint8Array(32))
      const peer = a.publicKey(crypto.getRandomValues(new Uint8Array(32))) as Uint8Array
      for (const [, b] of others) {
        expect(b.publicKey(sk)).toEqual(a.publicKey(sk))
        expect(b.sharedSecret(sk, peer)).toEqual(a.sharedSecret(sk, peer))
      }
    }
  })

  it('checks the all-zero shared secret itself, whatever the backend returns', async () => {
    const lax: X25519Backend = { name: 'lax', publicKey: () => new Uint8Array(32).fill(1), sharedSecret: () => new Uint8Array(32) }
    const hpke = x25519Hpke(nodeCryptoBackend(), lax)
    await expect(hpke.seal(await hpke.importPublicKey(new Uint8Array(32).fill(2)), new Uint8Array([1]), new Uint8Array())).rejects.toThrow(/all zero/)
  })

  it('members on libsodium, OpenSSL and @hpke/core X25519 and the ts-mls default share one group', async () => {
    const node = nodeCryptoBackend()
    const { x25519: _, ...withoutX25519 } = node
    const clients = await Promise.all(
      [
        { ...node, name: 'sodium-x25519' },
        { ...node, name: 'openssl-x25519', x25519: opensslX25519() },
        { ...withoutX25519, name: 'hpke-core-x25519' },
        'default' as const,
      ].map((crypto) => createMlsClient({ memberId: randomId(), crypto })),
    )
    const [s, o, h, d] = clients as [(typeof clients)[0], (typeof clients)[0], (typeof clients)[0], (typeof clients)[0]]
    // Adds: HPKE to each joiner's init key (Welcome); the committer's path to the new leaves.
    const gs = await s.createGroup('x25519-interop')
    const c1 = await gs.createCommitCandidate([
      { action: 'add', keyPackage: await o.generateKeyPackage() },
      { action: 'add', keyPackage: await h.generateKeyPackage() },
      { action: 'add', keyPackage: await d.generateKeyPackage() },
    ])
    await gs.mergeOwnCommit()
    const go = (await o.joinFromWelcome(c1.welcome!))!
    const gh = (await h.joinFromWelcome(c1.welcome!))!
    const gd = (await d.joinFromWelcome(c1.welcome!))!
    await assertExchange([gs, go, gh, gd])
    // Removes with update paths from each implementation: path secrets sealed by one, opened by the others.
    for (const [committer, removed] of [
      [go, gd],
      [gh, gs],
    ] as const) {
      const rest = [gs, go, gh, gd].filter((g) => g !== committer && g !== removed && g.isActive())
      const c = await committer.createCommitCandidate([{ action: 'remove', memberId: removed.memberId }])
      for (const g of [...rest, removed]) {
        expect((await g.stageRemoteCommit(c)).status).toBe('staged')
        await g.mergeStagedCommit()
      }
      await committer.mergeOwnCommit()
      expect(removed.isActive()).toBe(false)
      await assertExchange([committer, ...rest])
    }
    expect(go.epochAuthenticator()).toEqual(gh.epochAuthenticator())
  })
})
