/**
 * The secret tree of the demls ts-mls patch (UPSTREAM.md §9): ratchets only
 * at leaves. Checked against the RFC 9420 interop vectors of
 * mlswg/mls-implementations (`secret-tree`, suite 1), with ts-mls alone, and
 * end to end: every member of a ts-mls group still reads every other, on
 * both ratchets, before and after a state export.
 */
import { readFileSync } from 'node:fs'
import { type ClientState, createApplicationMessage, createCommit, createGroup, createProposal, decodeGroupState, emptyPskIndex, encodeGroupState, joinGroup, processPrivateMessage } from '#ts-mls'
import { createSecretTree, ratchetToGeneration } from '#ts-mls/secretTree.js'
import { describe, expect, it } from 'vitest'
import { impl, keyPackage } from './ts-mls-alone.js'

interface LeafVector {
  generation: number
  application_key: string
  application_nonce: string
  handshake_key: string
  handshake_nonce: string
}
interface TreeVector {
  n_leaves: number
  encryption_secret: string
  leaves: LeafVector[]
}
const vectors = JSON.parse(readFileSync(new URL('./vectors/secret-tree-suite1.json', import.meta.url), 'utf8')) as TreeVector[]
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const retention = { maximumForwardRatchetSteps: 200, retainKeysForGenerations: 10, retainKeysForEpochs: 4 }

describe('ts-mls secret tree with ratchets only at leaves (RFC 9420 §9)', () => {
  it.each(vectors.map((v) => [v.n_leaves, v] as const))('derives the RFC vectors’ keys and nonces (%i leaves)', async (_n, v) => {
    const tree = await createSecretTree(v.n_leaves, hex(v.encryption_secret), impl.kdf)
    expect(tree).toHaveLength(2 * v.n_leaves - 1)
    for (const [leafIndex, leaf] of v.leaves.entries()) {
      const senderData = { leafIndex, generation: leaf.generation, reuseGuard: new Uint8Array(4) } as Parameters<typeof ratchetToGeneration>[1]
      const app = await ratchetToGeneration(tree, senderData, 'application', retention, impl)
      const hs = await ratchetToGeneration(tree, senderData, 'proposal', retention, impl)
      expect([toHex(app.key), toHex(app.nonce)]).toEqual([leaf.application_key, leaf.application_nonce])
      expect([toHex(hs.key), toHex(hs.nonce)]).toEqual([leaf.handshake_key, leaf.handshake_nonce])
    }
  })

  it('keeps no ratchet at internal nodes, a fresh one at every leaf', async () => {
    const tree = await createSecretTree(8, new Uint8Array(32).fill(1), impl.kdf)
    tree.forEach((node, i) => {
      const len = i % 2 === 0 ? 32 : 0
      expect([node.application.secret.length, node.handshake.secret.length]).toEqual([len, len])
    })
    // Leaves do not share ratchet objects (each advances on its own).
    expect(tree[0]!.application).not.toBe(tree[2]!.application)
  })

  it('lets every member of a group read every other, on both ratchets, before and after an export', async () => {
    const names = ['alice', 'bob', 'carol', 'dave', 'erin']
    const kps = await Promise.all(names.map((n) => keyPackage(n)))
    let creator = await createGroup(new TextEncoder().encode('secret-tree'), kps[0]!.publicPackage, kps[0]!.privatePackage, [], impl)
    const commit = await createCommit(
      { state: creator, cipherSuite: impl },
      { extraProposals: kps.slice(1).map((k) => ({ proposalType: 'add' as const, add: { keyPackage: k.publicPackage } })) },
    )
    creator = commit.newState
    const states: ClientState[] = [creator]
    for (const k of kps.slice(1)) states.push(await joinGroup(commit.welcome!, k.publicPackage, k.privatePackage, emptyPskIndex, impl, creator.ratchetTree))
    const everyoneReads = async () => {
      for (let from = 0; from < states.length; from++) {
        const sent = await createApplicationMessage(states[from]!, new TextEncoder().encode(`hi from ${from}`), impl)
        states[from] = sent.newState
        // A proposal goes out on the handshake ratchet.
        const proposed = await createProposal(states[from]!, false, { proposalType: 'remove', remove: { removed: (from + 1) % states.length } }, impl)
        // Keep the advanced handshake ratchet, not the pending proposal (it would block later sends).
        states[from] = { ...states[from]!, secretTree: proposed.newState.secretTree }
        for (let to = 0; to < states.length; to++) {
          if (to === from) continue
          const app = await processPrivateMessage(states[to]!, sent.privateMessage, emptyPskIndex, impl)
          expect(app.kind).toBe('applicationMessage')
          if (app.kind === 'applicationMessage') expect(new TextDecoder().decode(app.message)).toBe(`hi from ${from}`)
          if (proposed.message.wireformat !== 'mls_private_message') throw new Error('expected a private proposal')
          const prop = await processPrivateMessage(app.newState, proposed.message.privateMessage, emptyPskIndex, impl)
          expect(prop.kind).toBe('newState')
          // Drop the proposal again: only the reading is under test.
          states[to] = { ...app.newState, secretTree: prop.newState.secretTree }
        }
      }
    }
    await everyoneReads()
    for (let i = 0; i < states.length; i++) states[i] = { ...decodeGroupState(encodeGroupState(states[i]!), 0)![0], clientConfig: states[i]!.clientConfig }
    await everyoneReads()
  })
})
