import { type ConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { ConversationQueues } from '../src/core/queues.js'
import type { CommitSource, ConversationEvent } from '../src/core/events.js'
import { completeEpochTransition, membershipDelta, settleCarriedWork } from '../src/epoch/transition.js'
import { commitHashOf } from '../src/rules/candidate-check.js'
import { captureBranchPoint } from '../src/sync/fork.js'
import { restoreSession } from '../src/sync/rollback.js'
import type { ConversationCore } from '../src/core/core.js'
import { coreFixture } from './core-fixture.js'
import { defaultPlugins } from '../src/index.js'

/**
 * `epoch/transition.ts`: what follows every merge (a selection, a catch-up
 * replay, a fork switch), on the slices it needs: the queues alone, member
 * lists alone, then a core over a real MLS group (no `User`, no network).
 */

const member = (n: number) => new Uint8Array(20).fill(n)
const add = (n: number): ConversationUpdateRequest => ({ payload: 'memberInvite', memberInvite: { keyPackageBytes: new Uint8Array([n]), memberId: member(n) } })
const remove = (n: number): ConversationUpdateRequest => ({ payload: 'removeMember', removeMember: { memberId: member(n) } })

describe('epoch/transition: settleCarriedWork (queues and join epochs only)', () => {
  it('the carried entries leave the approved queue in approval order; the rest stays; added members joined at the epoch', () => {
    const slices = { queues: new ConversationQueues(), membership: { joinEpochs: new Map<string, bigint>() } }
    slices.queues.approved.set(1, remove(3))
    slices.queues.approved.set(2, add(4))
    slices.queues.approved.set(3, add(5))
    const batch = settleCarriedWork(
      slices,
      [
        { action: 'add', memberId: member(4) },
        { action: 'remove', memberId: member(3) },
      ],
      7n,
    )
    expect(batch).toEqual([remove(3), add(4)])
    expect([...slices.queues.approved.keys()]).toEqual([3])
    expect([...slices.membership.joinEpochs]).toEqual([[toHex(member(4)), 7n]])
  })

  it('an urgent removal is done once a commit carries it, not before', () => {
    const slices = { queues: new ConversationQueues(), membership: { joinEpochs: new Map<string, bigint>() } }
    slices.queues.urgentTarget = toHex(member(9))
    settleCarriedWork(slices, [{ action: 'remove', memberId: member(8) }], 2n)
    expect(slices.queues.urgentTarget).toBe(toHex(member(9)))
    settleCarriedWork(slices, [{ action: 'remove', memberId: member(9) }], 3n)
    expect(slices.queues.urgentTarget).toBeUndefined()
  })
})

describe('epoch/transition: membershipDelta', () => {
  it('joined in the new order, left in the old', () => {
    expect(membershipDelta([member(1), member(2), member(3)], [member(1), member(4), member(5)])).toEqual({
      joined: [member(4), member(5)],
      left: [member(2), member(3)],
    })
    expect(membershipDelta([member(1)], [member(1)])).toEqual({ joined: [], left: [] })
  })
})

/**
 * On a core over a real MLS group: `removal` approved, a round selecting our
 * own commit of it, and the transition that follows (as `source`).
 */
async function mergeApprovedRemoval(core: ConversationCore, removal: ConversationUpdateRequest, source: CommitSource) {
  const member = removal.removeMember!.memberId
  core.queues.approved.set(11, removal)
  core.rounds.open(core.epoch())
  core.sm.startFreezing(core.now)
  core.sm.startSelection()
  const membersBefore = core.mls.members()
  const branch = captureBranchPoint(core)
  const built = await core.mls.createCommitCandidate([{ action: 'remove', memberId: member }], { nowMs: core.now })
  const candidate = { conversationId: core.idBytes, mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: core.memberId, demlsWelcome: new Uint8Array(0) }
  const hashHex = toHex(commitHashOf(built.commit))
  const merge = await core.mls.mergeOwnCommit()
  await completeEpochTransition(core, { merge, committer: core.memberId, candidate, hashHex, membersBefore, ops: [], welcome: undefined, joinerIds: [], branch, source, now: core.now })
  return { merge, candidate, hashHex }
}

describe('epoch/transition: completeEpochTransition, the same bookkeeping after every kind of merge', () => {
  for (const source of ['freeze', 'catch-up', 'fork-switch'] satisfies CommitSource[]) {
    it(`${source}: round closed, branch point kept, work drained, commit logged and attested, events, back to Working`, async () => {
      const { core, others } = await coreFixture({ id: `transition-${source}`, members: 3 })
      const bob = others[0]!.memberId
      const removal: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: bob } }
      const { merge, candidate, hashHex } = await mergeApprovedRemoval(core, removal, source)
      expect(core.rounds.candidates(merge.epoch - 1n)).toEqual([])
      expect(core.branch).toMatchObject({ epoch: 1n, hashHex, committer: core.memberId })
      expect(core.queues.approved.size).toBe(0)
      expect(core.queues.committedHashes.has(hashHex)).toBe(true)
      expect(core.catchUp.log.get('1')).toBe(candidate)
      expect(core.membership.epochHistory.has(2n)).toBe(true)
      expect(core.sm.state).toBe('working')
      const events = core.outbox.events.splice(0)
      const applied = events.find((e): e is Extract<ConversationEvent, { type: 'commit-applied' }> => e.type === 'commit-applied')
      expect(applied).toMatchObject({ epoch: 2n, batch: [removal], source, empty: false })
      expect(events.filter((e) => e.type === 'member-left').map((e) => toHex((e as { memberId: Uint8Array }).memberId))).toEqual([toHex(bob)])
      expect(events.at(-1)).toMatchObject({ type: 'phase-change', state: 'working' })
      // We attested the epoch we reached (plaintext, signed).
      expect(core.outbox.packets.some((o) => o.subtopic === 'app' && o.payload[0] !== 0x00)).toBe(true)
    })
  }
})

