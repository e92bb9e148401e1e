import { describe, expect, it } from 'vitest'
import type { MlsClient, MlsService } from '../src/index.js'
import { client } from './helpers.js'

type Step = [committer: number, action: 'add' | 'remove', target: number]

/** Run `steps` on clients `0..n-1`; client 0 creates the group. */
async function play(n: number, steps: readonly Step[]): Promise<Map<number, MlsService>> {
  const clients: MlsClient[] = []
  for (let i = 0; i < n; i++) clients.push(await client())
  const groups = new Map<number, MlsService>()
  groups.set(0, await clients[0]!.createGroup('soak'))
  for (const [by, action, target] of steps) {
    const committer = groups.get(by)!
    const cand =
      action === 'add'
        ? await committer.createCommitCandidate([{ action, keyPackage: await clients[target]!.generateKeyPackage() }])
        : await committer.createCommitCandidate([{ action, memberId: clients[target]!.memberId }])
    for (const [i, g] of groups) {
      if (i === by) continue
      const r = await g.stageRemoteCommit(cand)
      if (r.status !== 'staged') throw new Error(`member ${i} could not stage ${by} ${action} ${target}: ${r.error.message}`)
      await g.mergeStagedCommit()
    }
    await committer.mergeOwnCommit()
    if (action === 'remove') groups.delete(target)
    else {
      const joined = await clients[target]!.joinFromWelcome(cand.welcome!)
      groups.set(target, joined!)
    }
    const auth = committer.epochAuthenticator()
    for (const g of groups.values()) expect(g.epochAuthenticator()).toEqual(auth)
  }
  return groups
}

describe('Welcome validation regression', () => {
  /*
   * The soak sequence, 12 clients, group `soak`. Every member agrees on the
   * tree all along; only the joiner of the last add rejected its Welcome.
   * Leaf L sits at node 2L; with 16 leaves the root is node 15 and node 7
   * is the root of leaves 0..7.
   *
   * - (2 remove 5): a Remove forces an UpdatePath. Committer leaf 2 sets its
   *   direct path nodes 5, 3, 7, 15 with empty unmerged_leaves.
   * - (1 add 9): Add-only commits carry no path. Client 9 takes the first
   *   blank leaf, 5, and the non-blank parents on its direct path (7 and 15)
   *   list it: node 7 [5], node 15 [5].
   * - (3 remove 7): removing leaf 7 blanks nodes 13, 11, 7, 15; committer
   *   leaf 3's UpdatePath resets 5, 3, 7, 15 to empty lists.
   * - (4 add 10): client 10 takes leaf 7: node 7 [7], node 15 [7].
   * - (9 add 11): client 11 takes leaf 9 (node 18). On its direct path
   *   (17, 19, 23, 15) only the root is non-blank: node 15 [7, 9].
   *
   * The tree is RFC-valid: node 7 lists leaf 7 and the nodes between leaf 7
   * and node 7 (13, 11) are blank; node 15 lists 7 and 9, and the one
   * non-blank node strictly between (node 7) lists 7. But ts-mls 1.6.4's
   * joiner-side `validateRatchetTree` checked, for unmerged leaf 7 of node 7,
   * every non-blank node on leaf 7's WHOLE direct path, including node 15
   * above node 7, for an unmerged_leaves list EQUAL to node 7's: [7, 9] ≠
   * [7], so the Welcome was refused. The bug is in ts-mls, not in how we
   * build, stage or merge commits (existing members never run that check,
   * which is why they all agree); fixed by patches/ts-mls@1.6.4.patch.
   */
  it('a joiner accepts the Welcome after adds and removes by varying committers (soak sequence)', async () => {
    const steps: Step[] = [
      [0, 'add', 1],
      [0, 'add', 2],
      [0, 'add', 3],
      [1, 'add', 4],
      [2, 'add', 5],
      [1, 'add', 6],
      [5, 'add', 7],
      [1, 'add', 8],
      [2, 'remove', 5],
      [1, 'add', 9],
      [3, 'remove', 7],
      [4, 'add', 10],
      [9, 'add', 11],
    ]
    const groups = await play(12, steps)
    expect(groups.size).toBe(10)
  })

  it('a member removed by a commit that also adds a joiner into its freed leaf stages it as selfRemoved', async () => {
    // ts-mls 1.6.4 judged "removed" by a blank own leaf after the whole
    // commit; the Add refilled it, so the removed member tried to decrypt the
    // UpdatePath and the stage aborted with an mls-failure (see ts-mls-patches.test.ts).
    const [a, b, c] = await Promise.all([client(), client(), client()])
    const ga = await a.createGroup('swap')
    const addB = await ga.createCommitCandidate([{ action: 'add', keyPackage: await b.generateKeyPackage() }])
    await ga.mergeOwnCommit()
    const gb = (await b.joinFromWelcome(addB.welcome!))!
    const swap = await ga.createCommitCandidate([
      { action: 'remove', memberId: b.memberId },
      { action: 'add', keyPackage: await c.generateKeyPackage() },
    ])
    const onB = await gb.stageRemoteCommit(swap)
    if (onB.status !== 'staged') throw new Error(onB.error.message)
    expect(onB.selfRemoved).toBe(true)
    await gb.mergeStagedCommit()
    expect(gb.isActive()).toBe(false)
    await ga.mergeOwnCommit()
    const gc = (await c.joinFromWelcome(swap.welcome!))!
    expect(gc.epochAuthenticator()).toEqual(ga.epochAuthenticator())
  })
})
