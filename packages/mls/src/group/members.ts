import type { ClientState } from '#ts-mls'
import { bytesEqual } from '../internal/bytes.js'

/** Credential identity (a copy) of the leaf at `leafIndex`, if that leaf is occupied. */
export function identityAtLeaf(state: Pick<ClientState, 'ratchetTree'>, leafIndex: number): Uint8Array | undefined {
  const node = state.ratchetTree[leafIndex * 2]
  if (node?.nodeType !== 'leaf') return undefined
  const cred = node.leaf.credential
  return cred.credentialType === 'basic' ? cred.identity.slice() : undefined
}

type RatchetTree = ClientState['ratchetTree']

/** Member ids (the leaves' own bytes, not copies) in leaf order: one walk of the tree. */
export function walkMembers(tree: RatchetTree): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree[i]
    if (node?.nodeType === 'leaf' && node.leaf.credential.credentialType === 'basic') out.push(node.leaf.credential.identity)
  }
  return out
}

/**
 * Member ids per ratchet tree. ts-mls never changes a tree it has put in a
 * state (every change copies the array first), and a state keeps its tree
 * object until a commit or import replaces it, so the tree object is the
 * key: a new epoch's tree is a new key, and trees nobody holds are freed.
 */
const membersByTree = new WeakMap<RatchetTree, readonly Uint8Array[]>()

/** Member ids (copies) in leaf order; the tree is walked once per tree object. */
export function membersOf(state: Pick<ClientState, 'ratchetTree'>): Uint8Array[] {
  const tree = state.ratchetTree
  let ids = membersByTree.get(tree)
  if (ids === undefined) {
    ids = walkMembers(tree)
    membersByTree.set(tree, ids)
  }
  return ids.map((id) => id.slice())
}

/** Leaf index of `memberId`, or undefined. */
export function leafIndexOf(state: ClientState, memberId: Uint8Array): number | undefined {
  const tree = state.ratchetTree
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree[i]
    if (
      node?.nodeType === 'leaf' &&
      node.leaf.credential.credentialType === 'basic' &&
      bytesEqual(node.leaf.credential.identity, memberId)
    ) {
      return i / 2
    }
  }
  return undefined
}

/** Our own leaf index. */
export function ownLeafIndex(state: ClientState): number {
  return state.privatePath.leafIndex
}
