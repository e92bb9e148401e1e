import { EthereumSigner, createProposal, ethereumAddress } from '@demls/consensus'
import { StewardListService } from '@demls/steward'
import {
  type ApprovalCertificate,
  type CommitCandidate,
  decodeEpochAttestation,
  encodeApprovalCertificate,
  encodeConversationUpdateRequest,
  encodeEpochAttestation,
  toHex,
} from '@demls/wire'
import { signAttestation } from '../../src/join/signing.js'
import { commitHashOf } from '../../src/rules/candidate-check.js'
import { describe, expect, it } from 'vitest'
import { buildCore } from '../../src/conversation/build-core.js'
import { readSavedConversation, restoreInto, saveConversation } from '../../src/persist/snapshot.js'
import { applyReplay } from '../../src/sync/replay.js'
import { electionForReplay, recordEpoch } from '../../src/sync/steward-sync.js'
import { boundVotes } from '../bound-votes.js'
import { coreFixture, droppedOf } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/** An election certificate for `stewards` at `electionEpoch`, `retryRound`, with the signed, bound YES votes of the fixture members `voters`. */
function electionCertificate(conversationId: string, electionEpoch: bigint, retryRound: number, stewards: Uint8Array[], voters: number[], now: number): ApprovalCertificate {
  const signers = voters.map((i) => new EthereumSigner(keyFor(i)))
  const proposal = createProposal(
    {
      owner: signers[0]!.identity,
      payload: encodeConversationUpdateRequest({ stewardElection: { electionEpoch, retryRound, proposedStewards: stewards } }),
      expectedVotersCount: 3,
      livenessCriteriaYes: true,
      proposalId: 7 + retryRound,
    },
    now,
  )
  const { votes, bindings } = boundVotes(conversationId, proposal, signers.map((signer) => ({ signer, choice: true })), now + 1)
  return { proposal: { ...proposal, votes }, voteBindings: bindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
}

/**
 * `sync/replay.ts applyReplay` on a core over a real 3-member MLS group
 * (member 0 ours): commits minted by the other members, replayed at us as
 * a peer answering our catch-up request would.
 */
describe('sync/replay: a replayed commit of our epoch', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'replay', members: 3 })
    const [bob, carol] = others as [(typeof others)[0], (typeof others)[0]]
    for (const m of core.mls.members()) core.scoring.addMember(m)
    core.steward.installList(core.epoch(), [bob.memberId], 1)
    const mint = async (by: typeof bob, target: Uint8Array): Promise<CommitCandidate> => {
      const built = await by.createCommitCandidate([{ action: 'remove', memberId: target }], { nowMs: core.now })
      await by.discardOwnCommit()
      return { conversationId: core.idBytes, mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: by.memberId, demlsWelcome: new Uint8Array() }
    }
    const drops = () => droppedOf(core)
    return { core, bob, carol, mint, drops }
  }
  const replay = (candidate: CommitCandidate) => ({ candidate, certificates: [], mergedBy: [] })

  it('a steward’s commit of work we approved is merged: next epoch, the member removed, a catch-up commit reported', async () => {
    const { core, bob, carol, mint, drops } = await setup()
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: carol.memberId } })
    const epoch = core.epoch()
    expect(await applyReplay(core, replay(await mint(bob, carol.memberId)), core.now)).toBe(true)
    expect(core.epoch()).toBe(epoch + 1n)
    expect(core.mls.members().map(toHex)).not.toContain(toHex(carol.memberId))
    const applied = core.outbox.events.find((e) => e.type === 'commit-applied')
    expect(applied?.type === 'commit-applied' && applied.source).toBe('catch-up')
    expect(core.queues.approved.size).toBe(0)
    expect(drops()).toEqual([])
  })

  it('no membership change without a vote we can verify: without our approval or a certificate it is refused, and we can still merge later', async () => {
    const { core, bob, carol, mint, drops } = await setup()
    const epoch = core.epoch()
    const c = await mint(bob, carol.memberId)
    expect(await applyReplay(core, replay(c), core.now)).toBe(false)
    expect(core.epoch()).toBe(epoch)
    expect(drops()[0]).toMatch(/^unauthorized: replayed commit refused: /)
    // The staged commit was discarded: once we hold the approval, the same commit merges.
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: carol.memberId } })
    expect(await applyReplay(core, replay(c), core.now)).toBe(true)
  })

  it('a commit by a member off the steward list, a tampered one, or one not of our epoch is refused', async () => {
    const { core, bob, carol, mint, drops } = await setup()
    const epoch = core.epoch()
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: bob.memberId } })
    expect(await applyReplay(core, replay(await mint(carol, bob.memberId)), core.now)).toBe(false)
    const good = await mint(bob, carol.memberId)
    const tampered = good.commitMessage.slice()
    tampered[tampered.length - 10]! ^= 0xff
    expect(await applyReplay(core, replay({ ...good, commitMessage: tampered }), core.now)).toBe(false)
    expect(await applyReplay(core, replay({ ...good, conversationId: new TextEncoder().encode('elsewhere') }), core.now)).toBe(false)
    expect(drops()).toEqual([
      `candidate: replayed commit refused: committer ${toHex(carol.memberId).slice(0, 8)} not on the steward list [${toHex(bob.memberId).slice(0, 8)}]`,
      'candidate: replayed commit refused by MLS: mls-failure',
      'candidate: replayed commit not for our epoch, or already merged',
    ])
    expect(core.outbox.drops.totals().candidate).toBe(3)
    expect(core.epoch()).toBe(epoch)
  })

  it('a commit by a member off our steward list merges when a strict majority of our epoch signed they merged it; one word, or forged ones, change nothing (churn seed 340)', async () => {
    const { core, bob, carol, mint, drops } = await setup()
    const epoch = core.epoch()
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: bob.memberId } })
    const c = await mint(carol, bob.memberId)
    const merged = (signer: EthereumSigner, as?: Uint8Array) => {
      const a = decodeEpochAttestation(
        encodeEpochAttestation(signAttestation(signer, core.id, { epoch: epoch + 1n, commitHash: commitHashOf(c.commitMessage), committer: carol.memberId, signedAtMs: BigInt(core.now) })),
      )
      return as === undefined ? a : { ...a, memberId: as }
    }
    const [bobKey, carolKey] = [new EthereumSigner(keyFor(1)), new EthereumSigner(keyFor(2))]
    expect(toHex(bobKey.identity)).toBe(toHex(bob.memberId))
    // Carol's own word: one of three, no majority.
    expect(await applyReplay(core, { candidate: c, certificates: [], mergedBy: [merged(carolKey)] }, core.now)).toBe(false)
    // Carol signing in bob's name too: the forged word does not count.
    expect(await applyReplay(core, { candidate: c, certificates: [], mergedBy: [merged(carolKey), merged(carolKey, bob.memberId)] }, core.now)).toBe(false)
    expect(core.epoch()).toBe(epoch)
    // Refused for the list both times (a repeated drop of one epoch is counted, not reported again).
    expect(drops()).toEqual([`candidate: replayed commit refused: committer ${toHex(carol.memberId).slice(0, 8)} not on the steward list [${toHex(bob.memberId).slice(0, 8)}]`])
    // Bob's and carol's signed words: two of three, a strict majority merged it.
    expect(await applyReplay(core, { candidate: c, certificates: [], mergedBy: [merged(carolKey), merged(bobKey)] }, core.now)).toBe(true)
    expect(core.epoch()).toBe(epoch + 1n)
  })

  it('a commit by a steward elected in an election we missed merges when its replay carries that election’s certificate; a forged or unverifiable one changes nothing', async () => {
    const { core, bob, carol, mint, drops } = await setup()
    recordEpoch(core)
    const epoch = core.epoch()
    const members = core.mls.members()
    // We hold an older list without bob (round 0); the group elected round 1 at this epoch, which we missed.
    core.steward.installList(epoch, [core.memberId], 1, 0)
    const elected = [...core.steward.electableList(epoch, members, 1).members]
    expect(elected.map(toHex)).toContain(toHex(bob.memberId))
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: carol.memberId } })
    const c = await mint(bob, carol.memberId)
    const withElection = (certificate: ApprovalCertificate) => ({ candidate: c, certificates: [certificate], mergedBy: [] })
    // Bob's vote alone does not elect (2 of 3 needed); a list that does not regenerate over our members, with
    // bob's YES and a non-member's, is not the group's outcome (the group's signed votes would win over our view).
    const alone = electionCertificate(core.id, epoch, 1, elected, [1], core.now)
    const other = electionCertificate(core.id, epoch, 1, [bob.memberId], [1, 5], core.now)
    expect(await applyReplay(core, replay(c), core.now)).toBe(false)
    expect(await applyReplay(core, withElection(alone), core.now)).toBe(false)
    expect(await applyReplay(core, withElection(other), core.now)).toBe(false)
    expect(core.epoch()).toBe(epoch)
    expect(core.steward.currentList()!.members.map(toHex)).toEqual([toHex(core.memberId)])
    // Each refused for what it is: no verifiable election (bob alone), a list the group could not have elected.
    expect(drops()).toEqual([`candidate: replayed commit refused: committer ${toHex(bob.memberId).slice(0, 8)} not on the steward list [${toHex(core.memberId).slice(0, 8)}]`, 'unauthorized: steward list refused: no verifiable election', 'invalid-proposal: steward list refused: does not regenerate from the settled members'])
    expect(core.outbox.drops.totals()).toEqual({ candidate: 3, unauthorized: 1, 'invalid-proposal': 1 })
    // The real election: bob and carol voted YES (2 of 3), bound to this conversation.
    const real = electionCertificate(core.id, epoch, 1, elected, [1, 2], core.now)
    expect(await applyReplay(core, withElection(real), core.now)).toBe(true)
    expect(core.epoch()).toBe(epoch + 1n)
    expect(core.steward.currentList()!.members.map(toHex)).toEqual(elected.map(toHex))
    expect(core.outbox.events.some((e) => e.type === 'steward-list-inferred' && e.retryRound === 1)).toBe(true)
  })

  it('a list that does not regenerate over our members, elected by the signed YES of the group, is installed: the certificate wins over our view (issue 56)', async () => {
    const { core, bob, carol, mint, drops } = await setup()
    recordEpoch(core)
    const epoch = core.epoch()
    core.steward.installList(epoch, [core.memberId], 1, 0)
    // Bob alone: no election over our three members proposes it, but bob and carol (2 of 3) signed YES for it
    // (our view of the epoch's pool missed what theirs held).
    const list = [bob.memberId]
    expect(core.steward.electableList(epoch, core.mls.members(), 1).members.map(toHex)).not.toEqual(list.map(toHex))
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: carol.memberId } })
    const c = await mint(bob, carol.memberId)
    const certificate = electionCertificate(core.id, epoch, 1, list, [1, 2], core.now)
    expect(await applyReplay(core, { candidate: c, certificates: [certificate], mergedBy: [] }, core.now)).toBe(true)
    expect(core.epoch()).toBe(epoch + 1n)
    // Installed for the epoch the commit left (a group this small regenerates its list after the merge).
    const inferred = core.outbox.events.filter((e) => e.type === 'steward-list-inferred')
    expect(inferred.map((e) => (e.type === 'steward-list-inferred' ? [e.epoch, e.stewards.map(toHex)] : []))).toEqual([[epoch, list.map(toHex)]])
    expect(drops()).toEqual([])
  })

  it('a committer on the lists of two retry rounds: the certificate the replay carries decides the list, not the first round it is on', async () => {
    // Find a conversation where bob is on the lists of both rounds, and they differ.
    const ids = [0, 1, 2].map((i) => ethereumAddress(keyFor(i)))
    const config = { snMin: 1, snMax: 2 }
    let id = ''
    for (let k = 0; k < 200 && id === ''; k++) {
      const svc = new StewardListService({ conversationId: `replay-rounds-${k}`, config })
      const has = (l: readonly Uint8Array[]) => l.some((m) => toHex(m) === toHex(ids[1]!))
      const [l0, l1] = [0, 1].map((r) => svc.electableList(1n, ids, r).members)
      if (has(l0!) && has(l1!) && l0!.map(toHex).join() !== l1!.map(toHex).join()) id = `replay-rounds-${k}`
    }
    expect(id).not.toBe('')
    const { core, others } = await coreFixture({ id, members: 3, config: { stewardList: config } })
    const [bob, carol] = others as [(typeof others)[0], (typeof others)[0]]
    for (const m of core.mls.members()) core.scoring.addMember(m)
    recordEpoch(core)
    const epoch = core.epoch()
    expect(epoch).toBe(1n)
    core.steward.installList(0n, [core.memberId], 1) // exhausted at our epoch: an election was due, we missed it
    const round0 = [...core.steward.electableList(epoch, core.mls.members(), 0).members]
    const round1 = [...core.steward.electableList(epoch, core.mls.members(), 1).members]
    core.queues.approved.set(5, { payload: 'removeMember', removeMember: { memberId: carol.memberId } })
    const built = await bob.createCommitCandidate([{ action: 'remove', memberId: carol.memberId }], { nowMs: core.now })
    await bob.discardOwnCommit()
    const c: CommitCandidate = { conversationId: core.idBytes, mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: bob.memberId, demlsWelcome: new Uint8Array() }
    // The group elected round 1 (bob and carol voted YES); the replay carries that election.
    const certificate = electionCertificate(core.id, epoch, 1, round1, [1, 2], core.now)
    expect(await applyReplay(core, { candidate: c, certificates: [certificate], mergedBy: [] }, core.now)).toBe(true)
    expect(core.steward.currentList()!.members.map(toHex)).toEqual(round1.map(toHex))
    expect(core.steward.currentList()!.members.map(toHex)).not.toEqual(round0.map(toHex))
  })

  it('a replay carries the election in force when its commit was made: not a later one, not one older than 4 epochs, not a list without the committer', () => {
    const [a, b, c] = [1, 2, 3].map((i) => new EthereumSigner(keyFor(i)).identity) as [Uint8Array, Uint8Array, Uint8Array]
    const at4 = electionCertificate('x', 4n, 0, [a, b], [0, 1], 0)
    const at8 = electionCertificate('x', 8n, 0, [c, b], [0, 1], 0)
    const core = { certificates: { elections: [at4, at8] } }
    expect(electionForReplay(core, 5n, a)).toBe(at4)
    expect(electionForReplay(core, 7n, b)).toBe(at4)
    // The group elected again at 8: a commit that left 8 or later was made under that election.
    expect(electionForReplay(core, 8n, c)).toBe(at8)
    expect(electionForReplay(core, 9n, a)).toBeUndefined()
    expect(electionForReplay(core, 11n, b)).toBe(at8)
    expect(electionForReplay(core, 12n, b)).toBeUndefined()
    expect(electionForReplay(core, 3n, a)).toBeUndefined()
  })

  it('the recent elections survive a restart: a member restarted after the group elected again still proves the earlier election to a member that missed it', async () => {
    const { core, plugins } = await coreFixture({ id: 'elections', members: 3 })
    const [a, b] = [1, 2].map((i) => new EthereumSigner(keyFor(i)).identity) as [Uint8Array, Uint8Array]
    const at0 = electionCertificate(core.id, 0n, 0, [a], [0, 1], core.now)
    const at2 = electionCertificate(core.id, 2n, 0, [b], [0, 1], core.now)
    core.certificates.keepElection(at0)
    core.certificates.keepElection(at2)
    const read = readSavedConversation(saveConversation(core, core.now, []), core.id, core.memberId)
    const restarted = buildCore(core.id, plugins[0]!, await plugins[0]!.mls.importGroup(read.mlsState), core.config)
    restoreInto(restarted, read.saved, core.now)
    expect(restarted.certificates.elections.map((c) => encodeApprovalCertificate(c))).toEqual([at0, at2].map((c) => encodeApprovalCertificate(c)))
    expect(restarted.certificates.election && encodeApprovalCertificate(restarted.certificates.election)).toEqual(encodeApprovalCertificate(at2))
    expect(electionForReplay(restarted, 1n, a)).toBeDefined()
    // A save from before the history: its current election starts it.
    const { elections: _, ...older } = read.saved.certificates!
    const fromOlder = buildCore(core.id, plugins[0]!, await plugins[0]!.mls.importGroup(read.mlsState), core.config)
    restoreInto(fromOlder, { ...read.saved, certificates: older }, core.now)
    expect(fromOlder.certificates.elections).toHaveLength(1)
    expect(electionForReplay(fromOlder, 3n, b)).toBeDefined()
  })
})
