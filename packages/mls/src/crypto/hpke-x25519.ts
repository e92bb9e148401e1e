// HPKE (RFC 9180), base mode, for the one suite MLS ciphersuite 1 uses:
// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM. It runs on a
// backend's X25519, HMAC and AES-GCM instead of @hpke/core, whose
// WebCrypto key import costs about 0.8 ms per derived key pair in Node 20
// (OpenSSL's PKCS#8 decoder); a commit's path derives one per level.
import { concatBytes } from '@demls/wire'
import type { Hpke, PrivateKey, PublicKey } from '#ts-mls'
import { messageAead } from './aead.js'
import { type CryptoBackend, type X25519Backend, X25519_KEY_LENGTH, checkX25519Length } from './backend.js'
import { HASH_LEN, type HmacSha256, hkdfExpand, hkdfExtract } from './hkdf.js'

/** Nsk, Npk, Nenc and Ndh of DHKEM(X25519): all 32 bytes. */
const X25519_LEN = X25519_KEY_LENGTH
/** Nk and Nn of AES-128-GCM. */
const KEY_LEN = 16
const NONCE_LEN = 12

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const HPKE_V1 = utf8('HPKE-v1')
/** suite_id of the KEM: "KEM" ‖ I2OSP(0x0020, 2). */
const KEM_SUITE = new Uint8Array([...utf8('KEM'), 0x00, 0x20])
/** suite_id of the HPKE context: "HPKE" ‖ kem_id 0x0020 ‖ kdf_id 0x0001 ‖ aead_id 0x0001. */
const HPKE_SUITE = new Uint8Array([...utf8('HPKE'), 0x00, 0x20, 0x00, 0x01, 0x00, 0x01])
const EMPTY = new Uint8Array(0)
const MODE_BASE = 0x00

/** An HPKE key of this module: ts-mls holds it opaquely and hands it back. */
class X25519Key {
  constructor(
    readonly type: 'private' | 'public',
    readonly bytes: Uint8Array,
    /** The public key of a private key, once known. */
    public publicBytes?: Uint8Array,
  ) {}
}

function keyOf(k: PrivateKey | PublicKey, type: 'private' | 'public'): X25519Key {
  const key = k as unknown as X25519Key
  if (!(key instanceof X25519Key) || key.type !== type) throw new Error(`not an X25519 ${type} key of this HPKE`)
  return key
}

/** The context a base-mode setup yields: the AEAD key and nonce, and the exporter secret. */
interface Context {
  key: Uint8Array
  baseNonce: Uint8Array
  exporterSecret: Uint8Array
}

/**
 * The RFC 9180 operations on injected primitives. Exported for the tests,
 * which pin it to the RFC's test vectors (including the deterministic
 * encapsulation they need); everything else uses {@link x25519Hpke}.
 */
export class HpkeX25519 {
  readonly #x: X25519Backend
  readonly #hmac: HmacSha256
  readonly #random: (n: number) => Uint8Array
  #pskIdHash: Promise<Uint8Array> | undefined

  constructor(x: X25519Backend, hmac: HmacSha256, random: (n: number) => Uint8Array) {
    this.#x = x
    this.#hmac = hmac
    this.#random = random
  }

  #labeledExtract(suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Promise<Uint8Array> {
    return hkdfExtract(this.#hmac, salt, concatBytes([HPKE_V1, suite, utf8(label), ikm]))
  }

  #labeledExpand(suite: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, len: number): Promise<Uint8Array> {
    const l = new Uint8Array([len >> 8, len & 0xff])
    return hkdfExpand(this.#hmac, prk, concatBytes([l, HPKE_V1, suite, utf8(label), info]), len)
  }

  /** DeriveKeyPair(ikm) of DHKEM(X25519): sk = LabeledExpand(dkp_prk, "sk", "", 32). */
  async deriveKeyPair(ikm: Uint8Array): Promise<{ privateKey: Uint8Array; publicKey: Uint8Array }> {
    const prk = await this.#labeledExtract(KEM_SUITE, EMPTY, 'dkp_prk', ikm)
    const privateKey = await this.#labeledExpand(KEM_SUITE, prk, 'sk', EMPTY, X25519_LEN)
    return { privateKey, publicKey: await this.#x.publicKey(privateKey) }
  }

  /** DH with the all-zero check, whatever the backend does. */
  async #dh(sk: Uint8Array, pk: Uint8Array): Promise<Uint8Array> {
    checkX25519Length(sk, 'private key')
    checkX25519Length(pk, 'public key')
    const dh = await this.#x.sharedSecret(sk, pk)
    let acc = 0
    for (const b of dh) acc |= b
    if (dh.length !== X25519_LEN || acc === 0) throw new Error('X25519 shared secret is all zero (small-order public key)')
    return dh
  }

