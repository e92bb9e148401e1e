import type { MlsService } from '@demls/mls'
import { type CommitCandidate, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationConfigInit } from '../src/core/config.js'
import type { ConversationCore } from '../src/core/core.js'
import { advanceFreeze, enterFreezing, finalizeFreeze, onCandidateReceived } from '../src/freeze/commit-flow.js'
import { coreFixture } from './core-fixture.js'

// Votes reach members at different times: the epoch steward often freezes
// before it counts a result another steward already holds. That steward's
// fuller candidate used to win its own selection while the members that
// had not counted the result yet merged the epoch steward's: a fork, which
// the fork-choice rule then healed towards the epoch steward's commit, at
// the cost of stranded joiners and a second election (the 20-peer
// real-network runs of issue 21). Now a steward merges the epoch
// steward's commit when all it leaves out was approved within the
// commit-inactivity window, and the rest waits one epoch.

const WINDOW = 2_000

/**
 * A core on a 4-member group whose steward list is {core, member 1}, with
 * `epochSteward` the epoch steward, and member 3's removal approved long ago.
 */
async function listedCore(epochSteward: 'core' | 'member 1', config: ConversationConfigInit = {}) {
  for (let k = 0; ; k++) {
    const { core, others } = await coreFixture({ id: `lagging-${k}`, members: 4, config: { commitInactivityMs: WINDOW, ...config } })
    const steward = others[0]!
    core.steward.installList(core.epoch(), [core.memberId, steward.memberId], 2)
    const wanted = epochSteward === 'core' ? core.memberHex : toHex(steward.memberId)
    if (toHex(core.epochSteward()!) !== wanted) continue
    core.queues.approved.set(11, { payload: 'removeMember', removeMember: { memberId: others[2]!.memberId } })
    core.queues.noteApproved(11, core.now - 10 * WINDOW)
    return { core, others, steward, now: core.now }
  }
}

/** {@link listedCore} with member 1 the epoch steward, and member 2's removal approved `recentAgeMs` ago. */
async function laggingSetup(recentAgeMs: number, config: ConversationConfigInit = {}) {
  const setup = await listedCore('member 1', config)
  setup.core.queues.approved.set(12, { payload: 'removeMember', removeMember: { memberId: setup.others[1]!.memberId } })
  setup.core.queues.noteApproved(12, setup.now - recentAgeMs)
  return setup
}

/** The epoch steward's candidate carrying only the older removal (it has not counted the newer one yet). */
async function stewardCandidate(core: ConversationCore, steward: MlsService, target: Uint8Array, now: number): Promise<CommitCandidate> {
  const built = await steward.createCommitCandidate([{ action: 'remove', memberId: target }], { nowMs: now })
  return { conversationId: core.idBytes, mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: steward.memberId, demlsWelcome: new Uint8Array(0) }
}

async function selectWith(core: ConversationCore, candidate: CommitCandidate, now: number): Promise<void> {
  expect(await enterFreezing(core, now)).toBe(true) // we mint our own candidate, for both removals
  await onCandidateReceived(core, candidate, now)
  core.sm.startSelection()
  await finalizeFreeze(core, now + 500)
}

describe('a steward merges the epoch steward\'s candidate that lags its view of the latest approvals', () => {
  it('it leaves out only work approved within the commit-inactivity window: merged, and the rest stays approved for the next epoch', async () => {
    const { core, others, steward, now } = await laggingSetup(WINDOW / 4)
    const epoch = core.epoch()
    const candidate = await stewardCandidate(core, steward, others[2]!.memberId, now)
    await selectWith(core, candidate, now)
    expect(core.epoch()).toBe(epoch + 1n)
    await steward.mergeOwnCommit()
    expect(toHex(core.mls.epochAuthenticator())).toBe(toHex(steward.epochAuthenticator())) // no fork
    expect(core.queues.approved.has(11)).toBe(false)
    expect(core.queues.approved.has(12)).toBe(true)
    expect(core.prefix().map((e) => toHex(e.memberId))).toEqual([toHex(others[1]!.memberId)])
    expect(core.queues.approvedAt.has(11)).toBe(false)
  })

  it('it leaves out work approved before the window: our fuller commit is selected, as before', async () => {
    const { core, others, steward, now } = await laggingSetup(2 * WINDOW)
    const epoch = core.epoch()
    const candidate = await stewardCandidate(core, steward, others[2]!.memberId, now)
    await selectWith(core, candidate, now)
    expect(core.epoch()).toBe(epoch + 1n)
    expect(core.mls.members().map(toHex)).not.toContain(toHex(others[1]!.memberId)) // both removals: ours
    expect(core.queues.approved.size).toBe(0)
  })

  it('the same lagging commit from a steward that is not the epoch steward is not preferred', async () => {
    const { core, others, steward, now } = await laggingSetup(WINDOW / 4)
    core.steward.installList(core.epoch(), [core.memberId], 1) // member 1 is no longer a steward
    const candidate = await stewardCandidate(core, steward, others[2]!.memberId, now)
    await selectWith(core, candidate, now)
    expect(core.mls.members().map(toHex)).not.toContain(toHex(others[1]!.memberId))
  })

  it('our own candidate as epoch steward, when a result arrives while we freeze: merged, and the new work waits one epoch', async () => {
    const { core, others } = await listedCore('core')
    const epoch = core.epoch()
    const now = core.now
    expect(await enterFreezing(core, now)).toBe(true) // our candidate: remove member 3
    // Member 2's removal is approved here while we freeze (the others merge our candidate as it is).
    core.queues.approved.set(12, { payload: 'removeMember', removeMember: { memberId: others[1]!.memberId } })
    core.queues.noteApproved(12, now + 100)
    core.sm.startSelection()
    await finalizeFreeze(core, now + 500)
    expect(core.epoch()).toBe(epoch + 1n)
    expect(core.mls.members().map(toHex)).not.toContain(toHex(others[2]!.memberId))
    expect(core.mls.members().map(toHex)).toContain(toHex(others[1]!.memberId))
    expect(core.queues.approved.has(12)).toBe(true)
  })
})

