import { ScoreEvent } from '@demls/scoring'
import { type ConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { ConversationQueues, QUEUE_FIELDS_KEPT_ACROSS_FORKS } from '../src/core/queues.js'
import { CORE_FIELDS } from '../src/persist/core-fields.js'
import { readSavedConversation, saveConversation } from '../src/persist/snapshot.js'
import { ROLLBACK_SLICES, captureSession, restoreSession } from '../src/sync/rollback.js'
import { coreFixture } from './core-fixture.js'

/**
 * Issue 14: the branch point is a copy of named session slices, and every
 * field of the state has a decided fate on a fork switch and in a saved
 * state, so a field added to the state cannot be silently missing from the
 * rollback or the save.
 */
describe('rollback and save: every field has a fate', () => {
  it('every data field of a live core is in CORE_FIELDS, and CORE_FIELDS names no field the core lacks', async () => {
    const { core } = await coreFixture({ members: 1 })
    // Its own fields, and the fields it exposes through a getter (the MLS group, replaced only through adoptGroup).
    const getters = Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(core))).filter(([, d]) => d.get !== undefined)
    expect(Object.keys(CORE_FIELDS).sort()).toEqual([...Object.keys(core), ...getters.map(([name]) => name)].sort())
  })

  it('every field of the queues is either rolled back (QueueWork) or kept across a switch with a reason, not both', () => {
    const queues = new ConversationQueues()
    const rolled = Object.keys(queues.captureWork())
    const kept = Object.keys(QUEUE_FIELDS_KEPT_ACROSS_FORKS)
    expect(rolled.filter((f) => kept.includes(f))).toEqual([])
    expect([...rolled, ...kept].sort()).toEqual(Object.keys(queues).sort())
  })

  it('every slice a field rolls back with is in ROLLBACK_SLICES, and every slice is some field’s', () => {
    const named = new Set(Object.values(CORE_FIELDS).flatMap((f) => ('rollback' in f.forkSwitch ? f.forkSwitch.rollback : [])))
    expect([...named].sort()).toEqual(Object.keys(ROLLBACK_SLICES).sort())
  })

  it('every entry of a saved state is some field’s (the names the table uses for the save are checked by its type)', async () => {
    const { core, others } = await coreFixture({ members: 2 })
    core.steward.installList(core.epoch(), [core.memberId], 1)
    core.queues.urgentTarget = toHex(others[0]!.memberId)
    const { saved } = readSavedConversation(saveConversation(core, core.now, []), core.id, core.memberId)
    const named = new Set(Object.values(CORE_FIELDS).flatMap((f) => ('saved' in f.save ? f.save.saved : [])))
    expect(Object.keys(saved).filter((k) => !named.has(k as never))).toEqual([])
  })
})

describe('rollback: a switch puts every slice back as it was at the branch point', () => {
  it('capture, change every slice, restore: the slices equal the capture', async () => {
    const { core, others } = await coreFixture({ id: 'rollback', members: 3 })
    const [bob, carol] = [others[0]!.memberId, others[1]!.memberId]
    const removal: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: bob } }
    core.steward.installList(core.epoch(), [core.memberId, bob], 2)
    for (const m of [core.memberId, bob, carol]) core.scoring.addMember(m)
    core.queues.approved.set(7, removal)
    core.queues.urgentTarget = toHex(bob)
    core.queues.bufferUpdate({ payload: 'removeMember', removeMember: { memberId: carol } }, core.epoch())
    core.queues.pendingRemovalTargets.add(toHex(carol))
    core.membership.joinEpochs.set(toHex(carol), 1n)
    const cert = { voteBindings: [], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    core.certificates.keepApproved(`remove:${toHex(bob)}`, cert)
    const before = captureSession(core)

    // Everything a merge and the epoch after it could change.
    core.queues.approved.clear()
    core.queues.approved.set(8, { payload: 'removeMember', removeMember: { memberId: carol } })
    core.queues.urgentTarget = undefined
    core.queues.pendingUpdates.clear()
    core.queues.pendingRemovalTargets.clear()
    core.membership.joinEpochs.set(toHex(bob), 2n)
    core.scoring.applyOps([{ memberId: bob, event: ScoreEvent.BrokenCommit }])
    core.scoring.removeMember(carol)
    core.scoring.addMember(new Uint8Array(20).fill(9))
    core.steward.installList(core.epoch() + 1n, [carol], 1)
    core.certificates.approved.clear()

    restoreSession(core, before)
    const after = captureSession(core)
    expect(after).toEqual(before)
    // Each slice on its own (a slice whose restore forgot a field fails here by name).
    for (const key of Object.keys(ROLLBACK_SLICES) as (keyof typeof before)[]) expect(after[key], key).toEqual(before[key])
  })

  it('a certificate approved after the branch point stays: the restore adds back what the merge took, and removes nothing', async () => {
    const { core, others } = await coreFixture({ id: 'rollback-certs', members: 2 })
    const before = captureSession(core)
    const later = { voteBindings: [], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    core.certificates.keepApproved(`remove:${toHex(others[0]!.memberId)}`, later)
    restoreSession(core, before)
    expect(core.certificates.approved.get(`remove:${toHex(others[0]!.memberId)}`)).toBe(later)
  })
})
