import { createMlsClient } from '@demls/mls'
import { type ScoreOp, ScoreEvent } from '@demls/scoring'
import { type CommitCandidate, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationEvent } from '../src/core/events.js'
import { type CommitEquivocationComponents, checkCommitEquivocation, verifyCommitEquivocation } from '../src/freeze/commit-equivocation.js'
import { commitHashOf } from '../src/rules/candidate-check.js'
import { CommitEvidenceState } from '../src/state/commit-evidence.js'
import { memberIdOf } from './scenarios/harness.js'

/**
 * `freeze/commit-equivocation.ts` on its slices (the evidence state, an
 * MLS group at the epoch, scores and events as arrays): real MLS commits,
 * no core, no network.
 */
async function group() {
  const [steward, bob, carol, dave] = await Promise.all([0, 1, 2, 3].map((i) => createMlsClient({ memberId: memberIdOf(i) })))
  const g = await steward!.createGroup('ceq')
  await g.createCommitCandidate(
    await Promise.all([bob!, carol!, dave!].map(async (c) => ({ action: 'add' as const, keyPackage: await c.generateKeyPackage() }))),
  )
  const { welcome } = await g.mergeOwnCommit()
  const observer = (await bob!.joinFromWelcome(welcome!))!
  /** A commit by the steward from a copy of its state (a fresh signature each time). */
  const mint = async (removed: number[]): Promise<CommitCandidate> => {
    const copy = await steward!.importGroup(g.exportState())
    const built = await copy.createCommitCandidate(removed.map((i) => ({ action: 'remove' as const, memberId: memberIdOf(i) })))
    return { conversationId: new Uint8Array(), mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: memberIdOf(0), demlsWelcome: new Uint8Array() }
  }
  const scores: ScoreOp[] = []
  const events: ConversationEvent[] = []
  const slices: CommitEquivocationComponents = {
    commitEvidence: new CommitEvidenceState(),
    mls: observer,
    applyScores: (ops) => void scores.push(...ops),
    emit: (e) => void events.push(e),
  }
  return { mint, observer, slices, scores, events }
}

const hashOf = (c: CommitCandidate) => toHex(commitHashOf(c.commitMessage))

describe('commit equivocation on slices', () => {
  it('two commits of one committer with the same changes are a proof, found once; different changes are not', async () => {
    const { mint, slices, scores, events, observer } = await group()
    const first = await mint([2])
    const grown = await mint([2, 3])
    const twin = await mint([2])
    const steward = memberIdOf(0)
    expect(await checkCommitEquivocation(slices, first, hashOf(first), steward)).toBeUndefined()
    expect(await checkCommitEquivocation(slices, first, hashOf(first), steward)).toBeUndefined() // the same commit again
    expect(await checkCommitEquivocation(slices, grown, hashOf(grown), steward)).toBeUndefined() // more work: honest
    const proof = await checkCommitEquivocation(slices, twin, hashOf(twin), steward)
    expect(proof?.commits).toEqual([first, twin])
    expect(scores).toEqual([{ memberId: steward, event: ScoreEvent.EquivocatingCommit }])
    expect(events.map((e) => e.type)).toEqual(['commit-equivocation'])
    expect(await verifyCommitEquivocation(observer, proof!)).toBe(true)
    // A third with the same changes: already proven at this epoch, no second penalty.
    const third = await mint([2])
    expect(await checkCommitEquivocation(slices, third, hashOf(third), steward)).toBeUndefined()
    expect(scores).toHaveLength(1)
    // The checks leave the group as it was.
    expect(observer.hasStagedCommit()).toBe(false)
  })

  it('a proof does not verify under another committer, at another epoch, or for different changes', async () => {
    const { mint, observer } = await group()
    const [a, b, c] = [await mint([2]), await mint([2]), await mint([3])]
    const proof = { epoch: observer.epoch(), committer: memberIdOf(0), commits: [a, b] as const }
    expect(await verifyCommitEquivocation(observer, proof)).toBe(true)
    expect(await verifyCommitEquivocation(observer, { ...proof, committer: memberIdOf(1) })).toBe(false)
    expect(await verifyCommitEquivocation(observer, { ...proof, epoch: proof.epoch + 1n })).toBe(false)
    expect(await verifyCommitEquivocation(observer, { ...proof, commits: [a, c] })).toBe(false)
    expect(await verifyCommitEquivocation(observer, { ...proof, commits: [a, a] })).toBe(false)
  })
})
