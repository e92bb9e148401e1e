import { type Proposal, type Vote, decodeProposal, decodeVote, encodeProposal, encodeVote } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import {
  AlreadyVotedError,
  type ConsensusPlugin,
  type ConsensusRule,
  ConsensusService,
  EthereumSigner,
  InMemoryConsensusStorage,
  InvalidHashChainError,
  InvalidProposalError,
  InvalidSignatureError,
  InvalidVoteError,
  ProposalExpiredError,
  SessionLimitError,
  SessionNotActiveError,
  SessionNotFoundError,
  UnauthorizedError,
  buildVote,
  computeVoteHash,
  defaultConsensusPlugin,
  toVote,
} from '../src/index.js'
import { ALICE_KEY, BOB_KEY, CHARLIE_KEY, T0, extraKey, member } from './helpers.js'

const wireP = (p: Proposal): Proposal => decodeProposal(encodeProposal(p))
const wireV = (v: Vote): Vote => decodeVote(encodeVote(v))
const payload = new Uint8Array([0xde, 0x01])
const S = 'chat'

function trio() {
  return { alice: member(ALICE_KEY, 1), bob: member(BOB_KEY, 2), charlie: member(CHARLIE_KEY, 3) }
}

describe('ConsensusService — basic flow', () => {
  it('3 members: proposal with bundled YES, one more YES decides everywhere, one event each', () => {
    const { alice, bob, charlie } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3, vote: true }, T0)
    expect(p.round).toBe(2)
    expect(p.votes).toHaveLength(1)
    expect(p.proposalOwner).toEqual(alice.identity)
    expect(p.expirationTimestamp - p.timestamp).toBe(600n)
    expect(p.livenessCriteriaYes).toBe(true)
    expect(alice.drainEvents()).toEqual([])

    expect(bob.receiveProposal(S, wireP(p), T0 + 10)).toEqual({ status: 'accepted', state: 'active' })
    expect(charlie.receiveProposal(S, wireP(p), T0 + 10)).toEqual({ status: 'accepted', state: 'active' })
    const vb = bob.castVote(S, p.proposalId, true, T0 + 1000)
    expect(vb.receivedHash).toEqual(p.votes[0]!.voteHash)
    expect(bob.getResult(S, p.proposalId)).toBe(true)

    expect(alice.receiveVote(S, wireV(vb), T0 + 1100)).toEqual({ status: 'accepted', state: 'reached', result: true })
    expect(charlie.receiveVote(S, wireV(vb), T0 + 1100)).toMatchObject({ status: 'accepted', state: 'reached' })
    for (const m of [alice, bob, charlie]) {
      expect(m.drainEvents()).toEqual([
        { type: 'ConsensusReached', scope: S, proposalId: p.proposalId, result: true, timestamp: expect.any(Number) },
      ])
      expect(m.drainEvents()).toEqual([])
      expect(m.reachedProposals(S)).toEqual(new Map([[p.proposalId, true]]))
      expect(m.activeProposals(S)).toEqual([])
    }
  })

  it('castVoteAndGetProposal returns every vote held locally', () => {
    const { alice, bob } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 5, vote: true }, T0)
    bob.receiveProposal(S, wireP(p), T0)
    const p2 = bob.castVoteAndGetProposal(S, p.proposalId, false, T0 + 1)
    expect(p2.votes.map((v) => v.vote)).toEqual([true, false])
    expect(bob.getProposal(S, p.proposalId)?.votes).toHaveLength(2)
  })

  it('a deferred proposal (no bundled vote) is round 1', () => {
    const { alice } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3, name: 'x', livenessCriteriaYes: false, expirationSeconds: 30 }, T0)
    expect(p).toMatchObject({ round: 1, votes: [], name: 'x', livenessCriteriaYes: false })
    expect(p.expirationTimestamp).toBe(BigInt(T0 / 1000 + 30))
  })
})

