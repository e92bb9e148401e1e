/**
 * The tree-hash cache of the demls ts-mls patch (UPSTREAM.md §10, §11): a
 * node's hash is kept with the node object (a blank leaf's per index, a blank
 * parent's per pair of child hashes), so a commit re-hashes only the nodes
 * above the ones it replaced. Each check compares the hash over live trees
 * (cache hits) with the hash of a deep copy (fresh objects, nothing cached),
 * with ts-mls alone, and counts the digests a hash took.
 */
import { type ClientState, type Proposal, createCommit, createGroup } from '#ts-mls'
import { treeHash, treeHashRoot } from '#ts-mls/treeHash.js'
import { describe, expect, it } from 'vitest'
import { countingHash, impl, keyPackage } from './ts-mls-alone.js'

type Tree = ClientState['ratchetTree']

/** The hash with nothing cached: every node a fresh object. */
const fresh = (tree: Tree) => treeHashRoot(structuredClone(tree), impl.hash)

async function groupOf(size: number): Promise<ClientState> {
  const kps = await Promise.all([...Array(size).keys()].map((i) => keyPackage(`m${i}`)))
  const state = await createGroup(new TextEncoder().encode('tree-hash'), kps[0]!.publicPackage, kps[0]!.privatePackage, [], impl)
  const adds = kps.slice(1).map((k) => ({ proposalType: 'add' as const, add: { keyPackage: k.publicPackage } }))
  return (await createCommit({ state, cipherSuite: impl }, { extraProposals: adds })).newState
}

/** A node index (ts-mls brands them). */
const node = (i: number) => i as Parameters<typeof treeHash>[1]

describe('ts-mls tree hash with a per-node cache', () => {
  it('hashes only the nodes above a changed one, blank parents included', async () => {
    // One committer added everyone: every parent node is blank (31 nodes for 16 members).
    const tree = (await groupOf(16)).ratchetTree
    expect(tree.length).toBe(31)
    expect(tree.filter((n, i) => i % 2 === 1 && n !== undefined)).toHaveLength(0)
    const { h: hash, digests } = countingHash()
    const root = await treeHashRoot(tree, hash)
    expect(root).toEqual(await fresh(tree))
    expect(digests()).toBe(31)
    // Again: nothing hashed.
    expect(await treeHashRoot(tree, hash)).toEqual(root)
    expect(digests()).toBe(31)
    // Leaf 5 blanked: that leaf and its 4 ancestors, nothing else.
    const changed = tree.slice()
    changed[10] = undefined
    const after = await treeHashRoot(changed, hash)
    expect(digests()).toBe(36)
    expect(after).toEqual(await fresh(changed))
    expect(after).not.toEqual(root)
    // Back to the first tree: still kept.
    expect(await treeHashRoot(tree, hash)).toEqual(root)
    expect(digests()).toBe(36)
    // A subtree hash (what parent-hash checks ask for) and the root agree with fresh ones.
    expect(await treeHash(changed, node(11), hash)).toEqual(await treeHash(structuredClone(changed), node(11), impl.hash))
    expect(digests()).toBe(36)
  })

  it('keeps the hashes of at most 16,384 blank leaves (a Welcome tree is as wide as its sender makes it)', async () => {
    const blank = (leaves: number): Tree => new Array(2 * leaves - 1).fill(undefined)
    const { h: hash, digests } = countingHash()
    // 16,384 blank leaves: all kept, a second hash costs nothing.
    const small = blank(16_384)
    const first = await treeHashRoot(small, hash)
    expect(digests()).toBe(2 * 16_384 - 1)
    expect(await treeHashRoot(small, hash)).toEqual(first)
    expect(digests()).toBe(2 * 16_384 - 1)
    // Twice as wide: the second half's leaves are not kept, so they and the parents above them are hashed again, and the hash is still right.
    const wide = blank(32_768)
    const before = digests()
    const once = await treeHashRoot(wide, hash)
    const cost = digests() - before
    expect(await treeHashRoot(wide, hash)).toEqual(once)
    expect(digests() - before - cost).toBeGreaterThanOrEqual(16_384)
    expect(once).toEqual(await treeHashRoot(blank(32_768), countingHash().h))
  })

  it('hands out copies: changing a returned hash changes no later one', async () => {
    const tree = (await groupOf(5)).ratchetTree
    const { h: hash } = countingHash()
    const first = await treeHashRoot(tree, hash)
    const expected = first.slice()
    first.fill(0)
    expect(await treeHashRoot(tree, hash)).toEqual(expected)
    const leaf = await treeHash(tree, node(0), hash)
    const leafExpected = leaf.slice()
    leaf.fill(0)
    expect(await treeHash(tree, node(0), hash)).toEqual(leafExpected)
    expect(await treeHashRoot(tree, hash)).toEqual(expected)
  })

  it('agrees with a fresh hash through a run of removals and adds (blank leaves, blank and filled parents)', async () => {
    let state = await groupOf(12)
    const { h: hash } = countingHash()
    const extra = await Promise.all([...Array(3).keys()].map((i) => keyPackage(`x${i}`)))
    const steps: Proposal[][] = [
      [{ proposalType: 'remove', remove: { removed: 3 } }],
      [{ proposalType: 'remove', remove: { removed: 7 } }, { proposalType: 'remove', remove: { removed: 8 } }],
      [{ proposalType: 'add', add: { keyPackage: extra[0]!.publicPackage } }],
      [],
      [{ proposalType: 'add', add: { keyPackage: extra[1]!.publicPackage } }, { proposalType: 'add', add: { keyPackage: extra[2]!.publicPackage } }],
      [{ proposalType: 'remove', remove: { removed: 11 } }],
    ]
    for (const extraProposals of steps) {
      state = (await createCommit({ state, cipherSuite: impl }, { extraProposals })).newState
      const cached = await treeHashRoot(state.ratchetTree, hash)
      expect(cached).toEqual(await fresh(state.ratchetTree))
      expect(cached).toEqual(state.groupContext.treeHash)
    }
  })

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
