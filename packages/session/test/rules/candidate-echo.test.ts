import { toHex } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { isCandidateEchoer } from '../../src/rules/candidate-echo.js'
import { isAmongClosest } from '../../src/rules/closest-members.js'

const ids = Array.from({ length: 40 }, (_, i) => toHex(sha256(new Uint8Array([i])).subarray(0, 20)))
const hashOf = (n: number) => sha256(new Uint8Array([0xee, n]))
const echoersOf = (hash: Uint8Array, k: number, members = ids, author = ids[0]!) => members.filter((m) => isCandidateEchoer(hash, members, author, m, k))

describe('rules/candidate-echo: which members echo a commit candidate', () => {
  it('exactly k members, never the author, the same set whoever computes it', () => {
    for (let n = 0; n < 20; n++) {
      const e = echoersOf(hashOf(n), 3)
      expect(e).toHaveLength(3)
      expect(e).not.toContain(ids[0])
      // Member order does not matter: every member, whatever order it lists the group in, agrees.
      expect(echoersOf(hashOf(n), 3, [...ids].reverse())).toEqual(e.slice().sort((a, b) => ids.indexOf(b) - ids.indexOf(a)))
    }
  })

  it('changes from one candidate to the next, so no member echoes everything', () => {
    const counts = new Map<string, number>()
    for (let n = 0; n < 60; n++) for (const m of echoersOf(hashOf(n), 3)) counts.set(m, (counts.get(m) ?? 0) + 1)
    expect(counts.size).toBeGreaterThan(20)
    expect(Math.max(...counts.values())).toBeLessThan(20)
  })

  it('0 echoes none; k at or above the others echoes all of them; a non-member never echoes', () => {
    expect(echoersOf(hashOf(1), 0)).toEqual([])
    expect(echoersOf(hashOf(1), 39)).toEqual(ids.slice(1))
    expect(echoersOf(hashOf(1), 1000)).toEqual(ids.slice(1))
    const outsider = toHex(new Uint8Array(20).fill(0xab))
    expect(isCandidateEchoer(hashOf(1), ids, ids[0]!, outsider, 1000)).toBe(false)
  })
})

describe('rules/closest-members: the few members a target picks', () => {
  it('an empty target picks nobody; the excluded member never; the picks follow the target', () => {
    expect(ids.filter((m) => isAmongClosest(new Uint8Array(0), ids, ids[0]!, m, 3))).toEqual([])
    const a = ids.filter((m) => isAmongClosest(hashOf(1), ids, ids[5]!, m, 5))
    const b = ids.filter((m) => isAmongClosest(hashOf(2), ids, ids[5]!, m, 5))
    expect([a.length, b.length]).toEqual([5, 5])
    expect(a).not.toContain(ids[5])
    expect(a).not.toEqual(b)
  })
})