describe('freezeEndsOnBestCandidate and a lagging candidate of the epoch steward', () => {
  const FREEZE = 5_000
  /**
   * Five members, stewards {core, member 1, member 4} with member 1 the
   * epoch steward (member 4's candidate never arrives, so the freeze has
   * no other reason to end early), member 3's removal approved long ago
   * and member 2's `recentAgeMs` ago. Freeze, receive member 1's candidate
   * carrying only the older removal, and poll once well before the deadline.
   */
  async function earlyPoll(recentAgeMs: number, on: boolean, stewardIsListed = true) {
    for (let k = 0; ; k++) {
      const { core, others } = await coreFixture({ id: `early-${k}`, members: 5, config: { commitInactivityMs: WINDOW, freezeDurationMs: FREEZE, freezeEndsOnBestCandidate: on, stewardList: { snMin: 1, snMax: 3 } } })
      const steward = others[0]!
      core.steward.installList(core.epoch(), [core.memberId, steward.memberId, others[3]!.memberId], 3)
      if (toHex(core.epochSteward()!) !== toHex(steward.memberId)) continue
      const now = core.now
      core.queues.approved.set(11, { payload: 'removeMember', removeMember: { memberId: others[2]!.memberId } })
      core.queues.noteApproved(11, now - 10 * WINDOW)
      core.queues.approved.set(12, { payload: 'removeMember', removeMember: { memberId: others[1]!.memberId } })
      core.queues.noteApproved(12, now - recentAgeMs)
      const epoch = core.epoch()
      const candidate = await stewardCandidate(core, steward, others[2]!.memberId, now)
      if (!stewardIsListed) core.steward.installList(core.epoch(), [core.memberId, others[3]!.memberId], 2)
      expect(await enterFreezing(core, now)).toBe(true) // we mint our fuller candidate (both removals)
      await onCandidateReceived(core, candidate, now + 10)
      await advanceFreeze(core, now + 20)
      return { core, others, steward, now, epoch, state: core.sm.state }
    }
  }

  it('ends the freeze at once when all it leaves out was approved within the window: the same commit the selection would take at the deadline', async () => {
    const { core, others, steward, epoch, state } = await earlyPoll(WINDOW / 4, true)
    expect(state).toBe('working')
    expect(core.epoch()).toBe(epoch + 1n)
    await steward.mergeOwnCommit()
    expect(toHex(core.mls.epochAuthenticator())).toBe(toHex(steward.epochAuthenticator())) // no fork
    expect(core.queues.approved.has(12)).toBe(true) // the newer removal waits one epoch
    expect(core.prefix().map((e) => toHex(e.memberId))).toEqual([toHex(others[1]!.memberId)])
  })

  it('without the option the freeze waits out its window for the same candidate', async () => {
    const { core, epoch, state } = await earlyPoll(WINDOW / 4, false)
    expect(state).toBe('freezing')
    expect(core.epoch()).toBe(epoch)
  })

  it('does not end the freeze when it leaves out work approved before the window: at the deadline our fuller commit wins', async () => {
    const { core, others, epoch, state, now } = await earlyPoll(2 * WINDOW, true)
    expect(state).toBe('freezing')
    expect(core.epoch()).toBe(epoch)
    await advanceFreeze(core, now + FREEZE + 1)
    expect(core.epoch()).toBe(epoch + 1n)
    expect(core.mls.members().map(toHex)).not.toContain(toHex(others[1]!.memberId)) // both removals: ours
  })

  it('a lagging candidate of a member that is not the epoch steward does not end the freeze', async () => {
    const { core, epoch, state } = await earlyPoll(WINDOW / 4, true, false)
    expect(state).toBe('freezing')
    expect(core.epoch()).toBe(epoch)
  })
})