describe('ConsensusService — scope isolation', () => {
  it('sessions, votes and deletion are per scope', () => {
    const { alice, bob } = trio()
    const p = alice.createProposal('a', { payload, expectedVotersCount: 3 }, T0)
    const q = alice.createProposal('b', { payload, expectedVotersCount: 3 }, T0)
    expect(alice.getSession('a', q.proposalId)).toBeUndefined()
    expect(alice.activeProposals('a').map((x) => x.proposalId)).toEqual([p.proposalId])
    bob.receiveProposal('a', wireP(p), T0)
    const v = bob.castVote('a', p.proposalId, true, T0)
    // Same vote delivered to the wrong scope is not applied there.
    expect(alice.receiveVote('b', wireV(v), T0)).toEqual({ status: 'buffered' })
    expect(alice.getProposal('b', q.proposalId)?.votes).toHaveLength(0)
    alice.deleteScope('a')
    expect(alice.getSession('a', p.proposalId)).toBeUndefined()
    expect(alice.getSession('b', q.proposalId)).toBeDefined()
  })

  it('two services of one member can share a storage', () => {
    const storage = new InMemoryConsensusStorage()
    const plugin = defaultConsensusPlugin(new EthereumSigner(ALICE_KEY), { storage })
    const s1 = new ConsensusService({ plugin })
    const s2 = new ConsensusService({ plugin })
    const p = s1.createProposal('x', { payload, expectedVotersCount: 2 }, T0)
    expect(s2.getSession('x', p.proposalId)).toBeDefined()
    expect(storage.listScopes()).toEqual(['x'])
  })
})

