import { decodeAppMessage, encodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConsensusService } from '../src/index.js'
import { ALICE_KEY, BOB_KEY, CHARLIE_KEY, T0, extraKey, member, shuffle } from './helpers.js'

const S = 'grp'

/** Deliver one encoded AppMessage (proposal or vote) to a service. */
function deliver(to: ConsensusService, bytes: Uint8Array, now: number): string {
  const msg = decodeAppMessage(bytes)
  if (msg.proposal !== undefined) return to.receiveProposal(S, msg.proposal, now).status
  if (msg.vote !== undefined) return to.receiveVote(S, msg.vote, now).status
  throw new Error('unexpected message')
}

function scenario(seed: number, liveness: boolean, choices: { alice: boolean; bob: boolean; charlie: boolean }) {
  const alice = member(ALICE_KEY, seed * 3 + 1)
  const bob = member(BOB_KEY, seed * 3 + 2)
  const charlie = member(CHARLIE_KEY, seed * 3 + 3)
  const observer = member(extraKey(7), seed * 3 + 4) // not a voter: receives everything, shuffled
  const p = alice.createProposal(S, { payload: new Uint8Array([seed]), expectedVotersCount: 3, vote: choices.alice, livenessCriteriaYes: liveness }, T0)
  const pBytes = encodeAppMessage({ proposal: p })
  // Voters need the proposal before they can vote.
  deliver(bob, pBytes, T0 + 10)
  deliver(charlie, pBytes, T0 + 20)
  const bBytes = encodeAppMessage({ vote: bob.castVote(S, p.proposalId, choices.bob, T0 + 1000) })
  const cBytes = encodeAppMessage({ vote: charlie.castVote(S, p.proposalId, choices.charlie, T0 + 1000) })
  // Every message twice (gossip duplicates), in a seed-dependent order.
  const inbox = new Map<ConsensusService, Uint8Array[]>([
    [alice, [bBytes, cBytes, bBytes, cBytes, pBytes]],
    [bob, [cBytes, cBytes, bBytes, pBytes]],
    [charlie, [bBytes, bBytes, pBytes, cBytes]],
    [observer, [pBytes, bBytes, cBytes, pBytes, bBytes, cBytes]],
  ])
  const statuses: string[] = []
  let k = 0
  for (const [peer, msgs] of inbox) for (const m of shuffle(msgs, seed * 10 + k++)) statuses.push(deliver(peer, m, T0 + 2000))
  const peers = [alice, bob, charlie, observer]
  const results = peers.map((x) => x.getResult(S, p.proposalId))
  const events = peers.map((x) => x.drainEvents())
  return { results, events, statuses }
}

describe('out-of-order gossip between 3 peers', () => {
  it('every shuffled order reaches the same result everywhere, one event per peer (YES outcome)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      // n = 3, L = true, YES/YES/NO: any two votes give YES.
      const { results, events, statuses } = scenario(seed, true, { alice: true, bob: true, charlie: false })
      expect(results).toEqual([true, true, true, true])
      for (const e of events) expect(e).toEqual([expect.objectContaining({ type: 'ConsensusReached', result: true })])
      expect(statuses.every((s) => ['accepted', 'duplicate', 'late', 'buffered'].includes(s))).toBe(true)
    }
  })

  it('every shuffled order reaches the same result everywhere (NO outcome)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      // n = 3, L = false, NO/NO/YES: any two votes give NO.
      const { results, events } = scenario(seed, false, { alice: false, bob: false, charlie: true })
      expect(results).toEqual([false, false, false, false])
      for (const e of events) expect(e).toHaveLength(1)
    }
  })

  it('votes arriving before their proposal are buffered and applied when it arrives', () => {
    const seeds = Array.from({ length: 20 }, (_, i) => i + 1)
    const buffered = seeds.map((s) => scenario(s, true, { alice: true, bob: true, charlie: true }).statuses.filter((x) => x === 'buffered').length)
    expect(buffered.some((n) => n > 0)).toBe(true)
  })
})
