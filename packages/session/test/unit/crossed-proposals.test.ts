import { EthereumSigner, createProposal } from '@demls/consensus'
import { type ConversationUpdateRequestInit, decodeAppMessage, decodeConversationUpdateRequest, encodeAppMessage, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationCore } from '../../src/core/core.js'
import { onControl } from '../../src/sync/catch-up.js'
import { takeGroupApproval } from '../../src/voting/certificates.js'
import { liveStewardGraceMs } from '../../src/core/config.js'
import { heldVotesApprove, reproposeDeferred, reproposeVoided, timeOutCrossed, voidCrossedProposals } from '../../src/voting/crossed-proposals.js'
import { BAN_REMOVAL_NAME } from '../../src/voting/judge-evidence.js'
import { electionPool } from '../../src/stewardship/election-check.js'
import { bufferedUpdatesOpener } from '../../src/stewardship/stewardship.js'
import { handleOutcomes } from '../../src/voting/outcome.js'
import { castVote, initiateProposal, onIncomingProposal, onIncomingVote } from '../../src/voting/proposals.js'
import { boundVotes } from '../bound-votes.js'
import { coreFixture } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/**
 * `voting/crossed-proposals.ts`: a core over a real 4-member MLS group
 * (member 0 ours; Bob, Carol, Dave the others), its proposals opened at
 * this epoch, voided as if a commit had just ended it.
 */
