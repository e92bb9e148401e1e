import { createMlsClient } from '@demls/mls'
import { toHex } from '@demls/wire'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { captureBranchPoint } from '../src/sync/fork.js'
import { coreFixture } from './core-fixture.js'
import { PARTITION_FORK_CONFIG, conv, converged, forkByPartition, hex, memberIdOf, scenario } from './scenarios/harness.js'

/**
 * The fork branch point keeps the immutable MLS state (`MlsService.snapshot`)
 * instead of serialising it before every merge (issue 18: `exportState`
 * cost 150 ms per commit at 1,000 members); it is serialised only when a
 * kept own candidate is saved (`persist/snapshot.ts`).
 */
describe('branch point: an MLS snapshot, not an export, on every merge', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('captureBranchPoint never exports; the state it kept is the group before the merge after the group merged and chatted', async () => {
    const { core, plugins, others } = await coreFixture({ id: 'bp-snapshot', members: 3 })
    const [bob, carol] = others as [NonNullable<(typeof others)[0]>, NonNullable<(typeof others)[1]>]
    const before = { bytes: core.mls.exportState(), authenticator: core.mls.epochAuthenticator(), members: core.mls.members() }
    const exported = vi.spyOn(core.mls, 'exportState')
    const branch = captureBranchPoint(core)
    // Our commit removing Bob merges; we chat in the new epoch (consuming its message keys).
    await core.mls.createCommitCandidate([{ action: 'remove', memberId: bob.memberId }], { nowMs: core.now })
    await core.mls.mergeOwnCommit()
    await core.mls.encrypt(new TextEncoder().encode('epoch 2'))
    expect(exported).not.toHaveBeenCalled()
    expect(branch.epoch).toBe(1n)
    expect(branch.mlsState.epoch()).toBe(1n)
    expect(branch.mlsState.hasPendingCommit()).toBe(false)
    // Serialised on demand, it is what an export before the merge gave.
    expect(branch.mlsState.exportState()).toEqual(before.bytes)
    // Restored, it is the group before the merge, and stages the commit Carol made there (the other branch of a fork).
    const back = await plugins[0]!.mls.restoreGroup(branch.mlsState)
    expect(back.epoch()).toBe(1n)
    expect(back.members().map(toHex)).toEqual(before.members.map(toHex))
    expect(back.epochAuthenticator()).toEqual(before.authenticator)
    const theirs = await carol.createCommitCandidate([{ action: 'remove', memberId: bob.memberId }], { nowMs: core.now })
    expect((await back.stageRemoteCommit(theirs)).status).toBe('staged')
    await back.mergeStagedCommit()
    await carol.mergeOwnCommit()
    expect(back.epochAuthenticator()).toEqual(carol.epochAuthenticator())
  })

  it('a partition forks the group; the losing side switches branch from its branch point; no member exports its MLS state on the way (no storage)', async () => {
    // Every group of the process shares the ts-mls-backed class: spy on its prototype.
    const probe = await (await createMlsClient({ memberId: memberIdOf(9) })).createGroup('probe')
    const proto = Object.getPrototypeOf(probe) as { exportState(): Uint8Array; snapshot(): unknown }
    const exported = vi.spyOn(proto, 'exportState')
    const snapshots = vi.spyOn(proto, 'snapshot')
    const s = await scenario(4, { config: PARTITION_FORK_CONFIG })
    const id = 'bp-fork'
    const { epochSteward, backup, steward } = await forkByPartition(s, id)
    expect(new Set([steward, epochSteward].map((i) => hex(conv(s, i, id).epochAuthenticator()))).size).toBe(2)
    const winner = hex(conv(s, epochSteward, id).epochAuthenticator())
    const mark = s.members[steward]!.events.length
    s.net.heal()
    await s.until(() => converged(s, id, [steward, epochSteward, backup]))
    expect(s.members[steward]!.events.slice(mark).some((e) => e.type === 'fork-healed')).toBe(true)
    for (const i of [steward, epochSteward, backup]) expect(hex(conv(s, i, id).epochAuthenticator())).toBe(winner)
    expect(snapshots).toHaveBeenCalled()
    expect(exported).not.toHaveBeenCalled()
    await s.stop()
  })
})
