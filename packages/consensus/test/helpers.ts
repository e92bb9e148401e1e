import { hexToBytes } from '@noble/hashes/utils.js'
import {
  ConsensusService,
  type ConsensusServiceInit,
  EthereumSigner,
  InMemoryConsensusStorage,
  type RandomSource,
  defaultConsensusPlugin,
} from '../src/index.js'

/** Hardhat/Anvil dev keys #0–#2 (reference-architecture §13.1). */
export const ALICE_KEY = hexToBytes('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
export const BOB_KEY = hexToBytes('59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
export const CHARLIE_KEY = hexToBytes('5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')
export const DEV_KEYS = { ALICE: ALICE_KEY, BOB: BOB_KEY, CHARLIE: CHARLIE_KEY } as const

/** Extra deterministic keys for bigger groups: 0x…01, 0x…02, … (offset to avoid the dev keys). */
export function extraKey(i: number): Uint8Array {
  const k = new Uint8Array(32)
  k[30] = 0x10
  k[31] = i + 1
  return k
}

export const T0 = 1_700_000_000_000

/** mulberry32-based deterministic {@link RandomSource}. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0
  return (bytes: Uint8Array) => {
    for (let i = 0; i < bytes.length; i++) {
      a = (a + 0x6d2b79f5) >>> 0
      let t = a
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      bytes[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff
    }
    return bytes
  }
}

/** A service for `key` with its own in-memory storage and a seeded RNG. */
export function member(key: Uint8Array, seed = 1, init: Partial<ConsensusServiceInit> = {}): ConsensusService {
  return new ConsensusService({
    plugin: defaultConsensusPlugin(new EthereumSigner(key), { storage: new InMemoryConsensusStorage() }),
    random: seededRandom(seed),
    ...init,
  })
}

/** Deterministic Fisher–Yates shuffle. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice()
  const rnd = seededRandom(seed)
  const b = new Uint8Array(4)
  for (let i = out.length - 1; i > 0; i--) {
    rnd(b)
    const j = (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