describe('ConsensusService — thresholds, ties and timeouts', () => {
  function group(n: number) {
    return Array.from({ length: n }, (_, i) => member(extraKey(i), 100 + i))
  }

  it('n = 5, L = false: undecided at 3 YES, YES at the 4th (ceil(10/3) = 4)', () => {
    const g = group(5)
    const owner = g[0]!
    const p = owner.createProposal(S, { payload, expectedVotersCount: 5, vote: true, livenessCriteriaYes: false }, T0)
    for (const m of g.slice(1)) m.receiveProposal(S, wireP(p), T0)
    const votes = g.slice(1, 4).map((m) => m.castVote(S, p.proposalId, true, T0 + 1))
    expect(owner.receiveVote(S, wireV(votes[0]!), T0 + 2)).toMatchObject({ state: 'active' })
    expect(owner.receiveVote(S, wireV(votes[1]!), T0 + 2)).toMatchObject({ state: 'active' })
    expect(owner.drainEvents()).toEqual([])
    expect(owner.receiveVote(S, wireV(votes[2]!), T0 + 2)).toMatchObject({ state: 'reached', result: true })
    expect(owner.drainEvents()).toHaveLength(1)
  })

  it('full tie resolves to the liveness value (true and false)', () => {
    for (const liveness of [true, false]) {
      const g = group(4)
      const owner = g[0]!
      const p = owner.createProposal(S, { payload, expectedVotersCount: 4, vote: true, livenessCriteriaYes: liveness }, T0)
      for (const m of g.slice(1)) m.receiveProposal(S, wireP(p), T0)
      // YES, NO, NO then YES stays undecided until the 4th vote for L = true; for L = false
      // use YES, NO, YES, NO.
      const choices = liveness ? [false, false, true] : [false, true, false]
      const votes = g.slice(1).map((m, i) => m.castVote(S, p.proposalId, choices[i]!, T0 + 1))
      expect(owner.receiveVote(S, wireV(votes[0]!), T0 + 2)).toMatchObject({ state: 'active' })
      expect(owner.receiveVote(S, wireV(votes[1]!), T0 + 2)).toMatchObject({ state: 'active' })
      expect(owner.receiveVote(S, wireV(votes[2]!), T0 + 2)).toMatchObject({ state: 'reached', result: liveness })
    }
  })

  it('timeout with liveness true counts silent voters as YES', () => {
    const g = group(4)
    const p = g[0]!.createProposal(S, { payload, expectedVotersCount: 4, vote: true }, T0)
    g[1]!.receiveProposal(S, wireP(p), T0)
    g[0]!.receiveVote(S, wireV(g[1]!.castVote(S, p.proposalId, true, T0)), T0)
    expect(g[0]!.getSession(S, p.proposalId)?.state).toBe('active')
    expect(g[0]!.handleTimeout(S, p.proposalId, T0 + 30_000)).toEqual({ status: 'reached', result: true })
    expect(g[0]!.drainEvents()).toEqual([{ type: 'ConsensusReached', scope: S, proposalId: p.proposalId, result: true, timestamp: T0 / 1000 + 30 }])
  })

  it('recordProvenOutcome decides an active session once, leaves a resolved one alone, ignores an unknown one', () => {
    const g = group(4)
    const p = g[0]!.createProposal(S, { payload, expectedVotersCount: 4, vote: true }, T0)
    g[1]!.receiveProposal(S, wireP(p), T0)
    g[2]!.receiveProposal(S, wireP(p), T0)
    expect(g[1]!.recordProvenOutcome(S, p.proposalId, false, T0 + 2_000)).toBe('reached')
    expect(g[1]!.getResult(S, p.proposalId)).toBe(false)
    expect(g[1]!.drainEvents()).toEqual([{ type: 'ConsensusReached', scope: S, proposalId: p.proposalId, result: false, timestamp: T0 / 1000 + 2 }])
    // A second proof, or the timer, changes nothing and emits nothing.
    expect(g[1]!.recordProvenOutcome(S, p.proposalId, true, T0 + 3_000)).toBe('reached')
    expect(g[1]!.handleTimeout(S, p.proposalId, T0 + 30_000)).toEqual({ status: 'reached', result: false })
    expect(g[1]!.drainEvents()).toEqual([])
    // Votes that come later are late.
    expect(g[1]!.receiveVote(S, wireV(g[2]!.castVote(S, p.proposalId, true, T0 + 1_000)), T0 + 4_000).status).toBe('late')
    expect(g[2]!.recordProvenOutcome(S, 999_999, true, T0)).toBeUndefined()
  })

  it('abandonProposal closes an active session without an event, once; votes after it are late', () => {
    const g = group(3)
    const p = g[0]!.createProposal(S, { payload, expectedVotersCount: 3, vote: true }, T0)
    g[1]!.receiveProposal(S, wireP(p), T0)
    g[2]!.receiveProposal(S, wireP(p), T0)
    g[0]!.drainEvents()
    expect(g[1]!.activeProposals(S)).toHaveLength(1)
    expect(g[1]!.abandonProposal(S, p.proposalId, T0 + 1_000)).toBe(true)
    expect(g[1]!.getSession(S, p.proposalId)?.state).toBe('failed')
    expect(g[1]!.activeProposals(S)).toEqual([])
    expect(g[1]!.drainEvents()).toEqual([])
    // Nothing decides it afterwards: not a vote, not the timer, not a second abandon.
    expect(g[1]!.receiveVote(S, wireV(g[2]!.castVote(S, p.proposalId, true, T0)), T0 + 2_000).status).toBe('late')
    expect(g[1]!.handleTimeout(S, p.proposalId, T0 + 30_000)).toEqual({ status: 'failed' })
    expect(g[1]!.abandonProposal(S, p.proposalId, T0 + 3_000)).toBe(false)
    expect(g[1]!.drainEvents()).toEqual([])
    // A decided or unknown session is left alone.
    expect(g[0]!.abandonProposal(S, 999_999, T0)).toBe(false)
  })

  it('timeout with liveness false and a 2–2 weight fails, idempotently, with one ConsensusFailed', () => {
    const g = group(4)
    const p = g[0]!.createProposal(S, { payload, expectedVotersCount: 4, vote: true, livenessCriteriaYes: false }, T0)
    g[1]!.receiveProposal(S, wireP(p), T0)
    g[0]!.receiveVote(S, wireV(g[1]!.castVote(S, p.proposalId, true, T0)), T0)
    expect(g[0]!.handleTimeout(S, p.proposalId, T0 + 30_000)).toEqual({ status: 'failed' })
    expect(g[0]!.handleTimeout(S, p.proposalId, T0 + 31_000)).toEqual({ status: 'failed' })
    expect(g[0]!.drainEvents()).toEqual([{ type: 'ConsensusFailed', scope: S, proposalId: p.proposalId, timestamp: T0 / 1000 + 30 }])
    expect(g[0]!.getResult(S, p.proposalId)).toBeUndefined()
    expect(() => g[0]!.castVote(S, p.proposalId, true, T0)).toThrow(SessionNotActiveError)
  })

  it('timeout on an already reached session returns it without re-emitting', () => {
    const { alice } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 1, vote: false }, T0)
    expect(alice.drainEvents()).toHaveLength(1)
    expect(alice.handleTimeout(S, p.proposalId, T0 + 1)).toEqual({ status: 'reached', result: false })
    expect(alice.drainEvents()).toEqual([])
    expect(() => alice.handleTimeout(S, 12345, T0)).toThrow(SessionNotFoundError)
  })

  it('n ≤ 2 needs unanimity: a single NO rejects, a missing vote fails at timeout', () => {
    const { alice, bob } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 2, vote: true }, T0)
    bob.receiveProposal(S, wireP(p), T0)
    expect(bob.getSession(S, p.proposalId)?.state).toBe('active')
    const v = bob.castVote(S, p.proposalId, false, T0)
    expect(alice.receiveVote(S, wireV(v), T0)).toEqual({ status: 'accepted', state: 'reached', result: false })

    const q = alice.createProposal(S, { payload, expectedVotersCount: 2, vote: true }, T0)
    expect(alice.handleTimeout(S, q.proposalId, T0 + 30_000)).toEqual({ status: 'failed' })

    const self = alice.createProposal(S, { payload, expectedVotersCount: 1, vote: true }, T0)
    expect(alice.getResult(S, self.proposalId)).toBe(true)
  })
})

