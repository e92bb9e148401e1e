import { type CryptoChoice, type MlsClient, type MlsService, createMlsClient, memberIdFromHex } from '../src/index.js'

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
