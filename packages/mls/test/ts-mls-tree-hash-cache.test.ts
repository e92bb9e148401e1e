/**
 * The tree-hash cache of the demls ts-mls patch (UPSTREAM.md §10): a node's
 * hash is kept with the node object, so a commit re-hashes only the nodes it
 * replaced. Each check compares the hash over live trees (cache hits) with
 * the hash of a deep copy (fresh objects, nothing cached), with ts-mls alone.
 */
import { type ClientState, createCommit, createGroup } from 'ts-mls'
import { treeHashRoot } from 'ts-mls/treeHash.js'
import { describe, expect, it } from 'vitest'
import { impl, keyPackage } from './ts-mls-alone.js'

type Tree = ClientState['ratchetTree']

/** The hash with nothing cached: every node a fresh object. */
const fresh = (tree: Tree) => treeHashRoot(structuredClone(tree), impl.hash)

async function groupOf(size: number): Promise<ClientState> {
  const kps = await Promise.all([...Array(size).keys()].map((i) => keyPackage(`m${i}`)))
  const state = await createGroup(new TextEncoder().encode('tree-hash'), kps[0]!.publicPackage, kps[0]!.privatePackage, [], impl)
  const adds = kps.slice(1).map((k) => ({ proposalType: 'add' as const, add: { keyPackage: k.publicPackage } }))
  return (await createCommit({ state, cipherSuite: impl }, { extraProposals: adds })).newState
}

describe('ts-mls tree hash with a per-node cache', () => {
  it('gives the same root hash cached as fresh, and matches the group context, across commits', async () => {
    let state = await groupOf(9)
    for (let round = 0; round < 3; round++) {
      const cached = await treeHashRoot(state.ratchetTree, impl.hash)
      const again = await treeHashRoot(state.ratchetTree, impl.hash)
      expect(again).toEqual(cached)
      expect(await fresh(state.ratchetTree)).toEqual(cached)
      expect(cached).toEqual(state.groupContext.treeHash)
      // A removal with an update path: new leaf and parent nodes along one path, the rest kept.
      state = (await createCommit({ state, cipherSuite: impl }, { extraProposals: [{ proposalType: 'remove', remove: { removed: 8 - round } }] })).newState
    }
  })

  it('hashes a leaf object met at another index for that index', async () => {
    const state = await groupOf(6)
    const tree = state.ratchetTree
    await treeHashRoot(tree, impl.hash) // fill the cache
    const swapped = tree.slice()
    ;[swapped[2], swapped[4]] = [tree[4], tree[2]] // leaves 1 and 2 trade places: same objects, other indices
    expect(await treeHashRoot(swapped, impl.hash)).toEqual(await fresh(swapped))
    expect(await treeHashRoot(swapped, impl.hash)).not.toEqual(await treeHashRoot(tree, impl.hash))
  })

  it('re-hashes a kept parent object whose subtree changed', async () => {
    let state = await groupOf(4)
    // Give the tree parent nodes: a commit with an update path from leaf 0.
    state = (await createCommit({ state, cipherSuite: impl }, { extraProposals: [] })).newState
    const tree = state.ratchetTree
    expect(tree.some((n, i) => i % 2 === 1 && n?.nodeType === 'parent')).toBe(true)
    await treeHashRoot(tree, impl.hash)
    const changed = tree.slice()
    changed[6] = undefined // blank leaf 3; every parent object stays the same
    expect(await treeHashRoot(changed, impl.hash)).toEqual(await fresh(changed))
    expect(await treeHashRoot(changed, impl.hash)).not.toEqual(await treeHashRoot(tree, impl.hash))
  })
})
