import { consensusResult, requiredVotes } from '@demls/consensus'
import { toHex } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { isReserveVoter, primaryVoterCount, primaryVoterMargin } from '../../src/rules/primary-voters.js'

const idsOf = (n: number) => Array.from({ length: n }, (_, i) => toHex(sha256(new Uint8Array([i, n, 7])).subarray(0, 20)))
const proposalOf = (id: number, ownerHex: string, n: number) => ({ proposalId: id, proposalOwner: Uint8Array.from(Buffer.from(ownerHex, 'hex')), expectedVotersCount: n })
const reservesOf = (p: ReturnType<typeof proposalOf>, members: readonly string[]) => members.filter((m) => isReserveVoter(p, members, m))

describe('rules/primary-voters: who votes at once, who waits in reserve', () => {
  it('the quorum gate of the default rule plus a margin vote at once: the owner and the members closest to the proposal', () => {
    expect([1, 2, 3, 4, 9, 50, 100].map(requiredVotes)).toEqual([1, 2, 2, 3, 6, 34, 67])
    expect([10, 50, 100, 1000].map(primaryVoterMargin)).toEqual([3, 3, 5, 50])
    for (const n of [16, 30, 50, 100, 200]) {
      const ids = idsOf(n)
      for (let id = 1; id <= 8; id++) {
        const owner = ids[id % n]!
        const p = proposalOf(id * 7919, owner, n)
        const reserves = reservesOf(p, ids)
        expect(reserves).toHaveLength(n - primaryVoterCount(n))
        expect(reserves).not.toContain(owner)
        // Whoever computes it, from a list or a set in any order: the same reserves.
        expect(reservesOf(p, [...ids].reverse()).sort()).toEqual([...reserves].sort())
        expect(ids.filter((m) => isReserveVoter(p, new Set(ids), m))).toEqual(reserves)
      }
    }
  })

  it('small groups have no reserves (every vote may be needed); a non-member is never one', () => {
    for (const n of [1, 2, 3, 5, 8, 11]) {
      const ids = idsOf(n)
      expect(reservesOf(proposalOf(5, ids[0]!, n), ids), `n=${n}`).toEqual([])
    }
    expect(reservesOf(proposalOf(5, idsOf(12)[0]!, 12), idsOf(12))).toHaveLength(1)
    const ids = idsOf(60)
    expect(isReserveVoter(proposalOf(5, ids[0]!, 60), ids, toHex(new Uint8Array(20).fill(0xcd)))).toBe(false)
  })

  it('each proposal picks other reserves, so the load of voting spreads over the group', () => {
    const ids = idsOf(50)
    const reserveCounts = new Map<string, number>()
    for (let id = 0; id < 60; id++) for (const m of reservesOf(proposalOf(id, ids[0]!, 50), ids)) reserveCounts.set(m, (reserveCounts.get(m) ?? 0) + 1)
    expect(reserveCounts.size).toBe(49)
    expect(Math.max(...reserveCounts.values())).toBeLessThan(40)
  })

  it('under the default rule, a decision reached with the reserves silent is the one every vote would reach', () => {
    // Every split of n voters into YES and NO choices, with the reserves among those choosing the liveness value
    // left silent: when the rule decides on the votes that were sent, it decides as it would on all of them. When it
    // does not (the gate is short, or a tie that needs every vote), the reserves vote after their wait.
    for (const n of [12, 16, 30, 50]) {
      const reserves = n - primaryVoterCount(n)
      for (const liveness of [true, false]) {
        for (let withLiveness = 0; withLiveness <= n; withLiveness++) {
          const other = n - withLiveness
          const silent = Math.min(reserves, withLiveness)
          const full = { expectedVoters: n, livenessCriteriaYes: liveness, yes: liveness ? withLiveness : other, no: liveness ? other : withLiveness }
          const sent = { ...full, ...(liveness ? { yes: withLiveness - silent } : { no: withLiveness - silent }) }
          for (const timedOut of [false, true]) {
            const partial = consensusResult({ ...sent, timedOut })
            if (partial !== 'yes' && partial !== 'no') continue
            expect(partial, `n=${n} L=${liveness} with-L=${withLiveness} timedOut=${timedOut}`).toBe(consensusResult({ ...full, timedOut: false }))
          }
        }
      }
    }
  })
})
