/**
 * ts-mls 1.6.4's parent-hash check (`verifyParentHashes`, run by every
 * joiner on the tree of its Welcome) was O(N²): for every non-blank leaf it
 * copied the whole tree and hashed the sibling subtree of the leaf's first
 * non-blank ancestor, only to stop at once when the leaf has no parent hash
 * (a leaf from a key package, i.e. almost every leaf). A join at 1,000
 * members took 14 s of CPU, 10 s of it in tree hashing; with the patch
 * (patches/ts-mls@1.6.4.patch, UPSTREAM.md issue 5) it takes 0.7 s.
 *
 * The patched check must give the same answer as 1.6.4's on valid and on
 * tampered trees: `reference` below is 1.6.4's algorithm, rebuilt from
 * ts-mls's own `calculateParentHash` (called without the patch's memo, it
 * is 1.6.4's code path; each call gets a hash object of its own, so the
 * patch's tree-hash caches, kept per hash object, carry nothing from one
 * call to the next, as in 1.6.4). ts-mls alone, no demls wrapper.
 */
import { type ClientState, type Proposal, createCommit, createGroup, emptyPskIndex, joinGroup, processPrivateMessage } from '#ts-mls'
import type { Hash } from '#ts-mls/crypto/hash.js'
import { calculateParentHash, verifyParentHashes } from '#ts-mls/parentHash.js'
import { leafWidth, root } from '#ts-mls/treemath.js'
import { describe, expect, it } from 'vitest'
import { countingHash as counting, impl, keyPackage } from './ts-mls-alone.js'

type Tree = ClientState['ratchetTree']
type Kp = Awaited<ReturnType<typeof keyPackage>>

let names = 0
/** A key package with a fresh identity. */
const member = (): Promise<Kp> => keyPackage(`m${names++}`)

