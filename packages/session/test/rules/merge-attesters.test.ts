import { toHex } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { honestQuorum } from '../../src/rules/group-ahead.js'
import { MERGE_ATTEST_MARGIN, attestsMergeAtOnce, mergeAttesterCount } from '../../src/rules/merge-attesters.js'

const idsOf = (n: number) => Array.from({ length: n }, (_, i) => toHex(sha256(new Uint8Array([i, n])).subarray(0, 20)))
const hashOf = (n: number) => sha256(new Uint8Array([0xaa, n]))
const attestersOf = (hash: Uint8Array, members: string[], committer: string) => members.filter((m) => attestsMergeAtOnce(hash, members, committer, m, false))

describe('rules/merge-attesters: who attests a merged commit at once', () => {
  it('the quorum the merge-counting rules need plus a margin, never the committer, the same set whoever computes it', () => {
    expect(MERGE_ATTEST_MARGIN).toBe(3)
    for (const n of [8, 10, 30, 50, 100]) {
      const ids = idsOf(n)
      expect(mergeAttesterCount(n)).toBe(honestQuorum(n) + 3)
      for (let c = 0; c < 10; c++) {
        const picked = attestersOf(hashOf(c), ids, ids[c]!)
        expect(picked).toHaveLength(mergeAttesterCount(n))
        expect(picked).not.toContain(ids[c])
        expect(attestersOf(hashOf(c), [...ids].reverse(), ids[c]!).sort()).toEqual([...picked].sort())
        // A set gives the same answer as a list.
        expect(ids.filter((m) => attestsMergeAtOnce(hashOf(c), new Set(ids), ids[c]!, m, false))).toEqual(picked)
      }
    }
  })

  it('in a group of up to 7 every member attests at once, the committer too (as before); from 8 on, a subset', () => {
    for (const n of [2, 3, 4, 5, 7]) {
      const ids = idsOf(n)
      expect(attestersOf(hashOf(1), ids, ids[0]!)).toEqual(ids)
    }
    const eight = idsOf(8)
    expect(attestersOf(hashOf(1), eight, eight[0]!)).toHaveLength(6)
    expect(attestsMergeAtOnce(hashOf(1), idsOf(5), idsOf(5)[0]!, toHex(new Uint8Array(20).fill(0xcd)), false)).toBe(false)
  })

  it('the picks change with the commit, so the load of attesting at once spreads over the group', () => {
    const ids = idsOf(50)
    const counts = new Map<string, number>()
    for (let c = 0; c < 60; c++) for (const m of attestersOf(hashOf(c), ids, ids[0]!)) counts.set(m, (counts.get(m) ?? 0) + 1)
    expect(counts.size).toBe(49)
    expect(Math.max(...counts.values())).toBeLessThan(45)
  })

  it('a member that must attest (epoch steward, contested epoch) does, even the committer; a non-member never is picked', () => {
    const ids = idsOf(40)
    const notPicked = ids.find((m) => m !== ids[0] && !attestsMergeAtOnce(hashOf(2), ids, ids[0]!, m, false))!
    expect(attestsMergeAtOnce(hashOf(2), ids, ids[0]!, notPicked, true)).toBe(true)
    expect(attestsMergeAtOnce(hashOf(2), ids, ids[0]!, ids[0]!, false)).toBe(false)
    expect(attestsMergeAtOnce(hashOf(2), ids, ids[0]!, ids[0]!, true)).toBe(true)
    expect(attestsMergeAtOnce(hashOf(2), ids, ids[0]!, toHex(new Uint8Array(20).fill(0xcd)), false)).toBe(false)
  })
})
