import { type CommitCandidate, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { authenticateCandidate, countedCandidates } from '../../src/freeze/candidate-auth.js'
import type { BufferedCandidate } from '../../src/freeze/candidate-buffer.js'
import { commitHashOf } from '../../src/rules/candidate-check.js'
import { coreFixture, droppedOf } from '../core-fixture.js'

/** `freeze/candidate-auth.ts` on a core over a real MLS group (member 0 ours), with commits minted by the other members. */
describe('freeze/candidate-auth', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'auth', members: 4 })
    const [bob, carol, dave] = others as [(typeof others)[0], (typeof others)[0], (typeof others)[0]]
    /** A real candidate of `by` at our epoch (removing `target`), from a copy of its state. */
    const mint = async (by: typeof bob, target: Uint8Array): Promise<CommitCandidate> => {
      const built = await by.createCommitCandidate([{ action: 'remove', memberId: target }], { nowMs: core.now })
      await by.discardOwnCommit()
      return { conversationId: core.idBytes, mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: by.memberId, demlsWelcome: new Uint8Array() }
    }
    return { core, bob, carol, dave, mint }
  }

  it('a member’s commit is authenticated as its committer, whatever id the candidate claims', async () => {
    const { core, bob, carol, dave, mint } = await setup()
    const c = await mint(bob, dave.memberId)
    expect(toHex((await authenticateCandidate(core, c))!)).toBe(toHex(bob.memberId))
    // A candidate claiming Carol's id is still Bob's: the claim is never what ranks or scores.
    expect(toHex((await authenticateCandidate(core, { ...c, stewardMemberId: carol.memberId }))!)).toBe(toHex(bob.memberId))
    expect(droppedOf(core)).toEqual([])
  })

  it('a tampered commit, or a member’s commit with other proposals attached, is an unauthenticated drop', async () => {
    const { core, bob, carol, dave, mint } = await setup()
    const c = await mint(bob, dave.memberId)
    const tampered = c.commitMessage.slice()
    tampered[tampered.length - 10]! ^= 0xff
    expect(await authenticateCandidate(core, { ...c, commitMessage: tampered })).toBeUndefined()
    // An extra proposal message the commit does not reference (here: another member's commit bytes).
    const other = await mint(carol, bob.memberId)
    expect(await authenticateCandidate(core, { ...c, mlsProposals: [...c.mlsProposals, other.commitMessage] })).toBeUndefined()
    // The second drop of the same kind in the epoch is counted, not emitted again.
    expect(droppedOf(core)).toEqual(['candidate: unauthenticated'])
    expect(core.outbox.drops.totals().candidate).toBe(2)
  })

  it('our own commit sent back to us is dropped (it is not the candidate we hold)', async () => {
    const { core, dave } = await setup()
    const built = await core.mls.createCommitCandidate([{ action: 'remove', memberId: dave.memberId }], { nowMs: core.now })
    const ours: CommitCandidate = { conversationId: core.idBytes, mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: core.memberId, demlsWelcome: new Uint8Array() }
    expect(await authenticateCandidate(core, ours)).toBeUndefined()
    expect(droppedOf(core)).toEqual(['candidate: claims to be ours'])
  })

  it('countedCandidates: ours and eligible stewards’ count toward selection; a member off the list only in recovery or without a list', async () => {
    const { core, bob, carol, mint, dave } = await setup()
    const buffered = async (by: typeof bob, isLocal = false): Promise<BufferedCandidate> => {
      const c = await mint(by, dave.memberId)
      const commitHash = commitHashOf(c.commitMessage)
      return { candidate: c, stewardMemberId: by.memberId, commitHash, hashHex: toHex(commitHash), proposalCount: c.mlsProposals.length, isLocal }
    }
    const epoch = core.epoch()
    core.rounds.open(epoch)
    // No list: any eligible member counts.
    core.rounds.offer(await buffered(bob), epoch, 10, true)
    core.rounds.offer(await buffered(carol), epoch, 10, true)
    expect(countedCandidates(core)).toBe(2)
    // A list of us and Bob: Carol's is kept for judging but does not count.
    core.steward.installList(epoch, [core.memberId, bob.memberId], 2)
    expect(countedCandidates(core)).toBe(1)
    core.sm.enterRecovery()
    expect(countedCandidates(core)).toBe(2)
  })
})
