/**
 * Identities and timing shared by the orchestrator and the peers.
 *
 * - A de-MLS member is a secp256k1 key; its member id is the key's
 *   Ethereum address (`ethereumAddress` from `@demls/consensus`). The demo
 *   uses the public Hardhat/Anvil development keys #0–#4, like the tests,
 *   so peer N always has the same, recognisable address.
 * - `FAST` is the session scenario harness's fast timing profile in real
 *   time: a steward that has not committed approved work within 2 s is
 *   inactive and a backup steward takes over. The defaults are minutes;
 *   a demo cannot wait that long.
 */
import { type ConversationConfigInit, FAST_TIMING } from '@demls/session'
import { fromHex, toHex } from '@demls/wire'
import { createHash } from 'node:crypto'

/** Hardhat/Anvil public development keys #0–#4 (never use them for anything real). */
const DEV_KEYS = [
  'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
]

/** How many peers the demo runs. */
export const PEERS = DEV_KEYS.length

/**
 * The private key of peer `i`: the development keys for 0–4, then a key
 * derived from `i` (SHA-256 of a label, a valid secp256k1 scalar with
 * overwhelming probability) for the larger real-network runs.
 */
export function keyFor(i: number): Uint8Array {
  const h = DEV_KEYS[i]
  if (h !== undefined) return fromHex(h)
  return new Uint8Array(createHash('sha256').update(`demls demo peer ${i}`).digest())
}

/** The fast timing profile exported by @demls/session (commit inactivity 2 s, freeze 1 s, auto-votes after 0.3 s, …). */
export const FAST: ConversationConfigInit = FAST_TIMING

/**
 * DEMO_SN_MAX=n: steward lists of up to n members instead of the reference's 2 (an election every
 * n-th change, not every 2nd); undefined when unset or not a positive integer. A group rule: every
 * peer of a run reads the same value, and the soak names its report after it.
 */
export function demoSnMax(): number | undefined {
  const n = Number(process.env.DEMO_SN_MAX ?? 0)
  return Number.isInteger(n) && n > 0 ? n : undefined
}

/** Lower-case hex of bytes (member ids travel over IPC as hex). */
export const hex = toHex

/** Bytes of lower-case hex. */
export const unhex = fromHex
