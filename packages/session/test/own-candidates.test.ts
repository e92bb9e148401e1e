import { createMlsClient } from '@demls/mls'
import type { CommitCandidate } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationCore } from '../src/core/core.js'
import { CatchUpState } from '../src/state/catch-up-state.js'
import { keepOwnCandidate, noteMinted, ownCandidateState, reusableCandidate } from '../src/sync/own-candidates.js'
import { memberIdOf } from './scenarios/harness.js'

// Found by the real-network staggered run (issue 21): a steward's candidate
// lost its round at the steward (approvals it saw late had grown the batch
// it had to cover) while the other members selected that very candidate.
// MLS cannot stage one's own commit, and the steward had discarded it (then
// minted another): it refused the group's commit as "ours, no longer
// pending", or "healed" to it by merging its newer one. The state that has
// each lost candidate pending is now kept, and merged when the group did.
describe('own candidates that lost their round', () => {
  it('are merged from the kept state into the state the others reached, not the newer candidate', async () => {
    const [steward, other, joiner, late] = await Promise.all([0, 1, 2, 3].map((i) => createMlsClient({ memberId: memberIdOf(i) })))
    const group = await steward!.createGroup('own')
    const first = await group.createCommitCandidate([{ action: 'add', keyPackage: await other!.generateKeyPackage() }])
    await group.mergeOwnCommit()
    const peer = (await other!.joinFromWelcome(first.welcome!))!
    // Round 1: the steward mints v1 and captures its branch point (v1 pending); the other member merges v1.
    const v1 = await group.createCommitCandidate([{ action: 'add', keyPackage: await joiner!.generateKeyPackage() }])
    const branch = { epoch: group.epoch(), mlsState: group.snapshot(), pendingHashHex: 'v1' }
    const staged = await peer.stageRemoteCommit(v1)
    expect(staged.status).toBe('staged')
    await peer.mergeStagedCommit()
    // At the steward the round failed: it keeps v1, discards it, and mints v2 (a bigger batch).
    const core = { catchUp: new CatchUpState(), plugins: { mls: steward } } as unknown as ConversationCore
    keepOwnCandidate(core, branch, [memberIdOf(2)])
    await group.discardOwnCommit()
    await group.createCommitCandidate([
      { action: 'add', keyPackage: await joiner!.generateKeyPackage() },
      { action: 'add', keyPackage: await late!.generateKeyPackage() },
    ])
    // The group's commit is v1: merged from the kept state, the steward reaches the other member's state.
    const kept = await ownCandidateState(core, branch.epoch, 'v1', undefined)
    expect(kept?.joinerIds).toEqual([memberIdOf(2)])
    const merged = await kept!.mls.mergeOwnCommit()
    expect(merged.epoch).toBe(peer.epoch())
    expect(kept!.mls.epochAuthenticator()).toEqual(peer.epochAuthenticator())
    // A hash we never kept, or another epoch: nothing (the caller refuses the replay and says so).
    expect(await ownCandidateState(core, branch.epoch, 'v2', undefined)).toBeUndefined()
    expect(await ownCandidateState(core, branch.epoch + 1n, 'v1', undefined)).toBeUndefined()
    // The branch point's own pending candidate is preferred when it is the one asked for.
    const viaBranch = await ownCandidateState(core, branch.epoch, 'v1', { ...branch })
    expect(viaBranch?.mls.hasPendingCommit()).toBe(true)
    // Kept states of older epochs are dropped as rounds go on; at most four are kept.
    for (let e = 0; e < 6; e++) keepOwnCandidate(core, { epoch: branch.epoch, mlsState: branch.mlsState, pendingHashHex: `x${e}` }, [])
    expect(core.catchUp.ownCandidates.size).toBe(4)
    keepOwnCandidate(core, { epoch: branch.epoch + 2n, mlsState: branch.mlsState, pendingHashHex: 'y' }, [])
    expect([...core.catchUp.ownCandidates.keys()]).toEqual(['y'])
  })

  it('one kept from a branch a fork switch left is offered again, and merged, only on that branch (churn seed 13)', async () => {
    const [steward, other] = await Promise.all([0, 1].map((i) => createMlsClient({ memberId: memberIdOf(i) })))
    const group = await steward!.createGroup('own-branch')
    const next = await group.createCommitCandidate([{ action: 'add', keyPackage: await other!.generateKeyPackage() }])
    const core = { catchUp: new CatchUpState(), plugins: { mls: steward } } as unknown as ConversationCore
    const epoch = group.epoch()
    noteMinted(core, epoch, 'add:1', 'c1')
    const candidate = { commitMessage: next.commit } as unknown as CommitCandidate
    keepOwnCandidate(core, { epoch, mlsState: group.snapshot(), pendingHashHex: 'c1' }, [], { candidate, changesKey: 'add:1' }, 'aa')
    // On the branch it was minted on: offered again; on another branch of the epoch: neither offered nor signed anew.
    expect(reusableCandidate(core, epoch, 'add:1', 'aa')).toMatchObject({ hashHex: 'c1' })
    expect(reusableCandidate(core, epoch, 'add:1', 'bb')).toBe('abstain')
    // The replay path learns which branch it belongs to.
    expect((await ownCandidateState(core, epoch, 'c1', undefined))?.branchHex).toBe('aa')
  })
})
