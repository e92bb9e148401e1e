import { type Vote, toHex } from '@demls/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type ConsensusSession,
  type ConsensusStorage,
  type ConsensusTally,
  ConsensusService,
  EthereumSigner,
  InMemoryConsensusStorage,
  buildVote,
  consensusResult,
  defaultConsensusPlugin,
} from '../src/index.js'
import { VoteIndex, VoteIndexes } from '../src/session/vote-index.js'
import { ALICE_KEY, BOB_KEY, CHARLIE_KEY, T0, extraKey, seededRandom } from './helpers.js'

const recount = (votes: readonly Vote[]) => ({ yes: votes.filter((v) => v.vote).length, no: votes.filter((v) => !v.vote).length })
const firstOf = (votes: readonly Vote[], owner: Uint8Array) => votes.find((v) => toHex(v.voteOwner) === toHex(owner))

function fakeVote(owner: number, choice: boolean, id: number): Vote {
  return { voteId: id, voteOwner: new Uint8Array([owner, 0xaa]), proposalId: 1, timestamp: 0n, vote: choice, parentHash: new Uint8Array(0), receivedHash: new Uint8Array(0), voteHash: new Uint8Array([id]), signature: new Uint8Array(0) }
}

describe('VoteIndex: running tallies equal a recount', () => {
  it('random vote sequences (repeated owners included): yes/no and first-vote lookup match a scan after every vote', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.boolean()), { maxLength: 80 }), (steps) => {
        const votes: Vote[] = []
        const index = new VoteIndex()
        steps.forEach(([owner, choice], i) => {
          const v = fakeVote(owner, choice, i)
          votes.push(v)
          index.add(v)
          expect({ yes: index.yes, no: index.no }).toEqual(recount(votes))
          expect(index.size).toBe(votes.length)
          for (let o = 0; o <= 12; o++) expect(index.voteOf(new Uint8Array([o, 0xaa]))).toBe(firstOf(votes, new Uint8Array([o, 0xaa])))
        })
        const rebuilt = VoteIndex.from(votes)
        expect({ yes: rebuilt.yes, no: rebuilt.no }).toEqual(recount(votes))
      }),
    )
  })

  it('VoteIndexes rebuilds an index that is out of step with its array (e.g. a session copied by storage)', () => {
    const indexes = new VoteIndexes()
    const session = {}
    const votes = [fakeVote(1, true, 1)]
    const a = indexes.of(session, votes)
    expect(indexes.of(session, votes)).toBe(a)
    votes.push(fakeVote(2, false, 2)) // appended behind the index's back
    const b = indexes.of(session, votes)
    expect(b).not.toBe(a)
    expect({ yes: b.yes, no: b.no }).toEqual({ yes: 1, no: 1 })
  })
})

/** A storage that hands out copies, so the service can never rely on its own objects. */
class CopyingStorage implements ConsensusStorage {
  readonly #inner = new InMemoryConsensusStorage()
  saveSession(session: ConsensusSession): void {
    this.#inner.saveSession(structuredClone(session))
  }
  getSession(scope: string, proposalId: number): ConsensusSession | undefined {
    const s = this.#inner.getSession(scope, proposalId)
    return s === undefined ? undefined : structuredClone(s)
  }
  removeSession(scope: string, proposalId: number): boolean {
    return this.#inner.removeSession(scope, proposalId)
  }
  listScopeSessions(scope: string): ConsensusSession[] {
    return this.#inner.listScopeSessions(scope).map((s) => structuredClone(s))
  }
  listScopes(): string[] {
    return this.#inner.listScopes()
  }
  deleteScope(scope: string): void {
    this.#inner.deleteScope(scope)
  }
}

const VOTER_KEYS = [BOB_KEY, CHARLIE_KEY, extraKey(1), extraKey(2), extraKey(3), extraKey(4)]
const voters = VOTER_KEYS.map((k) => new EthereumSigner(k))

describe('ConsensusService: incremental tallies equal a recount (fast-check)', () => {
  for (const storageKind of ['live', 'copying'] as const) {
    it(`random vote sequences (duplicates, conflicting re-votes, any n) with ${storageKind} storage: the rule sees the recount and the outcome is the rule on the recount`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10 }),
          fc.boolean(),
          fc.array(fc.tuple(fc.integer({ min: 0, max: voters.length - 1 }), fc.boolean(), fc.boolean()), { maxLength: 14 }),
          (n, liveness, steps) => {
            const seen: ConsensusTally[] = []
            const rule = (t: ConsensusTally) => {
              seen.push({ ...t })
              return consensusResult(t)
            }
            const storage = storageKind === 'live' ? new InMemoryConsensusStorage() : new CopyingStorage()
            const owner = new ConsensusService({
              plugin: { ...defaultConsensusPlugin(new EthereumSigner(ALICE_KEY), { storage }), rule },
              random: seededRandom(n),
            })
            const proposal = owner.createProposal('s', { payload: new Uint8Array([1]), expectedVotersCount: n, livenessCriteriaYes: liveness }, T0)
            const sent = new Map<number, Vote>()
            let now = T0 + 1000
            for (const [who, choice, resend] of steps) {
              now += 1000
              const vote =
                resend && sent.has(who)
                  ? sent.get(who)!
                  : buildVote({ proposal, choice, signer: voters[who]!, now, random: seededRandom(now) })
              if (!sent.has(who)) sent.set(who, vote)
              const before = seen.length
              const result = owner.receiveVote('s', vote, now)
              const session = owner.getSession('s', proposal.proposalId)!
              const counted = recount(session.proposal.votes)
              if (result.status === 'accepted') {
                expect(seen.length).toBe(before + 1)
                const t = seen.at(-1)!
                expect({ yes: t.yes, no: t.no }).toEqual(counted)
                const outcome = consensusResult({ expectedVoters: n, ...counted, livenessCriteriaYes: liveness, timedOut: false })
                expect(session.state).toBe(outcome === 'yes' || outcome === 'no' ? 'reached' : 'active')
                if (session.state === 'reached') expect(session.result).toBe(outcome === 'yes')
              } else {
                expect(seen.length).toBe(before)
                expect(['duplicate', 'conflicting', 'late']).toContain(result.status)
                if (result.status === 'conflicting') expect(result.existing).toEqual(sent.get(who))
              }
              // One vote per owner in the session, the first one sent.
              const owners = session.proposal.votes.map((v) => toHex(v.voteOwner))
              expect(new Set(owners).size).toBe(owners.length)
            }
            if (owner.getSession('s', proposal.proposalId)!.state === 'active') {
              owner.handleTimeout('s', proposal.proposalId, now)
              const t = seen.at(-1)!
              expect({ yes: t.yes, no: t.no }).toEqual(recount(owner.getSession('s', proposal.proposalId)!.proposal.votes))
              expect(t.timedOut).toBe(true)
            }
          },
        ),
        { numRuns: 60 },
      )
    })
  }
})
