import { EthereumSigner } from '@demls/consensus'
import { bytesEqual, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { defaultPlugins } from '../../src/index.js'
import { joinProposalSlots, votingInactivityWindow } from '../../src/core/config.js'
import {
  driveBufferedProposals,
  drainBufferedUpdates,
  electionWaitMs,
  expireAwaitedElection,
  freeProposalSlots,
  initiateStewardElection,
  reconcileStewardList,
  epochStewardLags,
  headOfOpenElection,
  takeoverDeadline,
} from '../../src/stewardship/stewardship.js'
import { signAttestation } from '../../src/join/signing.js'
import { onListAttested } from '../../src/sync/steward-sync.js'
import { keyFor } from '../scenarios/harness.js'
import { electionPool } from '../../src/stewardship/election-check.js'
import { coreFixture } from '../core-fixture.js'

/** `stewardship/stewardship.ts` on a core over a real MLS group (member 0 ours). */
describe('stewardship/stewardship', () => {
  const setup = async (members = 3, config = {}) => {
    const { core, others } = await coreFixture({ id: 'stewards', members, config: { stewardList: { snMin: 1, snMax: 2 }, ...config } })
    const invite = async (seed: number) => {
      const p = await defaultPlugins(new Uint8Array(32).fill(seed))
      return { payload: 'memberInvite' as const, memberInvite: { keyPackageBytes: await p.generateKeyPackage(core.now), memberId: p.mls.memberId } }
    }
    const ownElections = () => [...core.queues.voting.values()].filter((r) => r.payload === 'stewardElection')
    return { core, others, invite, ownElections }
  }

  it('reconcile: settled members within snMax install a list locally; more need an election, which every member awaits until it lands or its wait ends', async () => {
    const small = await setup(2)
    small.core.steward.installList(0n, [small.core.memberId], 1) // exhausted at our epoch
    await reconcileStewardList(small.core, small.core.now)
    expect(small.core.steward.currentList()?.members.length).toBe(2)
    expect(small.core.stewardship.awaitedElection).toBeUndefined()

    const { core } = await setup(4)
    core.steward.installList(0n, [core.memberId], 1) // exhausted at our epoch
    await reconcileStewardList(core, core.now, false)
    expect(core.stewardship.awaitedElection).toEqual({ epoch: core.epoch(), until: core.now + electionWaitMs(core) })
    expireAwaitedElection(core, core.now + electionWaitMs(core) - 1)
    expect(core.stewardship.awaitedElection).toBeDefined()
    expireAwaitedElection(core, core.now + electionWaitMs(core))
    expect(core.stewardship.awaitedElection).toBeUndefined()
  })

  it('the election pool is the settled members; in recovery, minus approved removals, or the newcomers when nobody settled is left', async () => {
    const { core, others } = await setup(3)
    const [bob, carol] = [others[0]!.memberId, others[1]!.memberId]
    core.membership.joinEpochs.set(toHex(carol), core.epoch()) // joined at this epoch: not settled
    expect(electionPool(core, false).map(toHex)).toEqual([core.memberId, bob].map(toHex))
    core.queues.approved.set(1, { payload: 'removeMember', removeMember: { memberId: bob } })
    expect(electionPool(core, true).map(toHex)).toEqual([toHex(core.memberId)])
    expect(electionPool(core, false).map(toHex)).toEqual([core.memberId, bob].map(toHex))
    core.queues.approved.set(2, { payload: 'removeMember', removeMember: { memberId: core.memberId } })
    expect(electionPool(core, true).map(toHex)).toEqual([toHex(carol)])
  })

  it('the responsible proposer files one election with its list (deferred vote); never two at once; nobody else files', async () => {
    const { core, ownElections } = await setup(4)
    core.steward.installList(0n, [core.memberId], 1)
    await initiateStewardElection(core, false, core.now)
    expect(ownElections()).toHaveLength(1)
    await initiateStewardElection(core, false, core.now)
    expect(ownElections()).toHaveLength(1)
    const other = await setup(4)
    other.core.steward.installList(0n, [other.others[0]!.memberId], 1)
    await initiateStewardElection(other.core, false, other.core.now)
    expect(other.ownElections()).toHaveLength(0)
  })

  it('buffered joins are proposed in arrival order while join slots are free (the reserve stays free for elections and emergencies)', async () => {
    const { core, invite } = await setup(3)
    const slots = joinProposalSlots(core.config)
    for (let k = 0; k < slots + 2; k++) core.queues.bufferUpdate(await invite(60 + k), core.epoch())
    await drainBufferedUpdates(core, core.now)
    expect(core.queues.voting.size).toBe(slots)
    expect(freeProposalSlots(core)).toBe(0)
    const order = [...core.queues.voting.values()].map((r) => toHex(r.memberInvite!.memberId))
    const buffered = [...core.queues.pendingUpdates.values()].map((u) => toHex(u.request.memberInvite!.memberId))
    expect(order).toEqual(buffered.slice(0, slots))
  })

  it('the head of the list an open election proposes opens buffered joins at once; not the head of a list we would not vote for, nor once the election is decided', async () => {
    // Which member heads the elected list depends on the conversation id: take a group where it is us.
    let found: { core: Awaited<ReturnType<typeof setup>>['core']; others: Awaited<ReturnType<typeof setup>>['others']; list: Uint8Array[] } | undefined
    for (let k = 0; found === undefined && k < 40; k++) {
      const { core, others } = await coreFixture({ id: `head-${k}`, members: 4, config: { stewardList: { snMin: 1, snMax: 2 } } })
      const list = core.steward.electableList(core.epoch(), electionPool(core, false), 0).members
      if (bytesEqual(list[0]!, core.memberId)) found = { core, others, list: [...list] }
    }
    if (found === undefined) throw new Error('no group of the 40 has us at the head of its elected list')
    const { core, others, list } = found
    const p = await defaultPlugins(new Uint8Array(32).fill(90))
    core.queues.bufferUpdate({ payload: 'memberInvite', memberInvite: { keyPackageBytes: await p.generateKeyPackage(core.now), memberId: p.mls.memberId } }, core.epoch())
    core.steward.installList(0n, [others[0]!.memberId], 1) // exhausted at our epoch, and we are not on it
    const opened = () => [...core.queues.voting.values()].filter((r) => r.payload === 'memberInvite').length
    await driveBufferedProposals(core, core.now)
    expect(opened()).toBe(0)

    // A list of someone's choosing that names us first: we would vote NO, so we open nothing.
    const second = others.map((o) => o.memberId).find((m) => !bytesEqual(m, list[1]!))!
    core.voting.requests.set(6, { payload: 'stewardElection', stewardElection: { proposedStewards: [core.memberId, second], electionEpoch: core.epoch(), retryRound: 0 } })
    expect(headOfOpenElection(core)).toBe(false)
    await driveBufferedProposals(core, core.now)
    expect(opened()).toBe(0)
    core.voting.requests.delete(6)

    // The election we would propose ourselves, naming us first: we open the join at once, no takeover window.
    core.voting.requests.set(7, { payload: 'stewardElection', stewardElection: { proposedStewards: list, electionEpoch: core.epoch(), retryRound: 0 } })
    expect(headOfOpenElection(core)).toBe(true)
    await driveBufferedProposals(core, core.now)
    expect(opened()).toBe(1)
    // Decided: no longer.
    core.queues.resolved.add(7)
    expect(headOfOpenElection(core)).toBe(false)
  })

  it('takeover: the epoch steward proposes buffered updates at once; another steward only after the voting-inactivity window', async () => {
    const lead = await setup(3)
    lead.core.queues.bufferUpdate(await lead.invite(70), lead.core.epoch())
    lead.core.steward.installList(lead.core.epoch(), [lead.core.memberId], 1)
    await driveBufferedProposals(lead.core, lead.core.now)
    expect(lead.core.queues.voting.size).toBe(1)

    const { core, others, invite } = await setup(3, { stewardList: { snMin: 1, snMax: 3 } })
    core.queues.bufferUpdate(await invite(71), core.epoch())
    // A list we are on where another steward is the epoch steward.
    const lists = [[others[0]!.memberId, core.memberId], [others[1]!.memberId, core.memberId], [...others.map((o) => o.memberId), core.memberId]]
    const list = lists.find((l) => {
      // Installed an epoch ago: the rotation has moved on by one.
      core.steward.installList(core.epoch() - 1n, l, l.length)
      return !core.isEpochSteward(core.now)
    })
    expect(list).toBeDefined()
    expect(core.steward.isSteward(core.memberId)).toBe(true)
    expect(takeoverDeadline(core, core.now)).toBe(0) // waiting, not anchored yet: poll at once
    await driveBufferedProposals(core, core.now)
    expect(core.queues.voting.size).toBe(0)
    expect(takeoverDeadline(core, core.now)).toBe(core.now + votingInactivityWindow(core.config))
    await driveBufferedProposals(core, core.now + votingInactivityWindow(core.config) - 1)
    expect(core.queues.voting.size).toBe(0)
    await driveBufferedProposals(core, core.now + votingInactivityWindow(core.config))
    expect(core.queues.voting.size).toBe(1)
  })

  it('takeover on evidence: the backup proposes at once when the epoch steward attests, signed and twice, an older list than ours', async () => {
    const { core, others, invite } = await setup(4, { stewardList: { snMin: 1, snMax: 4 } })
    core.queues.bufferUpdate(await invite(72), core.epoch())
    // Our list (some round r ≥ 1) where another member is the epoch steward and we are its backup.
    const pool = [core.memberId, ...others.map((o) => o.memberId)]
    const round = Array.from({ length: 40 }, (_, r) => r + 1).find((r) => {
      core.steward.installList(core.epoch(), pool, 4, r)
      const { epochSteward, backup } = core.actingStewards(core.now)
      return epochSteward !== undefined && !bytesEqual(epochSteward, core.memberId) && backup !== undefined && bytesEqual(backup, core.memberId)
    })
    expect(round).toBeDefined()
    const steward = core.epochSteward()!
    const index = others.findIndex((o) => bytesEqual(o.memberId, steward))
    // The fixture's member i + 1 holds key i + 1 (ours is 0).
    const signer = new EthereumSigner(keyFor(index + 1))
    expect(bytesEqual(signer.identity, steward)).toBe(true)
    const attest = (r: number, at = core.now, by = signer) =>
      signAttestation(by, core.id, { epoch: core.epoch(), stewardListEpoch: core.epoch(), stewardListRound: r, signedAtMs: BigInt(at) })
    const half = core.config.attestationIntervalMs / 2
    await driveBufferedProposals(core, core.now)
    expect(core.queues.voting.size).toBe(0) // no evidence: the window
    // Forged attestations in the steward's name (another key) are no evidence.
    for (const at of [core.now, core.now + half]) {
      const forged = { ...attest(round! - 1, at), signature: attest(round! - 1, at, new EthereumSigner(keyFor(9))).signature }
      await onListAttested(core, forged as never, at)
    }
    expect(epochStewardLags(core, core.now + half)).toBe(false)
    // Its own signed word that it holds an older round, once: it may install the elected list a moment later.
    // (One signature check per member per half second: a forged copy delays the genuine one that long at most.)
    const t0 = core.now + half + 600
    await onListAttested(core, attest(round! - 1, t0) as never, t0)
    expect(epochStewardLags(core, t0)).toBe(false)
    await driveBufferedProposals(core, t0)
    expect(core.queues.voting.size).toBe(0)
    // Again half an attestation interval later: it does not know it is the epoch steward.
    const t1 = t0 + half
    await onListAttested(core, attest(round! - 1, t1) as never, t1)
    expect(epochStewardLags(core, t1)).toBe(true)
    expect(takeoverDeadline(core, t1)).toBe(core.stewardship.takeoverAnchor)
    expect(t1).toBeLessThan(core.now + votingInactivityWindow(core.config))
    await driveBufferedProposals(core, t1)
    expect(core.queues.voting.size).toBe(1)
    // Once it attests our list, the evidence is gone.
    await onListAttested(core, attest(round!, t1 + 2_000) as never, t1 + 2_000)
    expect(epochStewardLags(core, t1 + 2_000)).toBe(false)
  })
})
