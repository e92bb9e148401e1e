// ts-mls patch §12 and TsMlsGroup.decrypt: a group that owns its current
// secret tree (its own copy, seen by nothing else since) advances a
// sender's ratchet in place instead of copying all 2n − 1 slots on every
// message. These tests pin that it copies at most once per run of decrypts,
// that it ends in the state the copying path gives, that a snapshot never
// sees a later decrypt, and that a rejected message consumes no key.
import { afterEach, describe, expect, it } from 'vitest'
import type { MlsService } from '../src/index.js'
import { client, groupOf, str, text } from './helpers.js'

/** Nine members: the secret tree has 31 slots (a leaf width of 16). */
const MEMBERS = 9
const TREE_SLOTS = 31

const slice = Array.prototype.slice
let treeCopies = 0
/** Count copies of whole arrays of the secret tree's size (what ts-mls's update did per message). */
function countTreeCopies(): void {
  treeCopies = 0
  Array.prototype.slice = function (this: unknown[], ...args: [number?, number?]) {
    if (this.length === TREE_SLOTS && args.length === 0) treeCopies++
    return slice.apply(this, args)
  } as typeof Array.prototype.slice
}
afterEach(() => {
  Array.prototype.slice = slice
})

async function setup(): Promise<{ groups: MlsService[]; bobClient: Awaited<ReturnType<typeof client>> }> {
  const clients = await Promise.all([...Array(MEMBERS)].map(() => client()))
  const groups = await groupOf(clients)
  return { groups, bobClient: clients[1]! }
}

/** `count` messages, from the members other than Bob in turn. */
async function messages(groups: MlsService[], count: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const from = groups[[0, 2, 3, 4, 5, 6, 7, 8][i % 8]!]!
    out.push(await from.encrypt(text(`m${i}`)))
  }
  return out
}

describe('secret tree updated in place by the group that owns it', () => {
  it('copies the tree once for a run of decrypts, and ends in the state copying every time gives', async () => {
    const { groups, bobClient } = await setup()
    const bob = groups[1]!
    // A second Bob at the same state that copies on every message: a snapshot before each decrypt takes the ownership away.
    const copying = await bobClient.importGroup(bob.exportState())
    const sent = await messages(groups, 24)
    countTreeCopies()
    for (const [i, m] of sent.entries()) expect(str((await bob.decrypt(m)).plaintext)).toBe(`m${i}`)
    const inPlaceCopies = treeCopies
    countTreeCopies()
    for (const [i, m] of sent.entries()) {
      copying.snapshot()
      expect(str((await copying.decrypt(m)).plaintext)).toBe(`m${i}`)
    }
    expect(inPlaceCopies).toBe(1)
    expect(treeCopies).toBe(sent.length)
    expect(bob.exportState()).toEqual(copying.exportState())
  })

  it('a snapshot is not advanced by the decrypts after it: a group restored from it reads the same messages', async () => {
    const { groups, bobClient } = await setup()
    const bob = groups[1]!
    const sent = await messages(groups, 12)
    for (const m of sent.slice(0, 4)) await bob.decrypt(m)
    const atSnapshot = bob.exportState()
    const snap = bob.snapshot()
    for (const m of sent.slice(4)) await bob.decrypt(m)
    const restored = await bobClient.restoreGroup(snap)
    expect(restored.exportState()).toEqual(atSnapshot)
    for (const [i, m] of sent.slice(4).entries()) expect(str((await restored.decrypt(m)).plaintext)).toBe(`m${i + 4}`)
    // And the live group read each of them once: a replay is refused.
    await expect(bob.decrypt(sent[5]!)).rejects.toThrow()
  })

  it('a rejected message consumes no key while the tree is updated in place', async () => {
    const { groups } = await setup()
    const bob = groups[1]!
    const sent = await messages(groups, 6)
    for (const m of sent.slice(0, 4)) await bob.decrypt(m)
    const before = bob.exportState()
    // Message 4 with its ciphertext's last byte flipped: the AEAD tag fails.
    const tampered = sent[4]!.slice()
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1
    await expect(bob.decrypt(tampered)).rejects.toThrow()
    expect(bob.exportState()).toEqual(before)
    expect(str((await bob.decrypt(sent[4]!)).plaintext)).toBe('m4')
    expect(str((await bob.decrypt(sent[5]!)).plaintext)).toBe('m5')
  })
})
