import { type ICryptoInterface, pureJsCrypto } from '@chainsafe/libp2p-noise'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type GossipsubNode, buildGossipsubNode } from '../src/node/create-node.js'
import { nodeNoiseCrypto, nodeSha256 } from '../src/platform/node-noise.js'
import { nodePlatform } from '../src/platform/node.js'
import { waitUntil } from './helpers.js'

// Every frame of every connection is sealed by this crypto: it must be noise's ChaCha20-Poly1305
// and X25519 byte for byte (a node on it talks to any noise peer), refuse what noise refuses,
// and actually carry the frames of a demls node in Node.
const native = nodeNoiseCrypto()
const bytes = (n: number, seed = 1) => new Uint8Array(n).map((_, i) => (i * 131 + seed * 7) & 0xff)
/** A stand-in for noise's `Uint8ArrayList` (two chunks): all the crypto reads of one is `subarray()`. */
/** Bytes as a plain `Uint8Array` (the crypto returns `Buffer`s, as noise's own does). */
const u8 = (x: { subarray(): Uint8Array }) => Uint8Array.from(x.subarray())
const list = (a: Uint8Array, b: Uint8Array) => ({ byteLength: a.length + b.length, subarray: () => Uint8Array.from([...a, ...b]) }) as never

describe('the Node noise crypto (libsodium)', () => {
  it('loads here (sodium-native is installed with the package)', () => {
    expect(native).toBeDefined()
  })

  it('seals and opens ChaCha20-Poly1305 byte for byte as noise’s own, for every frame size', () => {
    const c = native!
    const k = bytes(32, 3)
    const nonce = bytes(12, 4)
    for (const size of [0, 1, 15, 16, 17, 63, 64, 65, 400, 1199, 1200, 4096, 65519]) {
      for (const ad of [new Uint8Array(0), bytes(32, 5)]) {
        const m = bytes(size, size)
        const sealed = c.chaCha20Poly1305Encrypt(m, nonce, ad, k)
        expect(u8(sealed)).toEqual(u8(pureJsCrypto.chaCha20Poly1305Encrypt(m, nonce, ad, k)))
        expect(u8(c.chaCha20Poly1305Decrypt(sealed.subarray(), nonce, ad, k))).toEqual(m)
      }
    }
  })

  it('takes noise’s chunk lists as input', () => {
    const c = native!
    const [k, nonce, ad] = [bytes(32), bytes(12), new Uint8Array(0)]
    const [a, b] = [bytes(100, 1), bytes(50, 2)]
    const sealed = c.chaCha20Poly1305Encrypt(list(a, b), nonce, ad, k).subarray()
    expect(u8(sealed)).toEqual(u8(pureJsCrypto.chaCha20Poly1305Encrypt(Uint8Array.from([...a, ...b]), nonce, ad, k)))
    expect(u8(c.chaCha20Poly1305Decrypt(list(sealed.subarray(0, 70), sealed.subarray(70)), nonce, ad, k))).toEqual(Uint8Array.from([...a, ...b]))
  })

  it('opens in place into the `dst` noise passes (the ciphertext’s own bytes), and elsewhere otherwise', () => {
    const c = native!
    const [k, nonce, ad] = [bytes(32), bytes(12), new Uint8Array(0)]
    const m = bytes(1000, 9)
    const frame = new Uint8Array(8 + 1016)
    frame.set(c.chaCha20Poly1305Encrypt(m, nonce, ad, k).subarray(), 8)
    const ciphertext = frame.subarray(8)
    const dst = frame.subarray(8, 8 + 1000)
    const out = c.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) as Uint8Array
    expect(u8(out)).toEqual(m)
    expect(out.buffer).toBe(frame.buffer)
    expect(out.byteOffset).toBe(8)
    // A `dst` that is not where the ciphertext starts is not written.
    const sealed = c.chaCha20Poly1305Encrypt(m, nonce, ad, k).subarray()
    const elsewhere = new Uint8Array(1000)
    expect(u8(c.chaCha20Poly1305Decrypt(sealed, nonce, ad, k, elsewhere))).toEqual(m)
    expect(elsewhere.every((b) => b === 0)).toBe(true)
  })

  it('refuses a frame with a flipped bit, the wrong nonce, key or associated data, or shorter than a tag', () => {
    const c = native!
    const [k, nonce, ad] = [bytes(32), bytes(12), new Uint8Array(0)]
    const sealed = Uint8Array.from(c.chaCha20Poly1305Encrypt(bytes(300), nonce, ad, k).subarray())
    for (const at of [0, 150, 299, 300, 315]) {
      const bad = Uint8Array.from(sealed)
      bad[at]! ^= 1
      expect(() => c.chaCha20Poly1305Decrypt(bad, nonce, ad, k)).toThrow()
    }
    expect(() => c.chaCha20Poly1305Decrypt(sealed, bytes(12, 2), ad, k)).toThrow()
    expect(() => c.chaCha20Poly1305Decrypt(sealed, nonce, ad, bytes(32, 2))).toThrow()
    expect(() => c.chaCha20Poly1305Decrypt(sealed, nonce, bytes(1), k)).toThrow()
    expect(() => c.chaCha20Poly1305Decrypt(new Uint8Array(15), nonce, ad, k)).toThrow()
  })

  it('agrees on X25519 with noise’s own both ways, and refuses a low-order public key', () => {
    const c = native!
    const ours = c.generateX25519KeyPair()
    const theirs = pureJsCrypto.generateX25519KeyPair()
    expect(ours.publicKey).toEqual(pureJsCrypto.generateX25519KeyPairFromSeed(ours.privateKey).publicKey)
    expect(c.generateX25519SharedKey(ours.privateKey, theirs.publicKey)).toEqual(pureJsCrypto.generateX25519SharedKey(theirs.privateKey, ours.publicKey))
    const seeded = c.generateX25519KeyPairFromSeed(bytes(32, 6))
    expect(seeded.publicKey).toEqual(pureJsCrypto.generateX25519KeyPairFromSeed(bytes(32, 6)).publicKey)
    expect(c.generateX25519KeyPair().privateKey).not.toEqual(ours.privateKey)
    // The identity point and a point of order 8 (RFC 7748's list of low-order points).
    const order8 = Uint8Array.from(Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'))
    for (const low of [new Uint8Array(32), order8]) expect(() => c.generateX25519SharedKey(ours.privateKey, low)).toThrow()
  })

  it('hashes SHA-256 as noise does, and `DEMLS_NOISE_CRYPTO=default` keeps noise’s own crypto', () => {
    for (const size of [0, 1, 64, 1000, 70_000]) {
      expect(u8(native!.hashSHA256(bytes(size)))).toEqual(pureJsCrypto.hashSHA256(bytes(size)))
      expect(u8(nodeSha256(bytes(size)))).toEqual(pureJsCrypto.hashSHA256(bytes(size)))
    }
    vi.stubEnv('DEMLS_NOISE_CRYPTO', 'default')
    try {
      expect(nodeNoiseCrypto()).toBeUndefined()
    } finally {
      vi.unstubAllEnvs()
    }
  })
})

