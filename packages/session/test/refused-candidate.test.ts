import { type CommitCandidate, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { enterFreezing, finalizeFreeze, onCandidateReceived } from '../src/freeze/commit-flow.js'
import { commitHashOf } from '../src/rules/candidate-check.js'
import { coreFixture } from './core-fixture.js'

// A candidate a selection refused used to be judged again for every copy
// that came back after its round was cleared (each member echoes it once,
// and any member may re-send it): each copy opened a freeze round (chat
// waits), staged the commit again and failed into reelection. Under load
// on the real network that made freeze → selection → reelection loops
// every few hundred milliseconds. Now a copy is judged again only when our
// view changed (our commit prefix, the steward list, the mode).

async function refusedSetup() {
  const { core, others } = await coreFixture({ id: 'refused', members: 4, config: { commitInactivityMs: 2_000 } })
  const steward = others[0]!
  core.steward.installList(core.epoch(), [steward.memberId], 1) // we are a plain member: we mint nothing
  const now = core.now
  // Two removals approved long ago; the steward's candidate carries only one of them.
  core.queues.approved.set(11, { payload: 'removeMember', removeMember: { memberId: others[2]!.memberId } })
  core.queues.approved.set(12, { payload: 'removeMember', removeMember: { memberId: others[1]!.memberId } })
  core.queues.noteApproved(11, now - 60_000)
  core.queues.noteApproved(12, now - 60_000)
  const built = await steward.createCommitCandidate([{ action: 'remove', memberId: others[2]!.memberId }], { nowMs: now })
  const candidate: CommitCandidate = { conversationId: core.idBytes, mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: steward.memberId, demlsWelcome: new Uint8Array(0) }
  expect(await enterFreezing(core, now)).toBe(true)
  await onCandidateReceived(core, candidate, now)
  core.sm.startSelection()
  const epoch = core.epoch()
  await finalizeFreeze(core, now + 500)
  expect(core.epoch()).toBe(epoch) // refused: it leaves out older approved work
  return { core, others, candidate, now: now + 600 }
}

const detailsOf = (core: Awaited<ReturnType<typeof refusedSetup>>['core']) =>
  core.outbox.events.flatMap((e) => (e.type === 'dropped' && e.reason === 'candidate' ? [e.detail] : []))

describe('a candidate refused at this epoch is not judged again for every copy', () => {
  it('a copy in the same view is dropped before any freeze or staging', async () => {
    const { core, candidate, now } = await refusedSetup()
    const state = core.sm.state
    core.outbox.events.length = 0
    await onCandidateReceived(core, candidate, now)
    expect(detailsOf(core)).toContain('refused at this epoch')
    expect(core.sm.state).toBe(state)
    expect(core.rounds.holds(toHex(commitHashOf(candidate.commitMessage)), core.epoch())).toBe(false)
  })

  it('once our view changed (a new approval), a copy is judged again', async () => {
    const { core, others, candidate, now } = await refusedSetup()
    core.queues.approved.delete(12) // say the other removal was withdrawn: now the candidate covers our prefix
    core.queues.approved.set(13, { payload: 'removeMember', removeMember: { memberId: others[2]!.memberId } })
    core.outbox.events.length = 0
    await onCandidateReceived(core, candidate, now)
    expect(detailsOf(core)).not.toContain('refused at this epoch')
    expect(core.rounds.holds(toHex(commitHashOf(candidate.commitMessage)), core.epoch())).toBe(true)
  })
})