describe('ConsensusService — duplicates, unknown, expired, invalid', () => {
  it('duplicate proposal and vote deliveries are typed no-ops', () => {
    const { alice, bob } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 4, vote: true }, T0)
    expect(alice.receiveProposal(S, wireP(p), T0)).toEqual({ status: 'duplicate' }) // own echo
    bob.receiveProposal(S, wireP(p), T0)
    expect(bob.receiveProposal(S, wireP(p), T0)).toEqual({ status: 'duplicate' })
    const v = bob.castVote(S, p.proposalId, true, T0)
    expect(alice.receiveVote(S, wireV(v), T0)).toMatchObject({ status: 'accepted' })
    expect(alice.receiveVote(S, wireV(v), T0)).toEqual({ status: 'duplicate' })
    expect(alice.receiveVote(S, wireV(p.votes[0]!), T0)).toEqual({ status: 'duplicate' })
    expect(() => bob.castVote(S, p.proposalId, false, T0)).toThrow(AlreadyVotedError)
  })

  it('a second, different vote of the same owner is "conflicting" (first vote wins)', () => {
    const { alice, bob } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 4, vote: true }, T0)
    bob.receiveProposal(S, wireP(p), T0)
    const yes = bob.castVote(S, p.proposalId, true, T0)
    const no = buildVote({ proposal: p, choice: false, signer: new EthereumSigner(BOB_KEY), now: T0 })
    alice.receiveVote(S, wireV(yes), T0)
    const r = alice.receiveVote(S, wireV(no), T0)
    expect(r.status).toBe('conflicting')
    expect(r.status === 'conflicting' && r.existing.vote).toBe(true)
    expect(alice.getProposal(S, p.proposalId)?.votes.filter((v) => !v.vote)).toHaveLength(0)
    // A forged "conflicting" vote is still rejected as invalid.
    const forged = toVote({ ...no, signature: yes.signature })
    expect(() => alice.receiveVote(S, forged, T0)).toThrow(InvalidSignatureError)
  })

  it('unknown sessions: castVote throws, a vote is buffered, a proposal of an evicted resolved session is late', () => {
    const { alice, bob } = trio()
    expect(() => alice.castVote(S, 42, true, T0)).toThrow(SessionNotFoundError)
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3, vote: true }, T0)
    bob.receiveProposal(S, wireP(p), T0)
    const v = bob.castVote(S, p.proposalId, true, T0)
    const charlie = member(CHARLIE_KEY, 9)
    expect(charlie.receiveVote(S, wireV(v), T0)).toEqual({ status: 'buffered' })
    expect(charlie.receiveVote(S, wireV(v), T0)).toEqual({ status: 'buffered' })
    expect(charlie.receiveProposal(S, wireP(p), T0)).toEqual({ status: 'accepted', state: 'reached', result: true })
    expect(charlie.drainEvents()).toHaveLength(1)
    // Buffered votes are still verified up front.
    const bad = toVote({ ...v, proposalId: 777 })
    expect(() => charlie.receiveVote(S, bad, T0)).toThrow(InvalidVoteError)
  })

  it('expired proposals and votes are rejected (now < expiration)', () => {
    const { alice, bob } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3, vote: true, expirationSeconds: 60 }, T0)
    expect(() => bob.receiveProposal(S, wireP(p), T0 + 60_000)).toThrow(ProposalExpiredError)
    expect(bob.receiveProposal(S, wireP(p), T0 + 59_999)).toMatchObject({ status: 'accepted' })
    const v = bob.castVote(S, p.proposalId, false, T0 + 30_000)
    expect(() => alice.receiveVote(S, wireV(v), T0 + 60_000)).toThrow(ProposalExpiredError)
    expect(() => alice.castVote(S, p.proposalId, true, T0 + 61_000)).toThrow(ProposalExpiredError)
    expect(alice.receiveVote(S, wireV(v), T0 + 59_000)).toMatchObject({ status: 'accepted' })
  })

  it('replay window: vote timestamps before creation or after expiration are invalid', () => {
    const { alice } = trio()
    const bobSigner = new EthereumSigner(BOB_KEY)
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3, expirationSeconds: 60 }, T0)
    const old = buildVote({ proposal: p, choice: true, signer: bobSigner, now: T0 - 1000 })
    expect(() => alice.receiveVote(S, wireV(old), T0 + 1000)).toThrow(expect.objectContaining({ reason: 'timestamp-before-proposal' }))
    const future = buildVote({ proposal: p, choice: true, signer: bobSigner, now: T0 + 61_000 })
    expect(() => alice.receiveVote(S, wireV(future), T0 + 1000)).toThrow(expect.objectContaining({ reason: 'timestamp-after-expiration' }))
    // Embedded in a proposal too.
    const embedded = { ...p, votes: [old] }
    const bob = member(BOB_KEY, 5)
    expect(() => bob.receiveProposal(S, wireP(embedded), T0)).toThrow(InvalidVoteError)
  })

  it('invalid hash and signature are rejected on single votes and embedded votes', () => {
    const { alice, bob, charlie } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3, vote: true }, T0)
    bob.receiveProposal(S, wireP(p), T0)
    const v = bob.castVote(S, p.proposalId, true, T0)
    const badHash = toVote({ ...v, voteHash: new Uint8Array(32).fill(1) })
    expect(() => alice.receiveVote(S, badHash, T0)).toThrow(expect.objectContaining({ name: 'InvalidVoteError', reason: 'hash-mismatch' }))
    const badSig = toVote({ ...v, signature: v.signature.map((b, i) => (i === 10 ? b ^ 1 : b)) })
    expect(() => alice.receiveVote(S, badSig, T0)).toThrow(InvalidSignatureError)
    expect(alice.getProposal(S, p.proposalId)?.votes).toHaveLength(1)
    const tampered = { ...p, votes: [toVote({ ...p.votes[0]!, vote: false })] }
    expect(() => charlie.receiveProposal(S, wireP(tampered), T0)).toThrow(InvalidVoteError)
    const rehashed = toVote({ ...p.votes[0]!, vote: false })
    rehashed.voteHash = computeVoteHash(rehashed)
    expect(() => charlie.receiveProposal(S, wireP({ ...p, votes: [rehashed] }), T0)).toThrow(InvalidSignatureError)
    expect(charlie.getSession(S, p.proposalId)).toBeUndefined()
  })

  it('embedded votes: hash chain, proposal id, one per owner, at most expected voters', () => {
    const g = [ALICE_KEY, BOB_KEY, CHARLIE_KEY, extraKey(0)].map((k, i) => member(k, 20 + i))
    const [a, b, c, d] = g as [ConsensusService, ConsensusService, ConsensusService, ConsensusService]
    const p = a.createProposal(S, { payload, expectedVotersCount: 5, vote: true }, T0)
    b.receiveProposal(S, wireP(p), T0)
    const p2 = b.castVoteAndGetProposal(S, p.proposalId, true, T0 + 1000)
    c.receiveProposal(S, wireP(p2), T0 + 1000)
    const p3 = c.castVoteAndGetProposal(S, p.proposalId, false, T0 + 2000)
    expect(p3.votes.map((v) => v.receivedHash)).toEqual([new Uint8Array(0), p3.votes[0]!.voteHash, p3.votes[1]!.voteHash])

    const fresh = () => member(extraKey(1), 99)
    expect(fresh().receiveProposal(S, wireP(p3), T0 + 3000)).toMatchObject({ status: 'accepted' })
    const [v0, v1, v2] = p3.votes as [Vote, Vote, Vote]
    expect(() => fresh().receiveProposal(S, wireP({ ...p3, votes: [v1, v0, v2] }), T0 + 3000)).toThrow(InvalidHashChainError)
    expect(() => fresh().receiveProposal(S, wireP({ ...p3, votes: [v0, v1, v1] }), T0 + 3000)).toThrow(
      expect.objectContaining({ reason: 'duplicate-owner' }),
    )
    expect(() => fresh().receiveProposal(S, wireP({ ...p3, expectedVotersCount: 2 }), T0 + 3000)).toThrow(InvalidProposalError)
    const other = d.createProposal(S, { payload, expectedVotersCount: 5, vote: true }, T0)
    expect(() => fresh().receiveProposal(S, wireP({ ...p3, votes: [v0, other.votes[0]!] }), T0 + 3000)).toThrow(
      expect.objectContaining({ reason: 'proposal-id-mismatch' }),
    )
  })

  it('zero expected voters is refused on create and on receipt', () => {
    const { alice, bob } = trio()
    expect(() => alice.createProposal(S, { payload, expectedVotersCount: 0 }, T0)).toThrow(InvalidProposalError)
    expect(() => alice.createProposal(S, { payload, expectedVotersCount: 3, expirationSeconds: 0 }, T0)).toThrow(InvalidProposalError)
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3 }, T0)
    expect(() => bob.receiveProposal(S, wireP({ ...p, expectedVotersCount: 0 }), T0)).toThrow(InvalidProposalError)
  })
})

