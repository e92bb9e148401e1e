import { type Proposal, type Vote, decodeProposal, decodeVote, encodeProposal, encodeVote } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import {
  ClockSkewError,
  EthereumSigner,
  InvalidConsensusArgumentError,
  InvalidVoteError,
  SessionLimitError,
  SessionQuotaError,
  buildVote,
  checkProposalClock,
  checkSessionQuota,
  maxOwnerNormalSessions,
  recommendedSessionQuotas,
  voteByteSize,
} from '../src/index.js'
import { ALICE_KEY, BOB_KEY, CHARLIE_KEY, T0, member } from './helpers.js'

const wireP = (p: Proposal): Proposal => decodeProposal(encodeProposal(p))
const wireV = (v: Vote): Vote => decodeVote(encodeVote(v))
const payload = new Uint8Array([0xde, 0x01])
const S = 'chat'
const CAP = 10
/** What `@demls/session` configures for its default cap of 10. */
const QUOTAS = recommendedSessionQuotas(CAP)

describe('adversarial: one member floods the consensus sessions (the issue: a proposal every 3 s)', () => {
  /**
   * Mallory opens a proposal every 3 s; nobody votes on them, so each stays
   * open until the 30 s consensus timeout. Alice (receiver) holds the
   * sessions; Bob then proposes, and Bob opens an emergency proposal
   * against Mallory.
   */
  function flood(init: Parameters<typeof member>[2]) {
    const alice = member(ALICE_KEY, 1, init)
    const mallory = member(CHARLIE_KEY, 2, { maxSessionsPerScope: 1000 })
    const bob = member(BOB_KEY, 3)
    const refused: unknown[] = []
    let t = T0
    for (let i = 0; i < 12; i++, t += 3_000) {
      const p = mallory.createProposal(S, { payload, expectedVotersCount: 3 }, t)
      try {
        alice.receiveProposal(S, wireP(p), t, { sender: mallory.identity, priority: 'normal' })
      } catch (err) {
        refused.push(err)
      }
    }
    const honest = bob.createProposal(S, { payload, expectedVotersCount: 3, vote: true }, t)
    const ecp = bob.createProposal(S, { payload: new Uint8Array([0xec]), expectedVotersCount: 3, vote: true }, t)
    const receive = (p: Proposal, priority: 'normal' | 'priority') => () =>
      alice.receiveProposal(S, wireP(p), t, { sender: bob.identity, priority })
    return { alice, mallory, refused, receiveHonest: receive(honest, 'normal'), receiveEcp: receive(ecp, 'priority') }
  }

  it('without quotas (the crate, demls before the fix) the flooder holds every session: the honest proposal and the ECP are refused', () => {
    const { alice, receiveHonest, receiveEcp } = flood({ maxSessionsPerScope: CAP })
    expect(alice.activeProposals(S)).toHaveLength(CAP)
    expect(receiveHonest).toThrow(SessionLimitError)
    expect(receiveEcp).toThrow(SessionLimitError)
  })

  it('with the recommended quotas the flooder holds 5 sessions; an honest proposal and an emergency proposal against it are accepted', () => {
    const { alice, mallory, refused, receiveHonest, receiveEcp } = flood({ maxSessionsPerScope: CAP, ...QUOTAS })
    expect(QUOTAS).toEqual({ maxSessionsPerOwner: 2, maxPrioritySessionsPerOwner: 2, reservedPrioritySessions: 3 })
    // The pool (10 − 3 reserved) less the 2 kept for the other owners.
    expect(maxOwnerNormalSessions(CAP, QUOTAS)).toBe(5)
    const active = alice.activeProposals(S)
    expect(active).toHaveLength(5)
    expect(active.every((p) => Buffer.from(p.proposalOwner).equals(Buffer.from(mallory.identity)))).toBe(true)
    expect(refused).toHaveLength(7)
    for (const err of refused) expect(err).toMatchObject({ name: 'SessionQuotaError', code: 'SESSION_QUOTA', quota: 'owner', limit: 2 })
    expect(receiveHonest()).toMatchObject({ status: 'accepted', state: 'active' })
    expect(receiveEcp()).toMatchObject({ status: 'accepted', state: 'active' })
  })

  it('the flooder never evicts another member’s active session; with its priority share used, a reserved session is left for an honest emergency', () => {
    const alice = member(ALICE_KEY, 1, { maxSessionsPerScope: CAP, ...QUOTAS })
    const owners = [BOB_KEY, CHARLIE_KEY, ...[1, 2, 3].map((i) => new Uint8Array(32).fill(0x20 + i))].map((k, i) =>
      member(k, 10 + i, { maxSessionsPerScope: 100 }),
    )
    const mallory = owners[1]!
    // Four honest owners (Bob and three more), 2 proposals each, fill the pool of 7.
    let opened = 0
    for (const o of [owners[0]!, owners[2]!, owners[3]!, owners[4]!]) {
      for (let k = 0; k < 2; k++) {
        const p = o.createProposal(S, { payload, expectedVotersCount: 3 }, T0)
        try {
          alice.receiveProposal(S, wireP(p), T0, { sender: o.identity })
          opened++
        } catch (err) {
          expect(err).toMatchObject({ code: 'SESSION_QUOTA', quota: 'reserve' })
        }
      }
    }
    expect(opened).toBe(CAP - QUOTAS.reservedPrioritySessions)
    expect(alice.activeProposals(S)).toHaveLength(7)
    const before = alice.activeProposals(S).map((p) => p.proposalId)
    // Mallory: a normal proposal finds only the reserve; its priority proposals take two reserved sessions, not three.
    const normal = mallory.createProposal(S, { payload, expectedVotersCount: 3 }, T0)
    expect(() => alice.receiveProposal(S, wireP(normal), T0)).toThrow(SessionQuotaError)
    const [e1, e2, e3] = [1, 2, 3].map(() => mallory.createProposal(S, { payload, expectedVotersCount: 3 }, T0))
    expect(alice.receiveProposal(S, wireP(e1!), T0, { priority: 'priority' })).toMatchObject({ status: 'accepted' })
    expect(alice.receiveProposal(S, wireP(e2!), T0, { priority: 'priority' })).toMatchObject({ status: 'accepted' })
    expect(() => alice.receiveProposal(S, wireP(e3!), T0, { priority: 'priority' })).toThrow(
      expect.objectContaining({ code: 'SESSION_QUOTA', quota: 'owner', limit: 2 }),
    )
    // The last reserved session is still there for an honest emergency.
    const ecp = owners[0]!.createProposal(S, { payload, expectedVotersCount: 3 }, T0)
    expect(alice.receiveProposal(S, wireP(ecp), T0, { priority: 'priority' })).toMatchObject({ status: 'accepted' })
    const after = alice.activeProposals(S).map((p) => p.proposalId)
    for (const id of before) expect(after).toContain(id)
  })

  it('an owner’s own proposals are held to the same quotas (it does not send what receivers refuse)', () => {
    const alice = member(ALICE_KEY, 1, { maxSessionsPerScope: CAP, ...QUOTAS })
    for (let k = 0; k < 5; k++) alice.createProposal(S, { payload, expectedVotersCount: 3 }, T0)
    expect(() => alice.createProposal(S, { payload, expectedVotersCount: 3 }, T0)).toThrow(SessionQuotaError)
    // Elections or emergencies still fit, two of them.
    alice.createProposal(S, { payload, expectedVotersCount: 3, priority: 'priority' }, T0)
    alice.createProposal(S, { payload, expectedVotersCount: 3, priority: 'priority' }, T0)
    expect(() => alice.createProposal(S, { payload, expectedVotersCount: 3, priority: 'priority' }, T0)).toThrow(SessionQuotaError)
    // Once one resolves, the owner may propose again.
    const [first] = alice.activeProposals(S)
    alice.handleTimeout(S, first!.proposalId, T0 + 30_000)
    expect(() => alice.createProposal(S, { payload, expectedVotersCount: 3 }, T0 + 30_000)).not.toThrow()
  })

  it('checkSessionQuota and recommendedSessionQuotas are pure and validate their input', () => {
    const a = new Uint8Array([1])
    const b = new Uint8Array([2])
    const q = { maxSessionsPerOwner: 1, maxPrioritySessionsPerOwner: 1, reservedPrioritySessions: 1 }
    expect(checkSessionQuota(S, [], a, 'normal', 3, q)).toBeUndefined()
    // Over its share, an owner may take a pool session only while one stays free for the others.
    expect(checkSessionQuota(S, [{ owner: a, priority: 'normal' }], a, 'normal', 3, q)).toMatchObject({ quota: 'owner' })
    expect(checkSessionQuota(S, [{ owner: a, priority: 'normal' }], a, 'normal', 4, q)).toBeUndefined()
    // Priority sessions fill the reserve first, then overflow into the pool.
    expect(checkSessionQuota(S, [{ owner: b, priority: 'priority' }], a, 'normal', 3, q)).toBeUndefined()
    expect(
      checkSessionQuota(S, [{ owner: b, priority: 'priority' }, { owner: new Uint8Array([3]), priority: 'priority' }], a, 'normal', 3, q),
    ).toBeUndefined()
    expect(checkSessionQuota(S, [{ owner: a, priority: 'normal' }], a, 'priority', 3, q)).toBeUndefined()
    const two = [
      { owner: a, priority: 'normal' as const },
      { owner: b, priority: 'normal' as const },
    ]
    expect(checkSessionQuota(S, two, new Uint8Array([3]), 'normal', 3, q)).toMatchObject({ quota: 'reserve' })
    expect(checkSessionQuota(S, two, new Uint8Array([3]), 'priority', 3, q)).toBeUndefined()
    expect(recommendedSessionQuotas(1)).toEqual({ maxSessionsPerOwner: 1, maxPrioritySessionsPerOwner: 2, reservedPrioritySessions: 0 })
    expect(recommendedSessionQuotas(2).reservedPrioritySessions).toBe(1)
    expect(recommendedSessionQuotas(40).maxSessionsPerOwner).toBe(10)
    expect(() => recommendedSessionQuotas(0)).toThrow(InvalidConsensusArgumentError)
    expect(() => member(ALICE_KEY, 1, { maxSessionsPerScope: 2, reservedPrioritySessions: 2 })).toThrow(InvalidConsensusArgumentError)
    expect(() => member(ALICE_KEY, 1, { maxSessionsPerOwner: 0 })).toThrow(InvalidConsensusArgumentError)
    expect(() => member(ALICE_KEY, 1, { pendingVoteMaxBytes: 0 })).toThrow(InvalidConsensusArgumentError)
  })
})

