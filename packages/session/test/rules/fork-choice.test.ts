import { describe, expect, it } from 'vitest'
import { prefersAttested, winsFork } from '../../src/rules/fork-choice.js'

const h = (...b: number[]) => new Uint8Array(b)

describe('rules/fork-choice: the smaller commit hash wins', () => {
  it('winsFork compares bytes lexicographically, strictly', () => {
    expect(winsFork(h(1, 2), h(1, 3))).toBe(true)
    expect(winsFork(h(1, 3), h(1, 2))).toBe(false)
    expect(winsFork(h(1, 2), h(1, 2))).toBe(false)
    expect(winsFork(h(0, 255), h(1, 0))).toBe(true)
  })

  it('it is antisymmetric: of two distinct hashes exactly one wins, on every member alike', () => {
    for (let i = 0; i < 50; i++) {
      const a = h(i % 7, (i * 13) % 256)
      const b = h((i * 3) % 7, (i * 29) % 256)
      if (a.every((x, k) => x === b[k])) continue
      expect(winsFork(a, b) !== winsFork(b, a)).toBe(true)
    }
  })

  it('an attested commit replaces ours only when it leaves the same epoch and wins', () => {
    const tip = { epoch: 4n, commitHash: h(5) }
    expect(prefersAttested(tip, 5n, 5n, h(4))).toBe(true)
    expect(prefersAttested(tip, 5n, 5n, h(6))).toBe(false) // loses
    expect(prefersAttested(tip, 5n, 5n, h(5))).toBe(false) // our own commit
    expect(prefersAttested(tip, 5n, 6n, h(4))).toBe(false) // another epoch than ours
    expect(prefersAttested({ epoch: 3n, commitHash: h(5) }, 5n, 5n, h(4))).toBe(false) // our branch point is older
    expect(prefersAttested(undefined, 5n, 5n, h(0))).toBe(false) // no branch point kept
  })
})