describe('zero expected voters (docs/deviations.md: the crate decides YES at timeout, demls rejects)', () => {
  it('no proposal with zero expected voters is ever opened or held, so nothing can time out to YES', () => {
    const { alice, bob } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 1, vote: true }, T0)
    const zero = wireP({ ...p, expectedVotersCount: 0, votes: [] })
    // Refused on receipt, with or without the hardening options.
    expect(() => bob.receiveProposal(S, zero, T0)).toThrow(InvalidProposalError)
    expect(() => bob.receiveProposal(S, zero, T0, { expectedMemberCount: 0 })).toThrow(InvalidProposalError)
    expect(bob.getSession(S, zero.proposalId)).toBeUndefined()
    expect(() => bob.handleTimeout(S, zero.proposalId, T0 + 60_000)).toThrow(SessionNotFoundError)
    expect(bob.drainEvents()).toEqual([])
    // And the rule itself never decides n = 0: failed (treated as NO) at the timeout, where the crate says YES.
    expect(defaultConsensusPlugin(new EthereumSigner(ALICE_KEY)).rule({ expectedVoters: 0, yes: 0, no: 0, livenessCriteriaYes: true, timedOut: true })).toBe('failed')
  })
})

describe('ConsensusService — resolved sessions never re-emit', () => {
  it('a vote for a reached session is late, with no event', () => {
    const { alice, bob, charlie } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3, vote: true }, T0)
    bob.receiveProposal(S, wireP(p), T0)
    charlie.receiveProposal(S, wireP(p), T0)
    alice.receiveVote(S, wireV(bob.castVote(S, p.proposalId, true, T0)), T0)
    expect(alice.drainEvents()).toHaveLength(1)
    const late = charlie.castVote(S, p.proposalId, false, T0)
    expect(alice.receiveVote(S, wireV(late), T0)).toEqual({ status: 'late' })
    expect(alice.receiveVote(S, wireV(late), T0)).toEqual({ status: 'late' })
    expect(alice.drainEvents()).toEqual([])
    expect(alice.getProposal(S, p.proposalId)?.votes).toHaveLength(2)
  })
})

