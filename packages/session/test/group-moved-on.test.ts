import { type AppMessageInit, decodeAppMessage, encodeAppMessage, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { deadMemberWindowMs } from '../src/core/config.js'
import { enterFreezing, freezePending } from '../src/freeze/commit-flow.js'
import { proposeDeadMembers } from '../src/stewardship/dead-members.js'
import { judgeInactive } from '../src/voting/proposals.js'
import { signAttestation } from '../src/join/signing.js'
import { groupMovedOn, onControl, recordMerged } from '../src/sync/catch-up.js'
import { AVAILABILITY_LIMITS } from '../src/sync/limits.js'
import { coreFixture } from './core-fixture.js'
import { keyFor } from './scenarios/harness.js'
import { type ConversationConfigInit, defaultPlugins } from '../src/index.js'

// A member that a quorum of members tells (signed attestations) that the
// group merged past its epoch does not enter Freezing on its own and mints
// no commit for that epoch (`test/lagging-epoch-steward.test.ts` is the
// whole flow). A minority under the quorum, an outsider, or claims that
// stopped being renewed cannot keep a steward from committing.

async function stewardCore(config: ConversationConfigInit = {}) {
  const { core, plugins, others } = await coreFixture({ id: 'moved-on', members: 4, config })
  core.steward.installList(core.epoch(), [core.memberId], 1)
  core.queues.approved.set(7, { payload: 'removeMember', removeMember: { memberId: others[2]!.memberId } })
  core.queues.noteApproved(7, core.now)
  const attest = (by: number, epoch: bigint, now: number) => {
    const control = decodeAppMessage(
      encodeAppMessage({ demlsControl: { attestation: signAttestation(plugins[by]!.consensus.signer, core.id, { epoch, signedAtMs: now }) } } satisfies AppMessageInit),
    ).demlsControl!
    return onControl(core, control, now)
  }
  return { core, others, attest, now: core.now }
}

describe('a quorum of members attesting a later epoch keeps us from committing ours', () => {
  it('one member of four is under the quorum; two are not: no freeze, and a forced freeze mints nothing', async () => {
    const { core, attest, now } = await stewardCore()
    const epoch = core.epoch()
    expect(freezePending(core, now)).toBe(true)
    attest(1, epoch + 1n, now)
    expect(groupMovedOn(core, now)).toBe(false)
    expect(freezePending(core, now)).toBe(true)
    attest(2, epoch + 1n, now + 10)
    expect(groupMovedOn(core, now + 10)).toBe(true)
    expect(freezePending(core, now + 10)).toBe(false)
    expect(await enterFreezing(core, now + 10, true)).toBe(true)
    expect(core.rounds.candidates(epoch).filter((c) => c.isLocal)).toEqual([])
    expect(core.mls.hasPendingCommit()).toBe(false)
  })

  it('attestations of our own epoch, the same member twice, or an outsider do not count', async () => {
    const { core, attest, now } = await stewardCore()
    const epoch = core.epoch()
    attest(1, epoch, now)
    attest(2, epoch, now)
    attest(1, epoch + 1n, now + 600)
    attest(1, epoch + 2n, now + 1_200)
    expect(groupMovedOn(core, now + 1_200)).toBe(false)
    const outsider = await defaultPlugins(keyFor(9))
    const control = decodeAppMessage(
      encodeAppMessage({ demlsControl: { attestation: signAttestation(outsider.consensus.signer, core.id, { epoch: epoch + 1n, signedAtMs: now }) } }),
    ).demlsControl!
    onControl(core, control, now + 1_300)
    expect(groupMovedOn(core, now + 1_300)).toBe(false)
    expect(freezePending(core, now + 1_300)).toBe(true)
  })

  it('we hold back for two commit-inactivity windows at most, however often the claims are renewed: members ahead on a branch we cannot catch up on do not stop us for good', async () => {
    const { core, attest, now } = await stewardCore({ commitInactivityMs: 5_000 })
    const bound = 2 * core.config.commitInactivityMs
    attest(1, core.epoch() + 1n, now)
    attest(2, core.epoch() + 1n, now)
    expect(freezePending(core, now + bound)).toBe(false)
    attest(1, core.epoch() + 1n, now + bound) // renewed
    attest(2, core.epoch() + 1n, now + bound)
    expect(groupMovedOn(core, now + bound + 1)).toBe(false)
    expect(freezePending(core, now + bound + 1)).toBe(true)
  })

  it('claims that are not renewed decay: after the claim lifetime we commit again', async () => {
    const { core, attest, now } = await stewardCore()
    attest(1, core.epoch() + 1n, now)
    attest(2, core.epoch() + 1n, now)
    expect(freezePending(core, now)).toBe(false)
    const later = now + AVAILABILITY_LIMITS.claimTtlMs + 1
    expect(groupMovedOn(core, later)).toBe(false)
    expect(freezePending(core, later)).toBe(true)
  })
})

describe('catch-up requests after a merge that keeps the epoch number', () => {
  it('a fork switch starts the request backoff over: the member that healed asks for the commit it missed at once, not after the old backoff', async () => {
    const { core, attest, now } = await stewardCore()
    const requests = (effects: ReturnType<typeof attest>) => effects.send.filter((m) => m.demlsControl?.commitRequest !== undefined).length
    // Requests at this epoch number have been backing off (they brought nothing on the branch we left).
    core.catchUp.requestEpoch = core.epoch()
    core.catchUp.requestBackoffMs = 16_000
    core.catchUp.lastRequestAt = now - 2_000
    expect(requests(attest(1, core.epoch() + 1n, now))).toBe(0)
    // We switch branch at the same epoch number (`applyForkSwitch` records the merge like any other).
    recordMerged(core, core.epoch() - 1n, { conversationId: core.idBytes, mlsProposals: [], commitMessage: new Uint8Array([1]), stewardMemberId: core.memberId, demlsWelcome: new Uint8Array(0) }, now + 1)
    expect(requests(attest(2, core.epoch() + 1n, now + 2))).toBe(1)
  })
})

describe('a member behind the group does not judge others dead', () => {
  it('while a quorum attests a later epoch it neither proposes nor votes for a removal for inactivity: their silence is its own lag', async () => {
    const { core, others, attest, now } = await stewardCore()
    core.queues.approved.clear()
    const silent = others[1]!.memberId
    const later = now + 2 * deadMemberWindowMs(core.config)
    for (const m of core.mls.members()) core.liveness.lastSeen.set(toHex(m), later) // everyone heard lately …
    core.liveness.lastSeen.set(toHex(silent), now) // … except member 2
    attest(1, core.epoch() + 1n, later)
    attest(3, core.epoch() + 1n, later + 1)
    expect(judgeInactive(core, silent, later + 2)).toBe(false)
    await proposeDeadMembers(core, later + 2)
    expect(core.liveness.inactiveProposedAt.has(toHex(silent))).toBe(false)
    // Caught up (the claims no longer name an epoch above ours, or decayed): it judges again.
    const caughtUp = later + AVAILABILITY_LIMITS.claimTtlMs + 1
    core.liveness.lastSeen.set(toHex(others[0]!.memberId), caughtUp)
    core.liveness.lastSeen.set(toHex(others[2]!.memberId), caughtUp)
    expect(judgeInactive(core, silent, caughtUp)).toBe(true)
    await proposeDeadMembers(core, caughtUp)
    expect(core.liveness.inactiveProposedAt.has(toHex(silent))).toBe(true)
  })
})
