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
})