/** 1.6.4's `verifyParentHashes`: every non-blank leaf climbs its chain, each step through `calculateParentHash` without a memo. */
async function reference(tree: Tree, h: Hash): Promise<boolean> {
  const parents = tree.flatMap((n, i) => (n?.nodeType === 'parent' ? [i] : []))
  if (parents.length === 0) return true
  const coverage = new Map<number, number>()
  const top = root(leafWidth(tree.length))
  for (let leaf = 0; leaf < tree.length; leaf += 2) {
    if (tree[leaf] === undefined) continue
    let at = leaf
    while (at !== top) {
      const node = tree[at]!
      const [hash, next] = await calculateParentHash(tree, at as never, { ...h })
      const expected = node.nodeType === 'parent' ? node.parent.parentHash : node.leaf.leafNodeSource === 'commit' ? node.leaf.parentHash : undefined
      if (next === undefined || expected === undefined || !bytesEqual(hash, expected)) break
      coverage.set(next, (coverage.get(next) ?? 0) + 1)
      at = next
    }
  }
  return parents.every((p) => coverage.get(p) === 1)
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

interface Member {
  kp: Kp
  state: ClientState
}

/** `by` commits `proposals`; every other member processes the commit. */
async function commit(members: Member[], by: number, proposals: Proposal[]) {
  const result = await createCommit({ state: members[by]!.state, cipherSuite: impl }, { ratchetTreeExtension: true, extraProposals: proposals })
  if (result.commit.wireformat !== 'mls_private_message') throw new Error('unreachable')
  for (const [i, m] of members.entries()) {
    if (i === by) continue
    m.state = (await processPrivateMessage(m.state, result.commit.privateMessage, emptyPskIndex, impl)).newState
  }
  members[by]!.state = result.newState
  return result
}

const adds = (kps: Kp[]) => kps.map((k) => ({ proposalType: 'add' as const, add: { keyPackage: k.publicPackage } }))
const remove = (leaf: number) => ({ proposalType: 'remove' as const, remove: { removed: leaf } })

/**
 * A tree with three committers (leaves 0, 1, 2: chains of parent hashes of
 * different ages), parents listing unmerged leaves, and key-package leaves
 * everywhere else; `fillers` members besides the three.
 */
async function mixedTree(fillers: number): Promise<{ tree: Tree; joined: boolean }> {
  const alice = await member()
  const members: Member[] = [{ kp: alice, state: await createGroup(new TextEncoder().encode('ph'), alice.publicPackage, alice.privatePackage, [], impl) }]
  const bob = await member()
  const carol = await member()
  const first = await commit(members, 0, adds([bob, carol, ...(await Promise.all(Array.from({ length: fillers }, member)))]))
  for (const kp of [bob, carol]) members.push({ kp, state: await joinGroup(first.welcome!, kp.publicPackage, kp.privatePackage, emptyPskIndex, impl) })
  await commit(members, 0, [remove(5)])
  await commit(members, 1, [remove(9)])
  await commit(members, 0, adds(await Promise.all([member(), member(), member()])))
  await commit(members, 2, [remove(fillers)])
  const joiner = await member()
  const last = await commit(members, 1, adds([joiner, await member()]))
  // The Welcome of that tree validates (the joiner runs the patched check).
  const joined = await joinGroup(last.welcome!, joiner.publicPackage, joiner.privatePackage, emptyPskIndex, impl)
  return { tree: members[0]!.state.ratchetTree, joined: bytesEqual(joined.keySchedule.epochAuthenticator, members[0]!.state.keySchedule.epochAuthenticator) }
}

/** A copy of `tree` with node `i` changed by `edit`. */
function tampered(tree: Tree, i: number, edit: (node: NonNullable<Tree[number]>) => NonNullable<Tree[number]>): Tree {
  const copy = tree.slice()
  copy[i] = edit(tree[i]!)
  return copy
}

function flipped(b: Uint8Array): Uint8Array {
  const c = Uint8Array.from(b)
  c[0] = (c[0] ?? 0) ^ 1
  return c.length === 0 ? new Uint8Array([1]) : c
}

describe('ts-mls parent-hash verification (patched: linear, same answers as 1.6.4)', () => {
  it('a tree with three committers and unmerged leaves: valid, and every tampered parent hash or unmerged list gets the same answer as 1.6.4', async () => {
    const { tree, joined } = await mixedTree(29)
    expect(joined).toBe(true)
    expect(await verifyParentHashes(tree, impl.hash)).toBe(true)
    expect(await reference(tree, impl.hash)).toBe(true)
    const parents = tree.flatMap((n, i) => (n?.nodeType === 'parent' ? [i] : []))
    const withUnmerged = parents.filter((i) => (tree[i] as { parent: { unmergedLeaves: number[] } }).parent.unmergedLeaves.length > 0)
    const commitLeaves = tree.flatMap((n, i) => (n?.nodeType === 'leaf' && n.leaf.leafNodeSource === 'commit' ? [i] : []))
    expect(parents.length).toBeGreaterThan(3)
    expect(withUnmerged.length).toBeGreaterThan(0)
    expect(commitLeaves.length).toBe(3)
    const cases: Tree[] = [
      ...parents.map((i) => tampered(tree, i, (n) => (n.nodeType === 'parent' ? { ...n, parent: { ...n.parent, parentHash: flipped(n.parent.parentHash) } } : n))),
      ...parents.map((i) => tampered(tree, i, (n) => (n.nodeType === 'parent' ? { ...n, parent: { ...n.parent, hpkePublicKey: flipped(n.parent.hpkePublicKey) } } : n))),
      ...withUnmerged.map((i) => tampered(tree, i, (n) => (n.nodeType === 'parent' ? { ...n, parent: { ...n.parent, unmergedLeaves: n.parent.unmergedLeaves.slice(1) } } : n))),
      ...commitLeaves.map((i) =>
        tampered(tree, i, (n) => (n.nodeType === 'leaf' && n.leaf.leafNodeSource === 'commit' ? { ...n, leaf: { ...n.leaf, parentHash: flipped(n.leaf.parentHash) } } : n)),
      ),
    ]
    let rejected = 0
    for (const t of cases) {
      const ours = await verifyParentHashes(t, impl.hash)
      expect(ours).toBe(await reference(t, impl.hash))
      if (!ours) rejected++
    }
    // Every parent-hash and key change breaks a chain; not every unmerged-list edit does (the list is part of a hash only above).
    expect(rejected).toBeGreaterThanOrEqual(2 * parents.length + commitLeaves.length)
  })

  it('hashes O(N) nodes where 1.6.4 hashed O(N²): one committer, 256 leaves', async () => {
    const alice = await member()
    const members: Member[] = [{ kp: alice, state: await createGroup(new TextEncoder().encode('big'), alice.publicPackage, alice.privatePackage, [], impl) }]
    await commit(members, 0, adds(await Promise.all(Array.from({ length: 255 }, member))))
    await commit(members, 0, [remove(200)])
    const tree = members[0]!.state.ratchetTree
    const ours = counting()
    const old = counting()
    expect(await verifyParentHashes(tree, ours.h)).toBe(true)
    expect(await reference(tree, old.h)).toBe(true)
    // Patched: the committer's chain only (its 8 siblings' subtrees, at most one hash per node).
    expect(ours.digests()).toBeLessThanOrEqual(tree.length + 8)
    // 1.6.4: about half of the 255 leaves hashed a subtree of half the tree.
    expect(old.digests()).toBeGreaterThan(20 * tree.length)
  })
})