describe('ConsensusService — hardening hooks', () => {
  it('expected voters must equal the member count when asked', () => {
    const { alice, bob } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 2, vote: true }, T0)
    expect(() => bob.receiveProposal(S, wireP(p), T0, { expectedMemberCount: 5 })).toThrow(
      expect.objectContaining({ name: 'UnauthorizedError', check: 'expected-voters' }),
    )
    expect(bob.receiveProposal(S, wireP(p), T0, { expectedMemberCount: 2 })).toMatchObject({ status: 'accepted' })
  })

  it('vote owners must be members and equal the authenticated sender when asked', () => {
    const { alice, bob, charlie } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3, vote: true }, T0)
    bob.receiveProposal(S, wireP(p), T0)
    const v = bob.castVote(S, p.proposalId, true, T0)
    const members = [alice.identity, charlie.identity]
    expect(() => alice.receiveVote(S, wireV(v), T0, { members })).toThrow(expect.objectContaining({ check: 'not-a-member' }))
    expect(() => alice.receiveVote(S, wireV(v), T0, { members: (id) => id.length === 0 })).toThrow(UnauthorizedError)
    expect(() => alice.receiveVote(S, wireV(v), T0, { sender: charlie.identity })).toThrow(
      expect.objectContaining({ check: 'sender-mismatch' }),
    )
    // Proposals: owner and embedded votes must match the sender; members apply to embedded votes.
    expect(() => charlie.receiveProposal(S, wireP(p), T0, { sender: bob.identity })).toThrow(
      expect.objectContaining({ check: 'sender-mismatch' }),
    )
    expect(() => charlie.receiveProposal(S, wireP(p), T0, { members: [bob.identity] })).toThrow(
      expect.objectContaining({ check: 'not-a-member' }),
    )
    // Unknown proposal: hardening applies before buffering.
    const dave = member(extraKey(3), 4)
    expect(() => dave.receiveVote(S, wireV(v), T0, { sender: alice.identity })).toThrow(UnauthorizedError)
    // All checks passing, and defaults off (crate behaviour).
    const ok = { members: [alice.identity, bob.identity, charlie.identity], sender: bob.identity, expectedMemberCount: 3 }
    expect(alice.receiveVote(S, wireV(v), T0, ok)).toMatchObject({ status: 'accepted', state: 'reached' })
    expect(charlie.receiveProposal(S, wireP(p), T0, { ...ok, sender: alice.identity })).toMatchObject({ status: 'accepted' })
    expect(charlie.receiveVote(S, wireV(v), T0)).toMatchObject({ status: 'accepted' })
  })
})