describe('crossed proposals: one outcome for adds and removals a commit crossed', () => {
  const [bob, carol, dave] = [1, 2, 3].map((i) => new EthereumSigner(keyFor(i))) as [EthereumSigner, EthereumSigner, EthereumSigner]
  const removal = (who: EthereumSigner): ConversationUpdateRequestInit => ({ removeMember: { memberId: who.identity } })
  /** Bob's proposal `id` of `request`, received with Bob's signed YES and its binding. */
  const fromBob = (core: ConversationCore, id: number, request: ConversationUpdateRequestInit, voters = 4) => {
    const proposal = createProposal({ owner: bob.identity, payload: encodeConversationUpdateRequest(request), expectedVotersCount: voters, livenessCriteriaYes: true, proposalId: id }, core.now)
    const { votes, bindings } = boundVotes(core.id, proposal, [{ signer: bob, choice: true }], core.now)
    onIncomingProposal(core, { ...proposal, votes }, bob.identity, core.now, bindings)
    return proposal
  }
  const voidedEvents = (core: ConversationCore) => core.outbox.events.flatMap((e) => (e.type === 'proposal-voided' ? [e] : []))

  it('marks open adds and removals crossed: signed votes may still decide them, their timeout voids them', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    const ours = await initiateProposal(core, removal(dave), 'yes', core.now)
    const bobs = fromBob(core, 51, removal(carol))
    fromBob(core, 52, { stewardElection: { proposedStewards: [bob.identity], electionEpoch: core.epoch(), retryRound: 0 } })
    expect(core.consensus.activeProposals(core.id).map((p) => p.proposalId).sort()).toEqual([51, 52, ours].sort())
    expect(voidCrossedProposals(core, core.now)).toEqual([])
    expect([...core.voting.crossed].sort()).toEqual([51, ours].sort())
    // 51: Carol's and Dave's signed YES arrive late (votes of the epoch we left count): with Bob's, three of four.
    const late = boundVotes(core.id, bobs, [{ signer: bob, choice: true }, { signer: carol, choice: true }, { signer: dave, choice: true }], core.now)
    for (const i of [1, 2]) onIncomingVote(core, late.votes[i]!, [carol, dave][i - 1]!.identity, core.now + 1_100, late.bindings[i])
    await handleOutcomes(core, core.now + 1_200)
    expect(core.queues.approved.has(51)).toBe(true)
    // Ours times out with only our YES: void, not approved by silence, and opened again.
    core.outbox.events.length = 0
    expect(await timeOutCrossed(core, core.now + 60_000)).toBe(1)
    await handleOutcomes(core, core.now + 60_000)
    expect(core.consensus.getSession(core.id, ours)?.state).toBe('failed')
    expect(core.voting.voided.has(ours)).toBe(true)
    expect(core.queues.approved.has(ours)).toBe(false)
    expect(core.outbox.events.filter((e) => e.type === 'consensus-reached' && e.proposalId === ours)).toEqual([])
    const again = voidedEvents(core).find((e) => e.proposalId === ours)?.reproposedAs
    expect(again).toBeDefined()
    expect(core.consensus.getSession(core.id, again!)?.state).toBe('active')
    // The election is no add or removal: its timeout is the consensus service's as always.
    expect(core.voting.crossed.has(52)).toBe(false)
  })

  it('puts a crossed timeout off while we cannot open a proposal', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    const ours = await initiateProposal(core, removal(dave), 'yes', core.now)
    voidCrossedProposals(core, core.now)
    core.sm.startFreezing(core.now)
    expect(await timeOutCrossed(core, core.now + 60_000)).toBe(0)
    expect(core.consensus.getSession(core.id, ours)?.state).toBe('active')
    expect(core.voting.timeouts.get(ours)?.at).toBe(core.now + 60_000 + core.config.recoveryInactivityMs)
  })

  it('voids an approval only silence decided, keeps one the signed votes prove', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    // 61: Bob, Dave and we sign YES, three of four: approved before any timeout.
    const strong = fromBob(core, 61, removal(carol))
    const dv = boundVotes(core.id, strong, [{ signer: bob, choice: true }, { signer: dave, choice: true }], core.now)
    onIncomingVote(core, dv.votes[1]!, dave.identity, core.now, dv.bindings[1])
    await castVote(core, 61, true, core.now)
    // 62: only Bob's YES; the timeout counts the silent as YES.
    fromBob(core, 62, removal(dave))
    core.consensus.handleTimeout(core.id, 62, core.now + 30_000)
    await handleOutcomes(core, core.now + 30_000)
    expect([...core.queues.approved.keys()].sort()).toEqual([61, 62])
    expect(heldVotesApprove(core, 61)).toBe(true)
    expect(heldVotesApprove(core, 62)).toBe(false)
    const voided = voidCrossedProposals(core, core.now)
    expect(voided.map((v) => v.proposalId)).toEqual([62])
    expect([...core.queues.approved.keys()]).toEqual([61])
  })

  it('voids an approval signed by an electorate that a member joined since does not know, keeps it while every member knows it', async () => {
    const [erin, frank, gus] = [4, 5, 6].map((i) => new EthereumSigner(keyFor(i))) as [EthereumSigner, EthereumSigner, EthereumSigner]
    for (const daveJoined of ['now', 'long ago'] as const) {
      const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
      const epoch = core.epoch() + 5n
      core.epoch = () => epoch
      // Two epochs back the members were Bob, Erin, Frank and Gus; Dave joined at this epoch (he knows the members of the one before only), or long ago.
      core.membership.epochHistory.set(epoch - 2n, { members: [bob.identity, erin.identity, frank.identity, gus.identity], joinEpochs: new Map() })
      core.membership.joinEpochs.set(toHex(dave.identity), daveJoined === 'now' ? epoch : 1n)
      // 71, opened then: Bob, Erin and Frank signed YES (three of those four), and we took the certificate; not carried by the commits since.
      const p = fromBob(core, 71, removal(carol))
      const { votes, bindings } = boundVotes(core.id, p, [{ signer: bob, choice: true }, { signer: erin, choice: true }, { signer: frank, choice: true }], core.now)
      const cert = { proposal: { ...p, votes }, voteBindings: bindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
      takeGroupApproval(core, 71, decodeConversationUpdateRequest(p.payload), core.memberSet(), core.now, { key: `remove:${toHex(carol.identity)}`, cert })
      expect(core.queues.approved.has(71)).toBe(true)
      expect(heldVotesApprove(core, 71)).toBe(daveJoined === 'long ago')
      expect(voidCrossedProposals(core, core.now).map((v) => v.proposalId)).toEqual(daveJoined === 'now' ? [71] : [])
    }
  })

  it('voids at once a proposal still open that an earlier commit crossed, once a member joined since', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    fromBob(core, 81, removal(carol))
    expect(voidCrossedProposals(core, core.now)).toEqual([]) // the first commit crosses it: its signed votes may still decide it
    expect(core.voting.crossed.has(81)).toBe(true)
    const epoch = core.epoch()
    core.epoch = () => epoch + 1n
    expect(voidCrossedProposals(core, core.now)).toEqual([]) // the next commit added nobody: every member knows its electorate
    core.epoch = () => epoch + 2n
    core.membership.joinEpochs.set(toHex(dave.identity), epoch + 2n)
    expect(voidCrossedProposals(core, core.now).map((v) => v.proposalId)).toEqual([81]) // Dave joined since: void now, not at its timeout
    expect(core.consensus.getSession(core.id, 81)?.state).not.toBe('active')
    expect(core.voting.voided.has(81)).toBe(true)
  })

  it('keeps an approval taken from a certificate it verified, though its own votes fall short', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    // 63: we hold Bob's YES only; the group's certificate (Bob, Carol, Dave) reaches us and we take it.
    const p = fromBob(core, 63, removal(carol))
    const { votes, bindings } = boundVotes(core.id, p, [{ signer: bob, choice: true }, { signer: carol, choice: true }, { signer: dave, choice: true }], core.now)
    const cert = { proposal: { ...p, votes }, voteBindings: bindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    takeGroupApproval(core, 63, decodeConversationUpdateRequest(p.payload), core.memberSet(), core.now, { key: `remove:${toHex(carol.identity)}`, cert })
    expect(core.queues.approved.has(63)).toBe(true)
    expect(heldVotesApprove(core, 63)).toBe(true)
    expect(voidCrossedProposals(core, core.now)).toEqual([])
    expect(core.queues.approved.has(63)).toBe(true)
  })

  it('opens our own voided proposal again and reports each one once', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    // Both approved at their timeout (silence counted): void at the epoch change.
    const ours = await initiateProposal(core, removal(dave), 'yes', core.now)
    fromBob(core, 51, removal(carol))
    for (const id of [ours, 51]) core.consensus.handleTimeout(core.id, id, core.now + 30_000)
    await handleOutcomes(core, core.now + 30_000)
    const voided = voidCrossedProposals(core, core.now)
    expect(voided.map((v) => [v.proposalId, v.own, v.votedYes])).toEqual([
      [ours, true, true],
      [51, false, false],
    ])
    core.outbox.events.length = 0
    const opened = await reproposeVoided(core, voided, core.now + 31_000)
    expect(opened).toHaveLength(1)
    expect(opened[0]).not.toBe(ours)
    const again = core.consensus.getProposal(core.id, opened[0]!)!
    expect(again.payload).toEqual(encodeConversationUpdateRequest(removal(dave)))
    expect(again.votes.map((v) => v.vote)).toEqual([true])
    expect(voidedEvents(core).map((e) => [e.proposalId, e.reproposedAs])).toEqual([
      [ours, opened[0]],
      [51, undefined],
    ])
    // Bob's is Bob's to ask again (and the stewards' from their buffered updates): we do not.
    expect(core.consensus.activeProposals(core.id)).toHaveLength(1)
  })

  describe('our voided work, when the epoch steward holds it buffered', () => {
    /**
     * Bob is the epoch steward (a list of one); our removal of Dave got Bob's
     * signed YES (`bobVoted`), then timed out crossed: void.
     */
    const voidOurs = async (opts: { bobVoted?: boolean; name?: string; bobJoined?: bigint; before?: (core: ConversationCore) => void } = {}) => {
      const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
      // When Bob joined (unknown unless set): a member of the epoch before ours received our proposal as we did.
      if (opts.bobJoined !== undefined) core.membership.joinEpochs.set(toHex(bob.identity), opts.bobJoined)
      core.steward.installList(core.epoch(), [bob.identity], 1)
      expect(toHex(core.actingEpochSteward(core.now)!)).toBe(toHex(bob.identity))
      const ours = await initiateProposal(core, removal(dave), 'yes', core.now, opts.name !== undefined ? { name: opts.name, livenessCriteriaYes: false } : {})
      if (opts.bobVoted !== false) {
        const { votes, bindings } = boundVotes(core.id, core.consensus.getProposal(core.id, ours)!, [{ signer: bob, choice: true }], core.now)
        onIncomingVote(core, votes[0]!, bob.identity, core.now + 100, bindings[0])
      }
      voidCrossedProposals(core, core.now)
      core.outbox.events.length = 0
      const t = core.now + 60_000
      opts.before?.(core)
      expect(await timeOutCrossed(core, t)).toBe(1)
      return { core, t, ours, end: t + liveStewardGraceMs(core.config) }
    }
    const openRemovals = (core: ConversationCore) => core.consensus.activeProposals(core.id).map((p) => p.proposalId)

    it('waits for it instead of opening the same work beside it, and ends the wait once its proposal is here', async () => {
      const { core, t, end } = await voidOurs()
      expect(voidedEvents(core).map((e) => e.reproposedAs)).toEqual([undefined])
      expect(openRemovals(core)).toEqual([])
      expect(core.voting.deferredReproposals.next()).toBe(end)
      expect(await reproposeDeferred(core, end - 1)).toEqual([])
      // Bob opens it from his buffered updates: one proposal for the group to vote on.
      fromBob(core, 61, removal(dave))
      expect(await reproposeDeferred(core, t + 10)).toEqual([])
      expect(core.voting.deferredReproposals.next()).toBeUndefined()
      expect(openRemovals(core)).toEqual([61])
    })

    it('opens it at the end of the wait when no proposal for it came, with our YES', async () => {
      const { core, end } = await voidOurs()
      const [again] = await reproposeDeferred(core, end)
      expect(openRemovals(core)).toEqual([again])
      expect(core.consensus.getProposal(core.id, again!)!.votes.map((v) => [toHex(v.voteOwner), v.vote])).toEqual([[core.memberHex, true]])
      expect(core.voting.deferredReproposals.next()).toBeUndefined()
    })

    it('opens it at once when the steward it waits for no longer acts (unheard for the suspect window)', async () => {
      const { core, t } = await voidOurs()
      core.liveness.lastSeen.set(toHex(bob.identity), t - 600_000)
      expect(core.actingEpochSteward(t + 10)).toBeUndefined()
      expect(await reproposeDeferred(core, t + 10)).toHaveLength(1)
    })

    it('puts an ended wait off while we cannot open a proposal (no wake-up at once that nothing serves)', async () => {
      const { core, end } = await voidOurs()
      core.sm.startFreezing(end)
      expect(await reproposeDeferred(core, end)).toEqual([])
      expect(core.voting.deferredReproposals.next()).toBe(end + core.config.recoveryInactivityMs)
      core.sm.startWorking()
      expect(await reproposeDeferred(core, end + core.config.recoveryInactivityMs)).toHaveLength(1)
    })

    it('drops a wait whose work is done (a removal of a member no longer in the group)', async () => {
      const { core, t } = await voidOurs()
      const gone = new EthereumSigner(keyFor(9)).identity
      const request = decodeConversationUpdateRequest(encodeConversationUpdateRequest(removal(new EthereumSigner(keyFor(9)))))
      const key = `remove:${toHex(gone)}`
      core.voting.deferredReproposals.set(key, t + 1_000, { voided: { proposalId: 9, request, name: undefined, livenessCriteriaYes: true, votedYes: true }, steward: toHex(bob.identity) })
      expect(await reproposeDeferred(core, t + 2_000)).toEqual([])
      expect(core.voting.deferredReproposals.has(key)).toBe(false)
      expect(core.voting.deferredReproposals.size).toBe(1) // Dave's, still waiting for Bob
    })

    it('waits for it without its vote when it was a member of the epoch before ours (so ours reached it as it reached us)', async () => {
      const { core, end } = await voidOurs({ bobVoted: false, bobJoined: 0n })
      expect(core.epoch()).toBeGreaterThan(0n)
      expect(voidedEvents(core).map((e) => e.reproposedAs)).toEqual([undefined])
      expect(openRemovals(core)).toEqual([])
      expect(core.voting.deferredReproposals.next()).toBe(end)
    })

    it('waits, while an election is due, for the head of the list it elects, and opens it at once once another list acts', async () => {
      let head: Uint8Array | undefined
      const { core, t, end } = await voidOurs({
        bobVoted: false,
        bobJoined: 0n,
        before: (c) => {
          // Bob is unheard for the suspect window: no acting epoch steward, and the group waits for an election.
          c.liveness.lastSeen.set(toHex(bob.identity), c.now + 60_000 - 600_000)
          c.stewardship.awaitElection(c.epoch(), c.now + 120_000)
          for (const m of c.mls.members()) c.membership.joinEpochs.set(toHex(m), 0n)
          const headNow = () => c.steward.electableList(c.epoch(), electionPool(c, false), c.steward.nextElectionRound).members[0]
          // A retry round whose list another member heads (round 0 names us with these keys).
          while (toHex(headNow()!) === c.memberHex) c.steward.bumpRetry()
          head = headNow()
        },
      })
      expect(core.actingEpochSteward(t)).toBeUndefined()
      expect(head).toBeDefined()
      expect(toHex(bufferedUpdatesOpener(core, t)!)).toBe(toHex(head!))
      expect(openRemovals(core)).toEqual([])
      expect(core.voting.deferredReproposals.next()).toBe(end)
      expect(await reproposeDeferred(core, t + 10)).toEqual([])
      // The election lands on a list with us at its head: the one we waited for no longer opens buffered updates.
      core.stewardship.stopWaiting()
      core.steward.installList(core.epoch(), [core.memberId], 1)
      expect(await reproposeDeferred(core, t + 20)).toHaveLength(1)
    })

    it.each([
      ['without its vote, when it joined at our epoch (it may never have received ours)', { bobVoted: false, bobJoined: 1n }],
      ['for a ban, whose name gives it its rule (a buffered update is opened without it)', { name: BAN_REMOVAL_NAME }],
    ])('opens it at once %s', async (_, opts) => {
      const { core } = await voidOurs(opts)
      const again = voidedEvents(core)[0]?.reproposedAs
      expect(again).toBeDefined()
      expect(openRemovals(core)).toEqual([again])
      expect(core.voting.deferredReproposals.next()).toBeUndefined()
    })
  })

  it('answers no ProposalRequest for a voided proposal', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    const ours = await initiateProposal(core, removal(dave), 'yes', core.now)
    const ask = () =>
      onControl(core, decodeAppMessage(encodeAppMessage({ demlsControl: { proposalRequest: { proposalId: ours, memberId: bob.identity } } })).demlsControl!, core.now + 5_000)
    expect(ask().resendProposal?.proposalId).toBe(ours)
    voidCrossedProposals(core, core.now)
    await timeOutCrossed(core, core.now + 60_000)
    expect(ask().resendProposal).toBeUndefined()
  })

  it('keeps the reference rule on its uncertified path', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open', referenceGaps: { uncertifiedChanges: true } } })
    fromBob(core, 51, removal(carol))
    core.consensus.handleTimeout(core.id, 51, core.now + 30_000)
    await handleOutcomes(core, core.now + 30_000)
    expect(voidCrossedProposals(core, core.now)).toEqual([])
    expect(core.voting.crossed.size).toBe(0)
    expect(core.queues.approved.has(51)).toBe(true)
  })
})