  async #extractAndExpand(dh: Uint8Array, kemContext: Uint8Array): Promise<Uint8Array> {
    const prk = await this.#labeledExtract(KEM_SUITE, EMPTY, 'eae_prk', dh)
    dh.fill(0)
    return this.#labeledExpand(KEM_SUITE, prk, 'shared_secret', kemContext, HASH_LEN)
  }

  /**
   * Encap(pkR) with the ephemeral private key `skE`: random unless given
   * (the tests give the RFC's); a random one is wiped once used.
   */
  async encap(pkR: Uint8Array, skE?: Uint8Array): Promise<{ sharedSecret: Uint8Array; enc: Uint8Array }> {
    const sk = skE ?? this.#random(X25519_LEN)
    try {
      const enc = await this.#x.publicKey(sk)
      const dh = await this.#dh(sk, pkR)
      return { sharedSecret: await this.#extractAndExpand(dh, concatBytes([enc, pkR])), enc }
    } finally {
      if (skE === undefined) sk.fill(0)
    }
  }

  /** Decap(enc, skR); `pkR` is skR's public key (derived when not given). */
  async decap(enc: Uint8Array, skR: Uint8Array, pkR?: Uint8Array): Promise<Uint8Array> {
    checkX25519Length(enc, 'encapsulated key')
    const dh = await this.#dh(skR, enc)
    return this.#extractAndExpand(dh, concatBytes([enc, pkR ?? (await this.#x.publicKey(skR))]))
  }

  /** KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = ""). */
  async keySchedule(sharedSecret: Uint8Array, info: Uint8Array): Promise<Context> {
    this.#pskIdHash ??= this.#labeledExtract(HPKE_SUITE, EMPTY, 'psk_id_hash', EMPTY)
    const infoHash = await this.#labeledExtract(HPKE_SUITE, EMPTY, 'info_hash', info)
    const ksc = concatBytes([new Uint8Array([MODE_BASE]), await this.#pskIdHash, infoHash])
    const secret = await this.#labeledExtract(HPKE_SUITE, sharedSecret, 'secret', EMPTY)
    return {
      key: await this.#labeledExpand(HPKE_SUITE, secret, 'key', ksc, KEY_LEN),
      baseNonce: await this.#labeledExpand(HPKE_SUITE, secret, 'base_nonce', ksc, NONCE_LEN),
      exporterSecret: await this.#labeledExpand(HPKE_SUITE, secret, 'exp', ksc, HASH_LEN),
    }
  }

  /** Context.Export(exporter_context, L). */
  export(ctx: Context, exporterContext: Uint8Array, len: number): Promise<Uint8Array> {
    return this.#labeledExpand(HPKE_SUITE, ctx.exporterSecret, 'sec', exporterContext, len)
  }
}

/**
 * ts-mls's `Hpke` for ciphersuite 1 on `backend`'s X25519, HMAC and
 * AES-GCM: RFC 9180 base mode, single-shot seal/open (sequence number 0)
 * and the secret export MLS uses for external joins. Wire-identical to
 * `@hpke/core` (the tests cross-check both ways and against RFC 9180's
 * and MLS's test vectors). Every failure throws an `Error`, as
 * `@hpke/core` does through ts-mls.
 */
export function x25519Hpke(backend: CryptoBackend, x: X25519Backend): Hpke {
  const random = backend.randomBytes?.bind(backend) ?? ((n: number) => crypto.getRandomValues(new Uint8Array(n)))
  const hpke = new HpkeX25519(x, backend.hmacSha256.bind(backend), random)
  const { encryptAead, decryptAead } = messageAead(backend)
  const recipient = async (privateKey: PrivateKey, kemOutput: Uint8Array, info: Uint8Array) => {
    const sk = keyOf(privateKey, 'private')
    sk.publicBytes ??= await x.publicKey(sk.bytes)
    return hpke.keySchedule(await hpke.decap(kemOutput, sk.bytes, sk.publicBytes), info)
  }
  const sender = async (publicKey: PublicKey, info: Uint8Array) => {
    const { sharedSecret, enc } = await hpke.encap(keyOf(publicKey, 'public').bytes)
    return { ctx: await hpke.keySchedule(sharedSecret, info), enc }
  }
  const pair = (privateKey: Uint8Array, publicKey: Uint8Array) => ({
    privateKey: new X25519Key('private', privateKey, publicKey) as unknown as PrivateKey,
    publicKey: new X25519Key('public', publicKey) as unknown as PublicKey,
  })
  return {
    async seal(publicKey, plaintext, info, ad) {
      const { ctx, enc } = await sender(publicKey, info)
      return { ct: await encryptAead(ctx.key, ctx.baseNonce, ad, plaintext), enc }
    },
    async open(privateKey, kemOutput, ciphertext, info, ad) {
      const ctx = await recipient(privateKey, kemOutput, info)
      return decryptAead(ctx.key, ctx.baseNonce, ad, ciphertext)
    },
    async exportSecret(publicKey, exporterContext, length, info) {
      const { ctx, enc } = await sender(publicKey, info)
      return { enc, secret: await hpke.export(ctx, exporterContext, length) }
    },
    async importSecret(privateKey, exporterContext, kemOutput, length, info) {
      return hpke.export(await recipient(privateKey, kemOutput, info), exporterContext, length)
    },
    async importPrivateKey(k) {
      checkX25519Length(k, 'private key')
      return new X25519Key('private', k.slice()) as unknown as PrivateKey
    },
    async importPublicKey(k) {
      checkX25519Length(k, 'public key')
      return new X25519Key('public', k.slice()) as unknown as PublicKey
    },
    exportPublicKey: async (k) => keyOf(k, 'public').bytes.slice(),
    exportPrivateKey: async (k) => keyOf(k, 'private').bytes.slice(),
    encryptAead,
    decryptAead,
    async deriveKeyPair(ikm) {
      const kp = await hpke.deriveKeyPair(ikm)
      return pair(kp.privateKey, kp.publicKey)
    },
    async generateKeyPair() {
      const sk = random(X25519_LEN)
      return pair(sk, await x.publicKey(sk))
    },
    keyLength: KEY_LEN,
    nonceLength: NONCE_LEN,
  }
}