describe('ConsensusService — session cap', () => {
  it('evicts only resolved sessions, oldest first; refuses when every session is active', () => {
    const alice = member(ALICE_KEY, 1, { maxSessionsPerScope: 3 })
    const bob = member(BOB_KEY, 2)
    const resolved = alice.createProposal(S, { payload, expectedVotersCount: 1, vote: true }, T0)
    const a1 = alice.createProposal(S, { payload, expectedVotersCount: 3 }, T0 + 1000)
    const a2 = alice.createProposal(S, { payload, expectedVotersCount: 3 }, T0 + 2000)
    alice.createProposal('other', { payload, expectedVotersCount: 3 }, T0)
    // Full: the resolved one goes.
    const a3 = alice.createProposal(S, { payload, expectedVotersCount: 3 }, T0 + 3000)
    expect(alice.getSession(S, resolved.proposalId)).toBeUndefined()
    for (const x of [a1, a2, a3]) expect(alice.getSession(S, x.proposalId)?.state).toBe('active')
    // Full of active sessions: refused, nothing evicted.
    expect(() => alice.createProposal(S, { payload, expectedVotersCount: 3 }, T0 + 4000)).toThrow(SessionLimitError)
    const foreign = bob.createProposal(S, { payload, expectedVotersCount: 3, vote: true }, T0)
    expect(() => alice.receiveProposal(S, wireP(foreign), T0 + 4000)).toThrow(SessionLimitError)
    expect(alice.activeProposals(S)).toHaveLength(3)
    // Late deliveries for the evicted session are classified, not re-opened.
    expect(alice.receiveProposal(S, wireP(resolved), T0 + 5000)).toEqual({ status: 'late' })
    expect(alice.receiveVote(S, wireV(resolved.votes[0]!), T0 + 5000)).toEqual({ status: 'late' })
    // Resolving one makes room again.
    alice.handleTimeout(S, a1.proposalId, T0 + 30_000)
    expect(alice.receiveProposal(S, wireP(foreign), T0 + 31_000)).toMatchObject({ status: 'accepted' })
    expect(alice.getSession(S, a1.proposalId)).toBeUndefined()
    expect(alice.getSession('other', alice.activeProposals('other')[0]!.proposalId)).toBeDefined()
  })
})