describe('epoch/transition: a switch back to the branch point restores the certificates of the work the merge carried', () => {
  it('the merge hands the certificate to the commit log; restoring the branch point brings back the work and its certificate', async () => {
    const { core, others } = await coreFixture({ id: 'transition-certs', members: 3 })
    const bob = others[0]!.memberId
    const removal: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: bob } }
    const key = `remove:${toHex(bob)}`
    const cert = { voteBindings: [], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    core.certificates.keepApproved(key, cert)
    await mergeApprovedRemoval(core, removal, 'freeze')
    // The merge carried the work: its certificate went to the commit log with it.
    expect(core.certificates.approved.has(key)).toBe(false)
    expect(core.queues.approved.size).toBe(0)
    // The group chose another commit at that epoch: back to the branch point, the work and its certificate return.
    restoreSession(core, core.branch!.session)
    expect([...core.queues.approved.values()]).toEqual([removal])
    expect(core.certificates.approved.get(key)).toBe(cert)
  })
})

describe('epoch/transition: the epoch steward proposes the joins queued while it froze', () => {
  it('a join announced during the freeze is proposed right after the merge, without waiting for the joiner to announce again', async () => {
    // A 4-member group whose two-steward list makes us the epoch steward of the epoch the merge reaches.
    for (let k = 0; ; k++) {
      const { core, others } = await coreFixture({ id: `transition-drain-${k}`, members: 4, config: { admission: 'open' } })
      const list = core.steward.installList(core.epoch(), [core.memberId, others[1]!.memberId], 2)
      if (toHex(list.members[1]!) !== core.memberHex) continue
      const dave = await defaultPlugins(new Uint8Array(32).fill(44))
      const invite: ConversationUpdateRequest = { payload: 'memberInvite', memberInvite: { keyPackageBytes: await dave.generateKeyPackage(core.now), memberId: dave.mls.memberId } }
      // Announced while we were freezing: queued, not proposed.
      core.queues.queueAnnouncement(invite, core.epoch(), core.now)
      const removal: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: others[0]!.memberId } }
      await mergeApprovedRemoval(core, removal, 'freeze')
      expect(core.isEpochSteward(core.now)).toBe(true)
      expect([...core.queues.voting.values()].map((r) => toHex(r.memberInvite?.memberId ?? new Uint8Array(0)))).toEqual([toHex(dave.mls.memberId)])
      return
    }
  })
})