describe('adversarial: proposal timestamps are checked against local time', () => {
  const tolerance = { futureSeconds: 30, pastSeconds: 600 + 30 }

  it('a proposal dated far in the future is dropped as clock skew (without the check it is accepted)', () => {
    const mallory = member(CHARLIE_KEY, 2)
    // Dated 1 h ahead: honest votes (dated now) would predate it and be invalid until then.
    const p = mallory.createProposal(S, { payload, expectedVotersCount: 3 }, T0 + 3_600_000)
    expect(member(ALICE_KEY).receiveProposal(S, wireP(p), T0)).toMatchObject({ status: 'accepted' })
    expect(() => member(ALICE_KEY).receiveProposal(S, wireP(p), T0, { clockSkew: tolerance })).toThrow(
      expect.objectContaining({ name: 'ClockSkewError', code: 'CLOCK_SKEW', direction: 'future', skewSeconds: 3600 }),
    )
  })

  it('a proposal dated far in the past with a far expiration is dropped as clock skew (without the check it is accepted)', () => {
    const mallory = member(CHARLIE_KEY, 2)
    // Dated 2 h ago but "expiring" in a day: not expired, so the crate takes it.
    const p = mallory.createProposal(S, { payload, expectedVotersCount: 3, expirationSeconds: 86_400 }, T0 - 7_200_000)
    expect(member(ALICE_KEY).receiveProposal(S, wireP(p), T0)).toMatchObject({ status: 'accepted' })
    expect(() => member(ALICE_KEY).receiveProposal(S, wireP(p), T0, { clockSkew: tolerance })).toThrow(ClockSkewError)
  })

  it('skew within the tolerance is fine, either way', () => {
    const mallory = member(CHARLIE_KEY, 2)
    const ahead = mallory.createProposal(S, { payload, expectedVotersCount: 3 }, T0 + 29_000)
    const behind = mallory.createProposal(S, { payload, expectedVotersCount: 3 }, T0 - 500_000)
    const alice = member(ALICE_KEY)
    expect(alice.receiveProposal(S, wireP(ahead), T0, { clockSkew: tolerance })).toMatchObject({ status: 'accepted' })
    expect(alice.receiveProposal(S, wireP(behind), T0, { clockSkew: tolerance })).toMatchObject({ status: 'accepted' })
    expect(checkProposalClock(1, 100n, 100n, { futureSeconds: 0, pastSeconds: 0 })).toBeUndefined()
    expect(checkProposalClock(1, 101n, 100n, { futureSeconds: 0, pastSeconds: 0 })).toMatchObject({ direction: 'future', skewSeconds: 1 })
    expect(checkProposalClock(1, 99n, 100n, { futureSeconds: 0, pastSeconds: 0 })).toMatchObject({ direction: 'past', skewSeconds: 1 })
  })
})

