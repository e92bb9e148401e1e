import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import {
  type CryptoChoice,
  type IdentitySigner,
  type MlsClient,
  type MlsClientInit,
  type MlsService,
  createMlsClient,
  memberIdFromHex,
} from '../src/index.js'

export const HARDHAT = [
  '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
].map(memberIdFromHex)

export const text = (s: string) => new TextEncoder().encode(s)
export const str = (b: Uint8Array) => new TextDecoder().decode(b)

export function randomId(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(20))
}

export function client(memberId: Uint8Array = randomId(), crypto: CryptoChoice = 'auto', publicHandshakes = false): Promise<MlsClient> {
  return createMlsClient({ memberId, crypto, publicHandshakes })
}

/** A group of `clients.length` members: the first creates, adds everyone, the others join. */
export async function groupOf(clients: MlsClient[], conversationId = 'conv-1'): Promise<MlsService[]> {
  const [creator, ...rest] = clients
  if (!creator) throw new Error('no clients')
  const g = await creator.createGroup(conversationId)
  if (rest.length === 0) return [g]
  const kps = await Promise.all(rest.map((c) => c.generateKeyPackage()))
  const cand = await g.createCommitCandidate(kps.map((keyPackage) => ({ action: 'add' as const, keyPackage })))
  await g.mergeOwnCommit()
  const joined: MlsService[] = []
  for (const c of rest) {
    const j = await c.joinFromWelcome(cand.welcome!)
    if (!j) throw new Error('welcome not for us')
    joined.push(j)
  }
  return [g, ...joined]
}

/** Assert that every group can send to every other one. */
export async function assertExchange(groups: MlsService[]): Promise<void> {
  for (const from of groups) {
    const msg = await from.encrypt(text(`from ${from.memberId[0]}`))
    for (const to of groups) {
      if (to === from) continue
      const d = await to.decrypt(msg)
      if (str(d.plaintext) !== `from ${from.memberId[0]}`) throw new Error('plaintext mismatch')
      if (d.sender.join() !== from.memberId.join()) throw new Error('sender mismatch')
    }
  }
}

/** Hardhat's well-known private keys of {@link HARDHAT} (test only). */
export const HARDHAT_KEYS = [
  'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
].map((h) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16)))

/** An EIP-191 identity signer over a raw secp256k1 key (what `@demls/consensus`'s `EthereumSigner` does). */
export function identitySignerOf(privateKey: Uint8Array): IdentitySigner {
  const identity = keccak_256(secp256k1.getPublicKey(privateKey, false).subarray(1)).slice(12)
  return {
    identity,
    sign(payload: Uint8Array): Uint8Array {
      const prefix = new TextEncoder().encode(`\x19Ethereum Signed Message:\n${payload.length}`)
      const buf = new Uint8Array(prefix.length + payload.length)
      buf.set(prefix, 0)
      buf.set(payload, prefix.length)
      const rec = secp256k1.sign(keccak_256(buf), privateKey, { prehash: false, format: 'recovered' })
      const out = new Uint8Array(65)
      out.set(rec.subarray(1, 65), 0)
      out[64] = 27 + (rec[0] ?? 0)
      return out
    },
  }
}

/** A client whose leaves are bound to a (fresh, or given) secp256k1 key; it requires bindings. */
export function boundClient(privateKey: Uint8Array = secp256k1.utils.randomSecretKey(), extra: Partial<MlsClientInit> = {}): Promise<MlsClient> {
  const identitySigner = identitySignerOf(privateKey)
  return createMlsClient({ memberId: identitySigner.identity, identitySigner, ...extra })
}
