import { decodeAppMessage, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { liveStewardGraceMs } from '../../src/core/config.js'
import { freezeEnd, phaseDeadline, startFreezeOnInactivity } from '../../src/freeze/commit-flow.js'
import type { BufferedCandidate } from '../../src/freeze/candidate-buffer.js'
import { attestationPeriodMs, suspectWindowMs } from '../../src/core/config.js'
import { onControl } from '../../src/sync/catch-up.js'
import { attestation } from '../availability/forge.js'
import { coreFixture } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/**
 * `freeze/commit-flow.ts` with `sync/catch-up.ts inactivityAnchor` on a
 * core over a real 3-member MLS group: we (member 0) are the backup
 * steward, member 1 the epoch steward, and approved work waits. A steward
 * that reached our epoch late gets its inactivity window from then, once.
 */
describe('freeze: a late epoch steward gets its window from when it reached the epoch', () => {
  const ID = 'late-steward'
  const setup = async () => {
    const { core, others } = await coreFixture({ id: ID, members: 3 })
    const [bob, carol] = others as [(typeof others)[0], (typeof others)[0]]
    // Whichever order of the list makes bob the epoch steward at our epoch.
    for (const at of [core.epoch(), core.epoch() - 1n]) {
      core.steward.installList(at, [bob.memberId, core.memberId], 2)
      if (toHex(core.epochSteward()!) === toHex(bob.memberId)) break
    }
    expect(toHex(core.epochSteward()!)).toBe(toHex(bob.memberId))
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: carol.memberId } })
    const t = core.now
    await startFreezeOnInactivity(core, t) // anchors the window
    const window = core.config.commitInactivityMs
    /** Bob's signed attestation of `epoch`, arriving at `at`. */
    const bobAttests = (epoch: bigint, at: number) =>
      onControl(core, decodeAppMessage(attestation(ID, keyFor(1), { epoch, signedAtMs: BigInt(at) })).demlsControl!, at)
    return { core, t, window, bobAttests }
  }

  it('without news of the epoch steward we take over one inactivity window after the work began to wait', async () => {
    const { core, t, window } = await setup()
    expect(phaseDeadline(core, t)).toBe(t + window)
    await startFreezeOnInactivity(core, t + window)
    expect(core.sm.state).toBe('freezing')
  })

  it('its first attestation of our epoch after that restarts the window; it comes once per epoch, whatever it attests between', async () => {
    const { core, t, window, bobAttests } = await setup()
    const epoch = core.epoch()
    bobAttests(epoch, t + 3_000)
    expect(phaseDeadline(core, t + 3_000)).toBe(t + 3_000 + window)
    await startFreezeOnInactivity(core, t + window)
    expect(core.sm.state).toBe('working') // it is building its commit: no second commit of this epoch
    bobAttests(epoch, t + 4_200) // a later attestation of our epoch: no second extension
    expect(phaseDeadline(core, t + 4_200)).toBe(t + 3_000 + window)
    await startFreezeOnInactivity(core, t + 3_000 + window)
    expect(core.sm.state).toBe('freezing')
  })

  it('a steward alternating claims of the next epoch and of ours is not heard reaching ours again', async () => {
    const { core, t, bobAttests } = await setup()
    const epoch = core.epoch()
    bobAttests(epoch, t + 3_000)
    bobAttests(epoch + 1n, t + 3_600)
    bobAttests(epoch, t + 4_200)
    expect(core.catchUp.stewardsReached.at.get(toHex(core.epochSteward()!))).toBe(t + 3_000)
  })

  it('an attestation from before the work waited, or by a member off the list, changes nothing', async () => {
    const { core, t, window } = await setup()
    core.catchUp.stewardsReached = { epoch: core.epoch(), at: new Map([[toHex(core.epochSteward()!), t - 1_000]]) }
    expect(phaseDeadline(core, t)).toBe(t + window)
    onControl(core, decodeAppMessage(attestation(ID, keyFor(2), { epoch: core.epoch(), signedAtMs: BigInt(t + 500) })).demlsControl!, t + 500)
    expect(phaseDeadline(core, t + 500)).toBe(t + window)
  })
})

/**
 * `freeze/commit-flow.ts freezeEnd`: the same core, frozen on its own
 * window at `t` with no candidate of another member; bob, the epoch
 * steward, heard from at various times.
 */
