import { describe, expect, it } from 'vitest'
import { committerRank, prefersAttested, winsFork } from '../../src/rules/fork-choice.js'

const h = (...b: number[]) => new Uint8Array(b)
/** A claim at rank `r` (default: equal ranks, so the hash decides). */
const c = (hash: Uint8Array, r = 0) => ({ committerRank: r, commitHash: hash })

describe('rules/fork-choice: the committer ranked first on the steward list wins; the smaller commit hash breaks ties', () => {
  it('between equal ranks, winsFork compares hashes lexicographically, strictly', () => {
    expect(winsFork(c(h(1, 2)), c(h(1, 3)))).toBe(true)
    expect(winsFork(c(h(1, 3)), c(h(1, 2)))).toBe(false)
    expect(winsFork(c(h(1, 2)), c(h(1, 2)))).toBe(false)
    expect(winsFork(c(h(0, 255)), c(h(1, 0)))).toBe(true)
    expect(winsFork(c(h(9), Number.POSITIVE_INFINITY), c(h(8), Number.POSITIVE_INFINITY))).toBe(false)
  })

  it('a better rank wins whatever the hash: a committer cannot grind its way past another', () => {
    expect(winsFork(c(h(255, 255), 0), c(h(0, 0), 1))).toBe(true)
    expect(winsFork(c(h(0, 0), 1), c(h(255, 255), 0))).toBe(false)
    expect(winsFork(c(h(0), 3), c(h(1), Number.POSITIVE_INFINITY))).toBe(true) // on the list beats off the list
  })

  it('a branch a majority of the members signed they merged wins over one that is not, whatever the ranks and hashes', () => {
    const m = (hash: Uint8Array, r: number) => ({ ...c(hash, r), majority: true })
    expect(winsFork(m(h(255), 5), c(h(0), 0))).toBe(true)
    expect(winsFork(c(h(0), 0), m(h(255), 5))).toBe(false)
    // Both (views differ for a moment) or neither: the rank, then the hash, as before.
    expect(winsFork(m(h(255), 0), m(h(0), 1))).toBe(true)
    expect(winsFork(m(h(0), 1), m(h(255), 1))).toBe(true)
    expect(winsFork({ ...c(h(0), 1), majority: false }, c(h(255), 0))).toBe(false)
    // An attested majority makes us fetch that branch.
    expect(prefersAttested({ epoch: 4n, ...c(h(1), 0) }, 5n, 5n, m(h(9), 2))).toBe(true)
    expect(prefersAttested({ epoch: 4n, ...m(h(1), 2) }, 5n, 5n, c(h(0), 0))).toBe(false)
  })

  it('it is antisymmetric: of two distinct branches exactly one wins, on every member alike', () => {
    for (let i = 0; i < 50; i++) {
      const a = c(h(i % 7, (i * 13) % 256), i % 3)
      const b = c(h((i * 3) % 7, (i * 29) % 256), (i * 5) % 3)
      if (a.committerRank === b.committerRank && a.commitHash.every((x, k) => x === b.commitHash[k])) continue
      expect(winsFork(a, b) !== winsFork(b, a)).toBe(true)
    }
  })

  it('committerRank counts from the slot serving the epoch, walking the rotation', () => {
    const [a, b, x] = [h(0xa), h(0xb), h(0xc)]
    const list = { members: [a, b, x], electionEpoch: 10n }
    expect(committerRank(list, 10n, a)).toBe(0)
    expect(committerRank(list, 10n, b)).toBe(1)
    expect(committerRank(list, 11n, b)).toBe(0)
    expect(committerRank(list, 11n, a)).toBe(2)
    expect(committerRank(list, 12n, a)).toBe(1)
    expect(committerRank(list, 13n, a)).toBe(Number.POSITIVE_INFINITY) // the list is exhausted
    expect(committerRank(list, 9n, a)).toBe(Number.POSITIVE_INFINITY) // before the list
    expect(committerRank(list, 10n, h(0xd))).toBe(Number.POSITIVE_INFINITY) // not on the list
    expect(committerRank(undefined, 10n, a)).toBe(Number.POSITIVE_INFINITY)
  })

  it('an attested commit replaces ours only when it leaves the same epoch and wins', () => {
    const tip = { epoch: 4n, ...c(h(5), 1) }
    expect(prefersAttested(tip, 5n, 5n, c(h(4), 1))).toBe(true)
    expect(prefersAttested(tip, 5n, 5n, c(h(9), 0))).toBe(true) // better rank, larger hash
    expect(prefersAttested(tip, 5n, 5n, c(h(0), 2))).toBe(false) // worse rank, smaller hash
    expect(prefersAttested(tip, 5n, 5n, c(h(6), 1))).toBe(false) // loses
    expect(prefersAttested(tip, 5n, 5n, c(h(5), 1))).toBe(false) // our own commit
    expect(prefersAttested(tip, 5n, 6n, c(h(4), 1))).toBe(false) // another epoch than ours
    expect(prefersAttested({ epoch: 3n, ...c(h(5), 1) }, 5n, 5n, c(h(4), 1))).toBe(false) // our branch point is older
    expect(prefersAttested(undefined, 5n, 5n, c(h(0), 0))).toBe(false) // no branch point kept
  })
})