describe('nodes on the native noise crypto and on noise’s own talk to each other', () => {
  const started: GossipsubNode[] = []
  afterEach(async () => {
    await Promise.allSettled(started.map((n) => n.stop()))
    started.length = 0
  })

  /** The native crypto, counting the frames it seals and opens. */
  function counted(): { crypto: ICryptoInterface; sealed: () => number; opened: () => number } {
    const c = nodeNoiseCrypto()!
    let sealed = 0
    let opened = 0
    return {
      crypto: {
        ...c,
        chaCha20Poly1305Encrypt: (...a) => {
          sealed++
          return c.chaCha20Poly1305Encrypt(...a)
        },
        chaCha20Poly1305Decrypt: (...a) => {
          opened++
          return c.chaCha20Poly1305Decrypt(...a)
        },
      },
      sealed: () => sealed,
      opened: () => opened,
    }
  }

  it('a native node and a node with noise’s default crypto exchange gossipsub messages of every size both ways', async () => {
    const probe = counted()
    const nativeNode = await buildGossipsubNode({ ...nodePlatform, noiseCrypto: () => probe.crypto }, { listen: ['/ip4/127.0.0.1/tcp/0'] })
    const defaultNode = await buildGossipsubNode({ ...nodePlatform, noiseCrypto: () => undefined }, { listen: ['/ip4/127.0.0.1/tcp/0'] })
    started.push(nativeNode, defaultNode)
    await nativeNode.start()
    await defaultNode.start()
    const topic = 'noise-interop'
    const got = new Map<GossipsubNode, Uint8Array[]>([
      [nativeNode, []],
      [defaultNode, []],
    ])
    for (const n of [nativeNode, defaultNode]) {
      n.services.pubsub.subscribe(topic)
      n.services.pubsub.addEventListener('message', (e) => {
        if (e.detail.topic === topic) got.get(n)!.push(e.detail.data)
      })
    }
    await defaultNode.dial(nativeNode.getMultiaddrs()[0]!)
    await waitUntil(() => nativeNode.services.pubsub.getSubscribers(topic).length === 1 && defaultNode.services.pubsub.getSubscribers(topic).length === 1)
    // Sizes across noise's frame limit (65,535 bytes): a message of 200 KB spans four frames.
    const sizes = [1, 400, 1_199, 1_200, 65_519, 65_520, 200_000]
    for (const [from, to] of [
      [nativeNode, defaultNode],
      [defaultNode, nativeNode],
    ] as const) {
      for (const [i, size] of sizes.entries()) await from.services.pubsub.publish(topic, bytes(size, i + (from === nativeNode ? 0 : 50)))
      await waitUntil(() => got.get(to)!.length === sizes.length, 10_000, 'every message delivered')
      expect(got.get(to)!.map((m) => m.length)).toEqual(sizes)
      for (const [i, m] of got.get(to)!.entries()) expect(u8(m)).toEqual(bytes(sizes[i]!, i + (from === nativeNode ? 0 : 50)))
    }
    // The native node's frames went through the native crypto, both directions.
    expect(probe.sealed()).toBeGreaterThan(10)
    expect(probe.opened()).toBeGreaterThan(10)
  })
})
