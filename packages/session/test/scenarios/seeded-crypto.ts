// Seeded randomness for simulated runs (churn runs, regression scenarios):
// with the memory network's seeded faults, the members' seeded jitter and
// these, a run on the virtual clock repeats exactly, so a failing seed can
// be traced again. Never for anything but simulations: every MLS secret
// follows from the seed.
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto'
import { type CryptoBackend, createMlsClient, platformCryptoBackend } from '@demls/mls'

/** A deterministic byte stream: SHA-256 of (label, seed, counter) blocks. */
export function seededBytes(label: string, seed: number): (n: number) => Uint8Array {
  let counter = 0
  let block = new Uint8Array(0)
  let used = 0
  return (n) => {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      if (used === block.length) {
        block = new Uint8Array(createHash('sha256').update(`${label}:${seed}:${counter++}`).digest())
        used = 0
      }
      out[i] = block[used++]!
    }
    return out
  }
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/**
 * The platform's MLS crypto backend with its randomness (reuse guards,
 * path secrets, HPKE ephemeral keys, init keys) and its Ed25519 key
 * generation drawn from `seed`.
 */
export async function seededCryptoBackend(seed: number): Promise<CryptoBackend> {
  const base = await platformCryptoBackend()
  const random = seededBytes('mls', seed)
  return {
    ...base,
    name: `${base.name}-seeded`,
    randomBytes: random,
    ed25519Keygen() {
      const signKey = random(32)
      const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, signKey]), format: 'der', type: 'pkcs8' })
      const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
      return { signKey, publicKey: new Uint8Array(spki.subarray(12)) }
    },
  }
}

let warmed: Promise<unknown> | undefined

/**
 * Whatever draws random bytes once per process (the MLS layer's check of
 * its ts-mls patch at the first client), done before any run is seeded,
 * so that the first run of a process draws what every later one does.
 */
export function warmUpOnce(): Promise<unknown> {
  warmed ??= createMlsClient({ memberId: new Uint8Array(20) })
  return warmed
}

/**
 * Replace `globalThis.crypto.getRandomValues` (proposal and vote ids, probe
 * and knock nonces) and `Math.random` (ts-mls's GREASE values) with streams
 * drawn from `seed` until the returned function is called.
 */
export function seedGlobalRandom(seed: number): () => void {
  const target = globalThis.crypto
  const had = Object.getOwnPropertyDescriptor(target, 'getRandomValues')
  const random = seededBytes('global', seed)
  Object.defineProperty(target, 'getRandomValues', {
    configurable: true,
    writable: true,
    value: <T extends ArrayBufferView | null>(array: T): T => {
      if (array !== null) new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(random(array.byteLength))
      return array
    },
  })
  // ts-mls draws the GREASE values of every key package's capabilities from Math.random.
  const mathRandom = Math.random
  const numbers = seededBytes('math', seed)
  Math.random = () => {
    const b = numbers(6)
    return (b[0]! * 2 ** 40 + b[1]! * 2 ** 32 + b[2]! * 2 ** 24 + b[3]! * 2 ** 16 + b[4]! * 2 ** 8 + b[5]!) / 2 ** 48
  }
  return () => {
    Math.random = mathRandom
    if (had === undefined) delete (target as { getRandomValues?: unknown }).getRandomValues
    else Object.defineProperty(target, 'getRandomValues', had)
  }
}

/** The virtual time a seeded run starts at: fixed, so timestamps (and the hashes over them) repeat. */
export const SEEDED_RUN_START_MS = Date.UTC(2026, 10, 1)

/** Run `run` with the process's random sources seeded from `seed` (after {@link warmUpOnce}), restored after. */
export async function withSeededRandom<T>(seed: number, run: () => Promise<T>): Promise<T> {
  await warmUpOnce()
  const restore = seedGlobalRandom(seed)
  try {
    return await run()
  } finally {
    restore()
  }
}
