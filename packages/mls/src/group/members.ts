import type { ClientState } from 'ts-mls'
import { bytesEqual } from '../internal/bytes.js'

/** Credential identity (a copy) of the leaf at `leafIndex`, if that leaf is occupied. */
export function identityAtLeaf(state: Pick<ClientState, 'ratchetTree'>, leafIndex: number): Uint8Array | undefined {
  const node = state.ratchetTree[leafIndex * 2]
  if (node?.nodeType !== 'leaf') return undefined
  const cred = node.leaf.credential
  return cred.credentialType === 'basic' ? cred.identity.slice() : undefined
}

/** Member ids (copies) in leaf order. */
export function membersOf(state: ClientState): Uint8Array[] {
  const out: Uint8Array[] = []
  const tree = state.ratchetTree
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree[i]
    if (node?.nodeType === 'leaf' && node.leaf.credential.credentialType === 'basic') {
      out.push(node.leaf.credential.identity.slice())
    }
  }
  return out
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
