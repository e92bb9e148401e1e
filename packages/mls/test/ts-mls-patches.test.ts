/**
 * The two ts-mls 1.6.4 bugs fixed by patches/ts-mls@1.6.4.patch, reproduced
 * with ts-mls alone (no demls wrapper) so they double as the upstream
 * reproductions in packages/mls/UPSTREAM.md.
 *
 * 1. ts-mls 1.6.4 `validateRatchetTree` (run by every joiner on the tree of its
 * Welcome) rejected valid trees with "non-blank intermediate node must list
 * leaf node in its unmerged_leaves". For each unmerged leaf L of a parent P it
 * required every non-blank node on L's WHOLE direct path (P itself and the
 * nodes above P included) to carry exactly P's unmerged_leaves list. RFC 9420
 * §12.4.3.1 only requires every non-blank node strictly between L and P to
 * list L. When two leaves are added under a non-blank ancestor A but only one
 * of them also lies under a non-blank lower node P, P lists [L] and A lists
 * [M, L]: a valid tree that 1.6.4 rejects.
 *
 * 2. `applyProposals` decided "the commit removes us" by looking for a blank
 * own leaf in the tree after all proposals. Adds are applied after Removes
 * and take the leftmost blank leaf, so a commit that removes us AND adds
 * someone refills our leaf: the removed member then tried to decrypt the
 * UpdatePath (whose secrets exclude it) and failed with "No overlap between
 * provided private keys and update path" instead of learning its removal.
 */
import { type ClientState, createCommit, createGroup, emptyPskIndex, joinGroup, processPrivateMessage } from '#ts-mls'
import { describe, expect, it } from 'vitest'
import { impl, keyPackage } from './ts-mls-alone.js'

function unmergedByNode(state: ClientState): Record<number, number[]> {
  const out: Record<number, number[]> = {}
  state.ratchetTree.forEach((n, i) => {
    if (n?.nodeType === 'parent') out[i] = [...n.parent.unmergedLeaves]
  })
  return out
}

describe('ts-mls ratchet-tree validation on join (RFC 9420 §12.4.3.1)', () => {
  it('accepts a lower parent listing [L] under an ancestor listing [M, L]', async () => {
    const alice = await keyPackage('alice')
    let state = await createGroup(new TextEncoder().encode('tree'), alice.publicPackage, alice.privatePackage, [], impl)
    // leaves 0..7 occupied; no parent node set yet (add-only commits carry no path)
    const first = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => keyPackage(`m${i}`)))
    state = (
      await createCommit(
        { state, cipherSuite: impl },
        { extraProposals: first.map((k) => ({ proposalType: 'add' as const, add: { keyPackage: k.publicPackage } })) },
      )
    ).newState
    // alice removes leaves 1 and 5; her UpdatePath sets nodes 3 and 7 (node 1 is
    // skipped: its copath child, leaf 1, is now blank). Nodes 1, 9, 11 stay blank.
    state = (
      await createCommit(
        { state, cipherSuite: impl },
        {
          extraProposals: [
            { proposalType: 'remove', remove: { removed: 1 } },
            { proposalType: 'remove', remove: { removed: 5 } },
          ],
        },
      )
    ).newState
    expect(unmergedByNode(state)).toEqual({ 3: [], 7: [] })
    // one add-only commit fills leaf 1 (L: under nodes 3 and 7) and leaf 5 (M: under 7 only)
    const l = await keyPackage('l')
    const m = await keyPackage('m')
    const add = await createCommit(
      { state, cipherSuite: impl },
      {
        ratchetTreeExtension: true,
        extraProposals: [l, m].map((k) => ({ proposalType: 'add' as const, add: { keyPackage: k.publicPackage } })),
      },
    )
    expect(unmergedByNode(add.newState)).toEqual({ 3: [1], 7: [1, 5] })
    // RFC-valid: node 3 lists leaf 1 and nothing lies between leaf 1 and node 3 except blank node 1;
    // node 7 lists leaves 1 and 5, and the non-blank node between leaf 1 and node 7 (node 3) lists 1.
    for (const joiner of [l, m]) {
      const joined = await joinGroup(add.welcome!, joiner.publicPackage, joiner.privatePackage, emptyPskIndex, impl)
      expect(joined.keySchedule.epochAuthenticator).toEqual(add.newState.keySchedule.epochAuthenticator)
    }
  })

  it('a member removed by a commit that also adds someone into its leaf learns its removal', async () => {
    const alice = await keyPackage('alice')
    const bob = await keyPackage('bob')
    const carol = await keyPackage('carol')
    let aliceState = await createGroup(new TextEncoder().encode('self'), alice.publicPackage, alice.privatePackage, [], impl)
    const addBob = await createCommit(
      { state: aliceState, cipherSuite: impl },
      { ratchetTreeExtension: true, extraProposals: [{ proposalType: 'add', add: { keyPackage: bob.publicPackage } }] },
    )
    aliceState = addBob.newState
    const bobState = await joinGroup(addBob.welcome!, bob.publicPackage, bob.privatePackage, emptyPskIndex, impl)
    // alice removes bob (leaf 1) and adds carol in one commit: carol takes leaf 1
    const swap = await createCommit(
      { state: aliceState, cipherSuite: impl },
      {
        ratchetTreeExtension: true,
        extraProposals: [
          { proposalType: 'remove', remove: { removed: 1 } },
          { proposalType: 'add', add: { keyPackage: carol.publicPackage } },
        ],
      },
    )
    if (swap.commit.wireformat !== 'mls_private_message') throw new Error('unreachable')
    const onBob = await processPrivateMessage(bobState, swap.commit.privateMessage, emptyPskIndex, impl)
    expect(onBob.newState.groupActiveState.kind).toBe('removedFromGroup')
    const carolState = await joinGroup(swap.welcome!, carol.publicPackage, carol.privatePackage, emptyPskIndex, impl)
    expect(carolState.privatePath.leafIndex).toBe(1)
    expect(carolState.keySchedule.epochAuthenticator).toEqual(swap.newState.keySchedule.epochAuthenticator)
  })
})
