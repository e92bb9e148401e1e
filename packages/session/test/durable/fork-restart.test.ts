import { memoryStorage } from '@demls/storage'
import { type EpochAttestation, fromHex, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { buildCore } from '../../src/conversation/build-core.js'
import { readSavedConversation, restoreInto, saveConversation } from '../../src/persist/snapshot.js'
import { commitHashOf } from '../../src/rules/candidate-check.js'
import { captureBranchPoint } from '../../src/sync/fork.js'
import { coreFixture } from '../core-fixture.js'
import { PARTITION_FORK_CONFIG, conv, converged, forkByPartition, hex, restartMember, scenario } from '../scenarios/harness.js'
import { type Crashable, crashable } from './stores.js'

const ID = 'fork-restart'

/**
 * A member that merged the losing commit of a fork and crashed before it
 * heard of the winning one (the SIGKILL run of `examples/demo/test/crash.test.ts`
 * caught it: the restarted member stayed on its branch for good) resumes
 * with the state it held before that merge, and switches branch like a
 * member that never crashed.
 */
describe('durable state: a fork that spans a restart', () => {
  it('the branch point is saved with every rollback slice and restored with its MLS state as bytes; once a majority attested our merge it is no longer saved', async () => {
    const { core, plugins, others } = await coreFixture({ id: 'fork-restart-unit', members: 3 })
    const [bob, carol] = [others[0]!.memberId, others[1]!.memberId]
    core.steward.installList(core.epoch(), [core.memberId, bob], 2)
    for (const m of [core.memberId, bob, carol]) core.scoring.addMember(m)
    core.queues.approved.set(7, { payload: 'removeMember', removeMember: { memberId: bob } })
    core.queues.urgentTarget = toHex(bob)
    core.queues.bufferUpdate({ payload: 'removeMember', removeMember: { memberId: carol } }, core.epoch())
    core.queues.pendingRemovalTargets.add(toHex(carol))
    core.membership.joinEpochs.set(toHex(carol), 1n)
    core.certificates.keepApproved(`remove:${toHex(bob)}`, { voteBindings: [], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n })
    const bp = captureBranchPoint(core)
    const { commit } = await core.mls.createCommitCandidate([{ action: 'remove', memberId: bob }], { nowMs: core.now })
    await core.mls.mergeOwnCommit()
    const hashHex = toHex(commitHashOf(commit))
    core.branch = { ...bp, hashHex, committer: core.memberId }

    const { saved, mlsState } = readSavedConversation(saveConversation(core, core.now, []), core.id, core.memberId)
    expect(saved.branch).toBeDefined()
    const back = buildCore(core.id, plugins[0]!, await plugins[0]!.mls.importGroup(mlsState), core.config)
    restoreInto(back, saved, core.now)
    const restored = back.branch!
    expect(restored.mlsState).toEqual(bp.mlsState.exportState())
    expect({ ...restored, mlsState: undefined }).toEqual({ ...core.branch, mlsState: undefined })
    // The bytes open as the group before the merge.
    const opened = await plugins[0]!.mls.importGroup(restored.mlsState as Uint8Array)
    expect(opened.epoch()).toBe(bp.epoch)
    expect(opened.members().map(toHex).sort()).toEqual([core.memberId, bob, carol].map(toHex).sort())

    // A strict majority (2 of 3) of the members at the branch point attests our commit: no other branch can win now.
    const attest = (memberId: Uint8Array): EpochAttestation =>
      ({ epoch: bp.epoch + 1n, commitHash: fromHex(hashHex), memberId, signedAtMs: 1n }) as EpochAttestation
    core.certificates.keepMerge(attest(carol))
    expect(readSavedConversation(saveConversation(core, core.now, []), core.id, core.memberId).saved.branch).toBeDefined()
    core.certificates.keepMerge(attest(bob))
    expect(readSavedConversation(saveConversation(core, core.now, []), core.id, core.memberId).saved.branch).toBeUndefined()
  })

  it('the steward that committed on the losing side of a partition crashes; restarted, it switches to the winning branch', async () => {
    const stores: Crashable[] = []
    const inners = await Promise.all([0, 1, 2, 3].map(() => memoryStorage()))
    const s = await scenario(4, {
      config: PARTITION_FORK_CONFIG,
      userInit: (i) => {
        stores[i] = crashable(inners[i]!)
        return { storage: stores[i] }
      },
    })
    const { epochSteward, backup, steward, epoch } = await forkByPartition(s, ID)
    const loser = hex(conv(s, steward, ID).epochAuthenticator())
    const winner = hex(conv(s, epochSteward, ID).epochAuthenticator())
    expect(loser).not.toBe(winner)
    // Let the losing side's merge reach its store, then crash it while still cut off.
    await s.net.advance(500)
    stores[steward]!.crash()
    await s.members[steward]!.user.stop()
    s.net.heal()
    const { events } = await restartMember(s, steward, crashable(inners[steward]!))
    const resumed = conv(s, steward, ID)
    expect(resumed.epoch()).toBe(epoch + 1n)
    expect(hex(resumed.epochAuthenticator())).toBe(loser)
    await s.until(() => converged(s, ID, [steward, epochSteward, backup]))
    expect(hex(conv(s, steward, ID).epochAuthenticator())).toBe(winner)
    expect(events.some((e) => e.type === 'fork-healed')).toBe(true)
    expect(events.filter((e) => e.type === 'error')).toEqual([])
    await s.stop()
  }, 60_000)
})