describe('ConsensusService — concurrency within one scope', () => {
  it('many interleaved proposals resolve independently with one event each', () => {
    const opts = { maxSessionsPerScope: 50 }
    const m = [member(ALICE_KEY, 1, opts), member(BOB_KEY, 2, opts), member(CHARLIE_KEY, 3, opts)]
    const proposals: Proposal[] = []
    for (let i = 0; i < 24; i++) {
      const owner = m[i % 3]!
      proposals.push(owner.createProposal(S, { payload: new Uint8Array([i]), expectedVotersCount: 3, vote: true, livenessCriteriaYes: i % 2 === 0 }, T0 + i))
    }
    for (const p of proposals) for (const x of m) if (!x.getSession(S, p.proposalId)) x.receiveProposal(S, wireP(p), T0 + 100)
    // Every non-owner votes NO on odd proposals and YES on even ones; deliver in an interleaved order.
    const votes: { from: number; v: Vote }[] = []
    proposals.forEach((p, i) => {
      for (let k = 0; k < 3; k++) {
        if (k === i % 3) continue
        if (m[k]!.getSession(S, p.proposalId)?.state !== 'active') continue
        votes.push({ from: k, v: m[k]!.castVote(S, p.proposalId, i % 2 === 0, T0 + 200) })
      }
    })
    for (const { from, v } of votes.reverse()) {
      for (let k = 0; k < 3; k++) if (k !== from) m[k]!.receiveVote(S, wireV(v), T0 + 300)
    }
    for (const x of m) {
      const reached = x.reachedProposals(S)
      expect(reached.size).toBe(24)
      for (const [i, p] of proposals.entries()) expect(reached.get(p.proposalId)).toBe(i % 2 === 0)
      const events = x.drainEvents()
      expect(events).toHaveLength(24)
      expect(new Set(events.map((e) => e.proposalId)).size).toBe(24)
    }
  })
})

describe('ConsensusService — plug-in rule', () => {
  it('uses the plug-in rule (a simple-majority rule decides where the default would not)', () => {
    const simpleMajority: ConsensusRule = ({ expectedVoters, yes, no, timedOut }) => {
      if (yes * 2 > expectedVoters) return 'yes'
      if (no * 2 >= expectedVoters) return 'no'
      return timedOut ? 'failed' : 'undecided'
    }
    const make = (key: Uint8Array): ConsensusService => {
      const plugin: ConsensusPlugin = { ...defaultConsensusPlugin(new EthereumSigner(key)), id: 'simple-majority', version: '1', rule: simpleMajority }
      return new ConsensusService({ plugin })
    }
    const alice = make(ALICE_KEY)
    const bob = make(BOB_KEY)
    expect(alice.plugin.id).toBe('simple-majority')
    const p = alice.createProposal(S, { payload, expectedVotersCount: 3, vote: true, livenessCriteriaYes: false }, T0)
    bob.receiveProposal(S, wireP(p), T0)
    // Default rule: n=3, L=false, 1 YES + 1 NO → NO. Simple majority: 1 of 3 → undecided.
    expect(alice.receiveVote(S, wireV(bob.castVote(S, p.proposalId, false, T0)), T0)).toMatchObject({ state: 'active' })
    expect(alice.handleTimeout(S, p.proposalId, T0 + 1)).toEqual({ status: 'failed' })
  })
})

describe('ConsensusService — malleated duplicates', () => {
  it('the high-s twin of an accepted vote is a duplicate, not a conflict', () => {
    const { alice, bob } = trio()
    const p = alice.createProposal(S, { payload, expectedVotersCount: 4, vote: true }, T0)
    bob.receiveProposal(S, wireP(p), T0)
    const v = bob.castVote(S, p.proposalId, true, T0)
    alice.receiveVote(S, wireV(v), T0)
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const s = BigInt(`0x${Buffer.from(v.signature.subarray(32, 64)).toString('hex')}`)
    const twin = v.signature.slice()
    twin.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), 32)
    twin[64] = v.signature[64] === 27 ? 28 : 27
    expect(alice.receiveVote(S, toVote({ ...v, signature: twin }), T0)).toEqual({ status: 'duplicate' })
  })
})
