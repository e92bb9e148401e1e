import { EthereumSigner, consensusResult, createProposal } from '@demls/consensus'
import { type Proposal, type Vote, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { MAX_CERTIFICATE_VOTES, certificateVoteLimit, proposalDigest, tallyVotes, verifyCertificate, verifyVoteBinding } from '../../src/rules/certificate.js'
import { boundVotes } from '../bound-votes.js'
import { keyFor } from '../scenarios/harness.js'

const CONVERSATION = 'certs'
const NOW = 1_800_000_000_000
const signers = Array.from({ length: 7 }, (_, i) => new EthereumSigner(keyFor(i)))
const members = (n: number) => new Set(signers.slice(0, n).map((s) => toHex(s.identity)))
const ctx = (n: number) => ({ conversationId: CONVERSATION, members: members(n), rule: consensusResult, verifier: signers[0]! })
const target = signers[6]!.identity

function removal(ownerIndex = 0, liveness = true): Proposal {
  return createProposal(
    {
      owner: signers[ownerIndex]!.identity,
      payload: encodeConversationUpdateRequest({ removeMember: { memberId: target } }),
      expectedVotersCount: 5,
      livenessCriteriaYes: liveness,
      proposalId: 42,
    },
    NOW,
  )
}

/** Votes by `voters` (YES unless listed in `no`), each with its binding to `p`. */
function vote(p: Proposal, voters: number[], no: number[] = []): { votes: Vote[]; bindings: Uint8Array[] } {
  return boundVotes(CONVERSATION, p, voters.map((i) => ({ signer: signers[i]!, choice: !no.includes(i) })), NOW + 1000)
}

function cert(p: Proposal, voters: number[], no: number[] = []) {
  const { votes, bindings } = vote(p, voters, no)
  return { proposal: { ...p, votes }, voteBindings: bindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
}

describe('rules/certificate: an approval a member verifies itself', () => {
  it('four YES of five members prove a removal; the target comes from the payload', () => {
    const r = verifyCertificate(cert(removal(), [0, 1, 2, 3]), ctx(5))
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.target.action).toBe('remove')
      expect(toHex(r.target.member)).toBe(toHex(target))
      expect(r.voters).toBe(4)
    }
  })

  it('silence never makes a certificate: the rule is applied before any timeout', () => {
    // One YES with liveness YES would pass at the timeout (silent voters count as YES); not here.
    expect(verifyCertificate(cert(removal(), [0]), ctx(5))).toEqual({ ok: false, reason: 'not-approved' })
    expect(verifyCertificate(cert(removal(), [0, 1, 2]), ctx(5))).toEqual({ ok: false, reason: 'not-approved' }) // 3 < q = 4
    expect(verifyCertificate(cert(removal(), [0, 1, 2, 3], [3]), ctx(5)).ok).toBe(true) // 4 cast, 3 YES + 1 silent YES weight
    expect(verifyCertificate(cert(removal(0, false), [0, 1, 2, 3], [3]), ctx(5))).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('votes moved to a forged proposal with the same id do not count (the binding covers the content)', () => {
    const real = cert(removal(), [0, 1, 2, 3])
    const forged = createProposal(
      { owner: signers[0]!.identity, payload: encodeConversationUpdateRequest({ removeMember: { memberId: signers[1]!.identity } }), expectedVotersCount: 5, proposalId: 42 },
      NOW,
    )
    expect(proposalDigest(forged)).not.toEqual(proposalDigest(real.proposal))
    const moved = { proposal: { ...forged, votes: real.proposal.votes }, voteBindings: real.voteBindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    expect(verifyCertificate(moved, ctx(5))).toEqual({ ok: false, reason: 'not-approved' })
    expect(verifyVoteBinding(signers[0]!, CONVERSATION, forged, real.proposal.votes[0]!, real.voteBindings[0])).toBe(false)
  })

  it('bindings are per conversation: a certificate from another conversation proves nothing here', () => {
    const c = cert(removal(), [0, 1, 2, 3])
    expect(verifyCertificate(c, { ...ctx(5), conversationId: 'other' })).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('votes of non-members, forged signatures, missing bindings and repeated owners do not count', () => {
    const c = cert(removal(), [0, 1, 2, 3])
    // Only members 0..3 are counted when the group is 0..2 plus two others: n = 5 drawn from other keys.
    const others = new Set([...members(3), toHex(signers[4]!.identity), toHex(signers[5]!.identity)])
    expect(verifyCertificate(c, { ...ctx(5), members: others })).toEqual({ ok: false, reason: 'not-approved' })
    const badSig = { ...c, proposal: { ...c.proposal, votes: c.proposal.votes.map((v, i) => (i === 3 ? { ...v, signature: c.proposal.votes[2]!.signature } : v)) } }
    expect(verifyCertificate(badSig, ctx(5))).toEqual({ ok: false, reason: 'not-approved' })
    const noBinding = { ...c, voteBindings: c.voteBindings.slice(0, 3) }
    expect(verifyCertificate(noBinding, ctx(5))).toEqual({ ok: false, reason: 'not-approved' })
    const repeated = { proposal: { ...c.proposal, votes: [...c.proposal.votes.slice(0, 3), c.proposal.votes[0]!] }, voteBindings: [...c.voteBindings.slice(0, 3), c.voteBindings[0]!], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    expect(verifyCertificate(repeated, ctx(5))).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('an owner that voted both ways counts for neither side', () => {
    const p = removal()
    const yes = vote(p, [0, 1, 2, 3])
    const flip = vote(p, [3], [3]) // member 3 also signed a NO
    const c = { proposal: { ...p, votes: [...yes.votes, ...flip.votes] }, voteBindings: [...yes.bindings, ...flip.bindings], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    expect(verifyCertificate(c, ctx(5))).toEqual({ ok: false, reason: 'not-approved' }) // 3 YES < q
  })

  it('tallyVotes: members only, first of each, both ways for neither side, only the votes that hold', () => {
    const p = removal()
    const yes = vote(p, [0, 1, 2, 3], [2])
    const flip = vote(p, [3], [3])
    const outsider = vote(p, [5])
    const q = { ...p, votes: [...yes.votes, ...flip.votes, ...outsider.votes, yes.votes[0]!] }
    const all = tallyVotes(q, members(5), () => true)
    expect([...all.yes].sort()).toEqual([0, 1].map((i) => toHex(signers[i]!.identity)).sort())
    expect(all.no).toBe(1) // member 2; member 3 voted both ways, member 5 is no member, member 0 counted once
    // A predicate that refuses member 1's vote (a bad signature, in a certificate) leaves it out.
    const held = tallyVotes(q, members(5), (v) => toHex(v.voteOwner) !== toHex(signers[1]!.identity))
    expect(held.yes.size).toBe(1)
    expect(held.no).toBe(1)
  })

  it('a vote outside the proposal window does not count', () => {
    const p = removal()
    const late = { ...p, expirationTimestamp: p.timestamp } // every vote (one second later) is past expiration
    expect(verifyCertificate(cert(late, [0, 1, 2, 3]), ctx(5))).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('a member may always leave: the target’s own YES on its self-removal for one voter', () => {
    const self = createProposal(
      { owner: signers[2]!.identity, payload: encodeConversationUpdateRequest({ removeMember: { memberId: signers[2]!.identity } }), expectedVotersCount: 1, proposalId: 7 },
      NOW,
    )
    expect(verifyCertificate(cert(self, [2]), ctx(5)).ok).toBe(true)
    // Not someone else's removal with one voter, and not without the target's own vote.
    const other = createProposal(
      { owner: signers[2]!.identity, payload: encodeConversationUpdateRequest({ removeMember: { memberId: signers[3]!.identity } }), expectedVotersCount: 1, proposalId: 8 },
      NOW,
    )
    expect(verifyCertificate(cert(other, [2]), ctx(5)).ok).toBe(false)
  })

  it('refuses what is not membership work, or has no proposal', () => {
    const election = createProposal(
      { owner: signers[0]!.identity, payload: encodeConversationUpdateRequest({ stewardElection: { proposedStewards: [target] } }), expectedVotersCount: 5 },
      NOW,
    )
    expect(verifyCertificate(cert(election, [0, 1, 2, 3]), ctx(5))).toEqual({ ok: false, reason: 'not-membership-work' })
    expect(verifyCertificate({ proposal: undefined, voteBindings: [], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }, ctx(5))).toEqual({ ok: false, reason: 'no-proposal' })
    const garbage = { ...removal(), payload: new Uint8Array([0xff, 0xff, 0xff]) }
    expect(verifyCertificate(cert(garbage, [0, 1, 2, 3]), ctx(5))).toEqual({ ok: false, reason: 'undecodable-payload' })
  })

  it('the vote cap grows with the group: two votes per member, never below 4,096', () => {
    expect(certificateVoteLimit(5)).toBe(MAX_CERTIFICATE_VOTES)
    expect(certificateVoteLimit(10_000)).toBe(20_000)
    // 4,097 copies of one YES: refused unread in a group of five, read (and counted once: not enough) in one of 5,000.
    const one = cert(removal(), [0])
    const padded = { proposal: { ...one.proposal, votes: Array(4097).fill(one.proposal.votes[0]!) }, voteBindings: Array(4097).fill(one.voteBindings[0]!), demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    const big = new Set([...members(5), ...Array.from({ length: 4995 }, (_, i) => i.toString(16).padStart(40, '0'))])
    expect(verifyCertificate(padded, ctx(5))).toEqual({ ok: false, reason: 'too-many-votes' })
    expect(verifyCertificate(padded, { ...ctx(5), members: big })).toEqual({ ok: false, reason: 'not-approved' })
  })
})