describe('freeze: a round waits a little longer for a live epoch steward', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'live-steward', members: 3 })
    const [bob, carol] = others as [(typeof others)[0], (typeof others)[0]]
    for (const at of [core.epoch(), core.epoch() - 1n]) {
      core.steward.installList(at, [bob.memberId, core.memberId], 2)
      if (toHex(core.epochSteward()!) === toHex(bob.memberId)) break
    }
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: carol.memberId } })
    const t = core.now
    const heard = (at: number) => core.liveness.lastSeen.set(toHex(bob.memberId), at)
    const end = t + core.config.freezeDurationMs
    return { core, bob, t, heard, end, grace: liveStewardGraceMs(core.config) }
  }

  it('heard within the suspect window when the freeze began: one grace period more; suspect: none', async () => {
    const { core, t, heard, end, grace } = await setup()
    heard(t - 1_000)
    expect(freezeEnd(core, t)).toBe(end + grace)
    heard(t - suspectWindowMs(core.config, core.memberCount()))
    expect(freezeEnd(core, t)).toBe(end)
    core.liveness.lastSeen.clear()
    expect(freezeEnd(core, t)).toBe(end)
  })

  it("no grace once the epoch steward's candidate is held, in recovery, or when we are the epoch steward", async () => {
    const { core, bob, t, heard, end } = await setup()
    heard(t - 1_000)
    core.rounds.open(core.epoch())
    const candidate = { conversationId: core.idBytes, mlsProposals: [], commitMessage: new Uint8Array([1]), stewardMemberId: bob.memberId, demlsWelcome: new Uint8Array(0) }
    const theirs: BufferedCandidate = { candidate, stewardMemberId: bob.memberId, hashHex: 'aa', commitHash: new Uint8Array(32), isLocal: false, proposalCount: 1 }
    expect(core.rounds.offer(theirs, core.epoch(), 3, true).kind).not.toBe('dropped')
    expect(freezeEnd(core, t)).toBe(end)
    core.rounds.clear()
    expect(freezeEnd(core, t)).toBe(end + liveStewardGraceMs(core.config))
    core.steward.installList(core.epoch(), [core.memberId], 1)
    expect(freezeEnd(core, t)).toBe(end)
    core.steward.installList(core.epoch(), [bob.memberId], 1)
    core.sm.enterRecovery()
    expect(freezeEnd(core, t)).toBe(end)
  })

  it("holding only other stewards' candidates (or our own): a grace only while the epoch steward is talking", async () => {
    const { core, bob, t, heard, end, grace } = await setup()
    core.rounds.open(core.epoch())
    const candidate = { conversationId: core.idBytes, mlsProposals: [], commitMessage: new Uint8Array([1]), stewardMemberId: core.memberId, demlsWelcome: new Uint8Array(0) }
    const ours: BufferedCandidate = { candidate, stewardMemberId: core.memberId, hashHex: 'bb', commitHash: new Uint8Array(32), isLocal: true, proposalCount: 1 }
    expect(core.rounds.offer(ours, core.epoch(), 3, true).kind).not.toBe('dropped')
    const period = attestationPeriodMs(core.config, core.memberCount())
    // Heard within one attestation period before the round began, or since: alive and behind, its candidate may follow.
    heard(t - period)
    expect(freezeEnd(core, t)).toBe(end + grace)
    heard(t + 200)
    expect(freezeEnd(core, t)).toBe(end + grace)
    // Quiet for longer, though not yet suspect (the stalled steward a backup replaces): the usual end.
    core.liveness.lastSeen.set(toHex(bob.memberId), t - period - 1)
    expect(suspectWindowMs(core.config, core.memberCount())).toBeGreaterThan(period + 1)
    expect(freezeEnd(core, t)).toBe(end)
    core.liveness.lastSeen.clear()
    expect(freezeEnd(core, t)).toBe(end)
    // Its candidate in: the usual end, however recently we heard it.
    heard(t)
    const its: BufferedCandidate = { ...ours, candidate: { ...candidate, stewardMemberId: bob.memberId }, stewardMemberId: bob.memberId, hashHex: 'cc', isLocal: false }
    expect(core.rounds.offer(its, core.epoch(), 3, true).kind).not.toBe('dropped')
    expect(freezeEnd(core, t)).toBe(end)
  })

  it('the grace is a freeze window, or half a commit-inactivity window when longer', () => {
    expect(liveStewardGraceMs({ freezeDurationMs: 1_000, commitInactivityMs: 6_000 })).toBe(3_000)
    expect(liveStewardGraceMs({ freezeDurationMs: 1_000, commitInactivityMs: 2_000 })).toBe(1_000)
    expect(liveStewardGraceMs({ freezeDurationMs: 30_000, commitInactivityMs: 60_000 })).toBe(30_000)
  })
})
