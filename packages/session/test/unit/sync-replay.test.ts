import { type CommitCandidate, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { applyReplay } from '../../src/sync/replay.js'
import { coreFixture, droppedOf } from '../core-fixture.js'

/**
 * `sync/replay.ts applyReplay` on a core over a real 3-member MLS group
 * (member 0 ours): commits minted by the other members, replayed at us as
 * a peer answering our catch-up request would.
 */
describe('sync/replay: a replayed commit of our epoch', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'replay', members: 3 })
    const [bob, carol] = others as [(typeof others)[0], (typeof others)[0]]
    for (const m of core.mls.members()) core.scoring.addMember(m)
    core.steward.installList(core.epoch(), [bob.memberId], 1)
    const mint = async (by: typeof bob, target: Uint8Array): Promise<CommitCandidate> => {
      const built = await by.createCommitCandidate([{ action: 'remove', memberId: target }], { nowMs: core.now })
      await by.discardOwnCommit()
      return { conversationId: core.idBytes, mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: by.memberId, demlsWelcome: new Uint8Array() }
    }
    const drops = () => droppedOf(core)
    return { core, bob, carol, mint, drops }
  }
  const replay = (candidate: CommitCandidate) => ({ candidate, certificates: [], mergedBy: [] })

  it('a steward’s commit of work we approved is merged: next epoch, the member removed, a catch-up commit reported', async () => {
    const { core, bob, carol, mint, drops } = await setup()
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: carol.memberId } })
    const epoch = core.epoch()
    expect(await applyReplay(core, replay(await mint(bob, carol.memberId)), core.now)).toBe(true)
    expect(core.epoch()).toBe(epoch + 1n)
    expect(core.mls.members().map(toHex)).not.toContain(toHex(carol.memberId))
    const applied = core.outbox.events.find((e) => e.type === 'commit-applied')
    expect(applied?.type === 'commit-applied' && applied.source).toBe('catch-up')
    expect(core.queues.approved.size).toBe(0)
    expect(drops()).toEqual([])
  })

  it('no membership change without a vote we can verify: without our approval or a certificate it is refused, and we can still merge later', async () => {
    const { core, bob, carol, mint, drops } = await setup()
    const epoch = core.epoch()
    const c = await mint(bob, carol.memberId)
    expect(await applyReplay(core, replay(c), core.now)).toBe(false)
    expect(core.epoch()).toBe(epoch)
    expect(drops()[0]).toMatch(/^unauthorized: replayed commit refused: /)
    // The staged commit was discarded: once we hold the approval, the same commit merges.
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: carol.memberId } })
    expect(await applyReplay(core, replay(c), core.now)).toBe(true)
  })

  it('a commit by a member off the steward list, a tampered one, or one not of our epoch is refused', async () => {
    const { core, bob, carol, mint, drops } = await setup()
    const epoch = core.epoch()
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: bob.memberId } })
    expect(await applyReplay(core, replay(await mint(carol, bob.memberId)), core.now)).toBe(false)
    const good = await mint(bob, carol.memberId)
    const tampered = good.commitMessage.slice()
    tampered[tampered.length - 10]! ^= 0xff
    expect(await applyReplay(core, replay({ ...good, commitMessage: tampered }), core.now)).toBe(false)
    expect(await applyReplay(core, replay({ ...good, conversationId: new TextEncoder().encode('elsewhere') }), core.now)).toBe(false)
    expect(drops()).toEqual([
      `candidate: replayed commit refused: committer ${toHex(carol.memberId).slice(0, 8)} not on the steward list [${toHex(bob.memberId).slice(0, 8)}]`,
      'candidate: replayed commit refused by MLS: mls-failure',
      'candidate: replayed commit not for our epoch, or already merged',
    ])
    expect(core.outbox.drops.totals().candidate).toBe(3)
    expect(core.epoch()).toBe(epoch)
  })
})
