import { encodeAppMessage, toHex, type MemberWelcome } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { defaultPlugins } from '../../src/index.js'
import { dispatchInbound, receiveInbound } from '../../src/inbound/dispatch.js'
import { syncLastSeen } from '../../src/stewardship/liveness.js'
import { coreFixture, droppedOf } from '../core-fixture.js'

/**
 * `inbound/dispatch.ts` on a core over a real 3-member MLS group (member 0
 * ours, the only steward, so it acts as epoch steward): typed inbound
 * values routed to their flows, and real packets through `receiveInbound`.
 */
describe('inbound/dispatch', () => {
  const setup = async (config = {}) => {
    const { core, others } = await coreFixture({ id: 'dispatch', members: 3, config })
    for (const m of core.mls.members()) core.scoring.addMember(m)
    core.steward.installList(core.epoch(), [core.memberId], 1)
    syncLastSeen(core, core.now - 1_000) // every member entered, heard a second ago
    const joiner = async (seed: number) => {
      const p = await defaultPlugins(new Uint8Array(32).fill(seed))
      return { memberId: p.mls.memberId, keyPackageBytes: await p.generateKeyPackage(core.now) }
    }
    const drops = () => droppedOf(core)
    const proposed = () => [...core.queues.voting.values()]
    return { core, bob: others[0]!, carol: others[1]!, joiner, drops, proposed }
  }

  it('a key-package announcement is validated, queued and proposed by the epoch steward; a forged identity or a bad key package is a typed drop', async () => {
    const { core, joiner, drops, proposed } = await setup()
    const dave = await joiner(81)
    await dispatchInbound(core, { kind: 'key-package', invite: dave }, core.now)
    expect(proposed().map((r) => toHex(r.memberInvite!.memberId))).toEqual([toHex(dave.memberId)])
    const erin = await joiner(82)
    await dispatchInbound(core, { kind: 'key-package', invite: { ...erin, memberId: dave.memberId.map((b) => b ^ 1) } }, core.now)
    await dispatchInbound(core, { kind: 'key-package', invite: { ...erin, keyPackageBytes: new Uint8Array([1, 2, 3]) } }, core.now)
    expect(drops()).toEqual(['unauthorized: key package identity differs from member id', 'invalid-proposal: bad key package'])
    expect(proposed()).toHaveLength(1)
  })

  it('announcements past the join queue’s budget are refused before validation; outside Working one is queued, not proposed', async () => {
    const { core, joiner, drops, proposed } = await setup({ joinQueueMax: 1 })
    core.sm.startFreezing(core.now)
    await dispatchInbound(core, { kind: 'key-package', invite: await joiner(83) }, core.now)
    expect(proposed()).toEqual([])
    expect(core.queues.pendingUpdates.size).toBe(1)
    await dispatchInbound(core, { kind: 'key-package', invite: await joiner(84) }, core.now)
    expect(drops()).toEqual(['not-working: key-package announcement (queued)', 'queue-full: key-package announcement'])
  })

  it('a ban request against a member is buffered and proposed with explicit votes only (even where silence counts YES); against a non-member it is dropped', async () => {
    const { core, bob, carol, drops, proposed } = await setup({ admission: 'open' })
    await dispatchInbound(core, { kind: 'ban-request', sender: carol.memberId, request: { conversationId: core.id, userToBan: new Uint8Array(20).fill(5) } }, core.now)
    expect(drops()).toEqual(['not-member: ban target is not a member'])
    await dispatchInbound(core, { kind: 'ban-request', sender: carol.memberId, request: { conversationId: core.id, userToBan: bob.memberId } }, core.now)
    expect(proposed().map((r) => toHex(r.removeMember!.memberId))).toEqual([toHex(bob.memberId)])
    const id = [...core.queues.voting.keys()][0]!
    expect(core.consensus.getProposal(core.id, id)?.livenessCriteriaYes).toBe(false)
    // The sender was heard (MLS authenticated it).
    expect(core.liveness.lastSeen.get(toHex(carol.memberId))).toBe(core.now)
  })

  it('a Welcome broadcast is reported once; its copy is a duplicate drop', async () => {
    const { core, drops } = await setup()
    const welcome: MemberWelcome = { welcomeBytes: new Uint8Array([9, 9, 9]), conversationSyncBytes: new Uint8Array(), joinerIdentities: [] }
    await dispatchInbound(core, { kind: 'member-welcome', welcome }, core.now)
    await dispatchInbound(core, { kind: 'member-welcome', welcome }, core.now)
    expect(core.outbox.events.filter((e) => e.type === 'welcome-ready')).toHaveLength(1)
    expect(drops()).toEqual(['welcome-duplicate: '])
  })

  it('a chat message from a member, received as a real packet, is reported and kept for members that were away', async () => {
    const { core, bob } = await setup()
    const payload = await bob.encrypt(encodeAppMessage({ conversationMessage: { message: new TextEncoder().encode('hi'), sender: bob.memberId, conversationId: core.id } }))
    await receiveInbound(core, { subtopic: 'app', payload }, core.now)
    const message = core.outbox.events.find((e) => e.type === 'message')
    expect(message?.type === 'message' && new TextDecoder().decode(message.body)).toBe('hi')
    expect(message?.type === 'message' && toHex(message.sender)).toBe(toHex(bob.memberId))
    expect(core.history.kept.map((k) => k.payload)).toEqual([payload])
  })
})
