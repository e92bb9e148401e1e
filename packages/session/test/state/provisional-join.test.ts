import { toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { ATTESTATIONS_KEPT, ProvisionalJoin } from '../../src/state/provisional-join.js'

const state = (epoch: bigint, fill: number) => ({ epoch, authenticatorHash: fill === 0 ? new Uint8Array(0) : new Uint8Array(32).fill(fill) })
const member = (i: number) => toHex(new Uint8Array(20).fill(i & 0xff)) + i.toString(16)

/** The same question answered by walking the kept attestations of `epoch`. */
function bruteForce(p: ProvisionalJoin, epoch: bigint, otherCount: number): boolean {
  const counts = new Map<string, number>()
  for (const a of p.atEpoch(epoch).values()) {
    if (a.authenticatorHash.length === 0) continue
    const k = toHex(a.authenticatorHash)
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  return [...counts.values()].some((n) => 2 * n > otherCount)
}

describe('ProvisionalJoin: the per-epoch state counts behind mayHaveMajority', () => {
  it('counts each member’s newest state at an epoch, never a presence', () => {
    const p = new ProvisionalJoin(new Uint8Array(1), 5n, 1_000)
    expect(p.mayHaveMajority(5n, 0)).toBe(false)
    for (const i of [1, 2, 3]) p.note(member(i), state(5n, 7), 100)
    p.note(member(4), state(5n, 0), 100) // a presence
    expect(p.mayHaveMajority(5n, 4)).toBe(true) // 3 of 4
    expect(p.mayHaveMajority(5n, 6)).toBe(false) // 3 of 6 is not more than half
    expect(p.mayHaveMajority(6n, 0)).toBe(false) // another epoch
    // A newer signature of member 3 names another state: 2 and 1 now.
    expect(p.note(member(3), state(5n, 8), 200)).toBe(true)
    expect(p.mayHaveMajority(5n, 4)).toBe(false)
    expect(p.mayHaveMajority(5n, 3)).toBe(true)
    // An older signature changes nothing.
    expect(p.note(member(3), state(5n, 7), 150)).toBe(false)
    expect(p.mayHaveMajority(5n, 4)).toBe(false)
  })

  it('agrees with a walk over the kept attestations through replacements and evictions', () => {
    const p = new ProvisionalJoin(new Uint8Array(1), 1n, 1_000)
    let seed = 7
    // mulberry32
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) % n
    }
    for (let step = 0; step < ATTESTATIONS_KEPT + 4_000; step++) {
      const epoch = BigInt(rand(4))
      p.note(member(rand(3_000)), state(epoch, rand(4)), step)
      if (step % 97 === 0) {
        for (let e = 0n; e < 4n; e++) {
          for (const k of [0, 1, 10, 100, 400, 800]) expect(p.mayHaveMajority(e, k), `step ${step}, epoch ${e}, ${k} others`).toBe(bruteForce(p, e, k))
        }
      }
    }
    // Evictions kept the index in step: no more entries than the bound, all of them counted.
    let kept = 0
    for (let e = 0n; e < 4n; e++) kept += p.atEpoch(e).size
    expect(kept).toBe(ATTESTATIONS_KEPT)
  })
})