describe('adversarial: votes buffered before their proposal stay within a byte budget', () => {
  /** A validly signed vote of `signer` for proposal `proposalId` whose hash-link fields are `size` bytes each. */
  function bloatedVote(key: Uint8Array, proposalId: number, size: number, seed: number): Vote {
    const signer = new EthereumSigner(key)
    const filler: Vote = {
      voteId: seed,
      voteOwner: signer.identity,
      proposalId,
      timestamp: BigInt(T0 / 1000),
      vote: true,
      parentHash: new Uint8Array(0),
      receivedHash: new Uint8Array(0),
      voteHash: new Uint8Array(size).fill(seed & 0xff),
      signature: new Uint8Array(0),
    }
    const proposal: Proposal = {
      name: '',
      payload,
      proposalId,
      proposalOwner: signer.identity,
      votes: [filler],
      expectedVotersCount: 3,
      round: 2,
      timestamp: BigInt(T0 / 1000),
      expirationTimestamp: BigInt(T0 / 1000 + 600),
      livenessCriteriaYes: true,
    }
    return buildVote({ proposal, choice: true, signer, now: T0 })
  }

  it('a flooder’s 64 KB-signed votes for unknown proposals: buffered bytes stay within the budget and an honest buffered vote survives', () => {
    const budget = 64 * 1024
    const flood = Array.from({ length: 40 }, (_, i) => bloatedVote(CHARLIE_KEY, 1000 + i, 8 * 1024, i + 1))
    expect(voteByteSize(flood[0]!)).toBeGreaterThan(16 * 1024)
    const honest = bloatedVote(BOB_KEY, 7, 0, 99)

    // Without a byte budget (count only, as before the fix): 40 × 16 KB held.
    const before = member(ALICE_KEY, 1, { pendingVoteMaxBytes: Number.MAX_SAFE_INTEGER })
    before.receiveVote(S, wireV(honest), T0)
    for (const v of flood) before.receiveVote(S, wireV(v), T0)
    expect(before.pendingVoteBytes(S)).toBeGreaterThan(budget * 10)

    const alice = member(ALICE_KEY, 1)
    expect(alice.receiveVote(S, wireV(honest), T0)).toEqual({ status: 'buffered' })
    for (const v of flood) {
      alice.receiveVote(S, wireV(v), T0)
      expect(alice.pendingVoteBytes(S)).toBeLessThanOrEqual(budget)
    }
    // The flooder evicted its own votes, not Bob's: his applies when his proposal arrives.
    const bob = member(BOB_KEY, 5)
    const p = bob.createProposal(S, { payload, expectedVotersCount: 3, proposalId: 7 }, T0)
    alice.receiveProposal(S, wireP(p), T0)
    expect(alice.getProposal(S, 7)!.votes.map((v) => v.voteId)).toContain(honest.voteId)
  })

  it('with maxVoteBytes, a bloated vote on an open session is refused instead of held (sessions grow by at most n × maxVoteBytes)', () => {
    const bob = member(BOB_KEY, 5)
    const p = bob.createProposal(S, { payload, expectedVotersCount: 3, proposalId: 9 }, T0)
    const bloated = bloatedVote(CHARLIE_KEY, 9, 64 * 1024, 3)
    // Without the limit (the crate): held in the session.
    const before = member(ALICE_KEY, 1)
    before.receiveProposal(S, wireP(p), T0)
    expect(before.receiveVote(S, wireV(bloated), T0)).toMatchObject({ status: 'accepted' })
    const alice = member(ALICE_KEY, 1, { maxVoteBytes: 1024 })
    alice.receiveProposal(S, wireP(p), T0)
    expect(() => alice.receiveVote(S, wireV(bloated), T0)).toThrow(expect.objectContaining({ reason: 'oversized' }))
    expect(alice.getProposal(S, 9)!.votes).toHaveLength(0)
    // An honest vote fits easily.
    const honest = member(CHARLIE_KEY, 6)
    honest.receiveProposal(S, wireP(p), T0)
    const v = honest.castVote(S, 9, true, T0)
    expect(voteByteSize(v)).toBeLessThan(300)
    expect(alice.receiveVote(S, wireV(v), T0)).toMatchObject({ status: 'accepted' })
    expect(() => member(ALICE_KEY, 1, { maxVoteBytes: 0 })).toThrow(InvalidConsensusArgumentError)
  })

  it('a single vote over the whole budget is refused as oversized', () => {
    const alice = member(ALICE_KEY, 1, { pendingVoteMaxBytes: 4 * 1024 })
    expect(() => alice.receiveVote(S, wireV(bloatedVote(CHARLIE_KEY, 5, 4 * 1024, 1)), T0)).toThrow(
      expect.objectContaining({ reason: 'oversized' }),
    )
    expect(alice.pendingVoteBytes(S)).toBe(0)
    expect(InvalidVoteError).toBeDefined()
  })
})
