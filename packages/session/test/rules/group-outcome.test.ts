import { EthereumSigner, consensusResult, createProposal } from '@demls/consensus'
import { StewardListService } from '@demls/steward'
import { type Proposal, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { verifyGroupOutcome } from '../../src/rules/certificate.js'
import { type StewardListContext, stewardListRefusal } from '../../src/rules/steward-list.js'
import { boundVotes } from '../bound-votes.js'
import { keyFor } from '../scenarios/harness.js'

// Issue 56, one outcome per proposal: the proof that wins over a member's own view of an election (its
// candidate pool) is a certificate of signed votes that passes the group's rule over the election epoch's
// members with at least one honest YES in it (more YES signers than the group can hold Byzantine members).

const CONVERSATION = 'outcome'
const NOW = 1_800_000_000_000
const signers = Array.from({ length: 10 }, (_, i) => new EthereumSigner(keyFor(i)))
const ids = signers.map((s) => s.identity)
const members = (n: number) => new Set(ids.slice(0, n).map(toHex))
const ctx = (n: number) => ({ conversationId: CONVERSATION, members: members(n), rule: consensusResult, verifier: signers[0]! })

function election(stewards: Uint8Array[], n: number, owner = 0): Proposal {
  const payload = encodeConversationUpdateRequest({ payload: 'stewardElection', stewardElection: { proposedStewards: stewards, electionEpoch: 4n, retryRound: 0 } })
  return createProposal({ owner: ids[owner]!, payload, expectedVotersCount: n, livenessCriteriaYes: true, proposalId: 7 }, NOW)
}

/** A certificate of `p` with the ballots of `voters` (YES unless in `no`), signed by `signedBy[i]` when given (a forgery). */
function cert(p: Proposal, voters: number[], no: number[] = [], signedBy: Record<number, number> = {}) {
  const votes = []
  const voteBindings = []
  for (const i of voters) {
    const { votes: [v], bindings: [b] } = boundVotes(CONVERSATION, { ...p, votes: [] }, [{ signer: signers[signedBy[i] ?? i]!, choice: !no.includes(i) }], NOW + 1000)
    // A forged vote names the honest owner but carries the forger's signature.
    votes.push({ ...v!, voteOwner: ids[i]! })
    voteBindings.push(b!)
  }
  return { proposal: { ...p, votes }, voteBindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
}

describe('rules/verifyGroupOutcome: the proof of an outcome that overrides a member’s view', () => {
  const list = [ids[1]!, ids[2]!]

  it('the signed YES of the members, by the group’s rule before any timeout, prove the election', () => {
    const r = verifyGroupOutcome(cert(election(list, 6), [0, 1, 2, 3]), ctx(6))
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.request.stewardElection?.proposedStewards.map(toHex)).toEqual(list.map(toHex))
    // Three YES and a NO of six: the rule approves (the silent two weigh YES for an election) with one honest YES at least.
    expect(verifyGroupOutcome(cert(election(list, 6), [0, 1, 2, 5], [5]), ctx(6)).ok).toBe(true)
  })

  it('a minority cannot: its own YES alone, or with NO votes of honest members to pass the gate', () => {
    // f = 1 of six: the attacker's YES is not the group's.
    expect(verifyGroupOutcome(cert(election([ids[5]!], 6, 5), [5]), ctx(6))).toEqual({ ok: false, reason: 'not-approved' })
    expect(verifyGroupOutcome(cert(election([ids[5]!], 6, 5), [5, 0, 1, 2], [0, 1, 2]), ctx(6))).toEqual({ ok: false, reason: 'not-approved' })
    // f = 2 of seven, both YES, with two honest NO to pass the gate (5 cast): 2 + 2 silent = 4 < q = 5.
    expect(verifyGroupOutcome(cert(election([ids[5]!], 7, 5), [5, 6, 0, 1], [0, 1]), ctx(7))).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('forged votes (the honest owners’ names, the attacker’s signatures) do not count', () => {
    const forged = cert(election([ids[5]!], 6, 5), [5, 0, 1, 2], [], { 0: 5, 1: 5, 2: 5 })
    expect(verifyGroupOutcome(forged, ctx(6))).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('votes of non-members do not count, however many', () => {
    const outsiders = cert(election([ids[5]!], 6, 5), [5, 6, 7, 8, 9])
    expect(verifyGroupOutcome(outsiders, ctx(6))).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('with a rule plugin that approves on one YES, one signer is still not the group (f + 1 YES needed)', () => {
    const lenient = () => 'yes' as const
    const r = verifyGroupOutcome(cert(election([ids[5]!], 6, 5), [5]), { ...ctx(6), rule: lenient })
    expect(r).toEqual({ ok: false, reason: 'not-approved' })
    expect(verifyGroupOutcome(cert(election([ids[5]!], 6, 5), [5, 4]), { ...ctx(6), rule: lenient }).ok).toBe(true)
  })
})

describe('rules/stewardListRefusal with a certified election', () => {
  const svc = new StewardListService({ conversationId: CONVERSATION, config: { snMin: 1, snMax: 2 } })
  const seen = { members: ids.slice(0, 6), joinEpochs: new Map<string, bigint>() }
  const base: StewardListContext = {
    epoch: 5n,
    ours: { epoch: 2n, round: 0 },
    maxRetries: 3,
    membershipAt: (e) => (e <= 5n ? seen : undefined),
    electable: (e, pool, round) => svc.electableList(e, pool, round).members,
  }
  // A list elected over a pool without members 0 and 1 (their removal approved where we did not see it).
  const elected = [...svc.electableList(4n, ids.slice(2, 6), 0).members]
  const notice = { electionEpoch: 4n, retryRound: 0, members: elected }

  it('refused over our own pool; installed when the certificate proves the group elected it', () => {
    const regenerates = svc.electableList(4n, ids.slice(0, 6), 0).members.map(toHex).join() === elected.map(toHex).join()
    expect(stewardListRefusal(notice, base)).toBe(regenerates ? undefined : 'does not regenerate from the settled members')
    expect(stewardListRefusal(notice, { ...base, certifiedByQuorum: true })).toBeUndefined()
  })

  it('the certificate does not lift the other checks: newer than ours, an epoch we reached and remember, the round cap', () => {
    const c = { ...base, certifiedByQuorum: true }
    expect(stewardListRefusal(notice, { ...c, ours: { epoch: 4n, round: 0 } })).toBe('not newer than ours')
    expect(stewardListRefusal({ ...notice, electionEpoch: 6n }, c)).toBe('from a later epoch')
    expect(stewardListRefusal(notice, { ...c, membershipAt: () => undefined })).toBe('epoch not in our history')
    expect(stewardListRefusal({ ...notice, retryRound: 4 }, c)).toBe('retry round beyond the cap')
  })
})
