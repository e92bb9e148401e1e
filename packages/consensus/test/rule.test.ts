import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ConsensusOutcome, InvalidConsensusArgumentError, consensusResult, requiredVotes } from '../src/index.js'

const r = (expectedVoters: number, yes: number, no: number, livenessCriteriaYes: boolean, timedOut: boolean) =>
  consensusResult({ expectedVoters, yes, no, livenessCriteriaYes, timedOut })

describe('consensusResult — protocol-spec §4.5 worked examples', () => {
  // n, YES, NO, L, timeout, result ('any' L rows are checked with both values)
  const rows: [number, number, number, boolean | 'any', boolean, ConsensusOutcome][] = [
    [9, 3, 3, true, false, 'yes'],
    [9, 3, 3, false, false, 'no'],
    [9, 1, 5, true, false, 'undecided'],
    [9, 1, 6, true, false, 'no'],
    [4, 2, 0, true, false, 'undecided'],
    [4, 2, 0, true, true, 'yes'],
    [4, 2, 0, false, true, 'failed'],
    [4, 2, 2, true, false, 'yes'],
    [3, 0, 1, true, true, 'yes'],
    [2, 1, 0, 'any', true, 'failed'],
    [2, 1, 1, 'any', false, 'no'],
    [100, 0, 0, true, true, 'yes'],
    [100, 50, 17, false, false, 'undecided'],
  ]
  for (const [n, yes, no, l, timedOut, expected] of rows) {
    it(`n=${n} Y=${yes} N=${no} L=${l} timeout=${timedOut} → ${expected}`, () => {
      for (const liveness of l === 'any' ? [true, false] : [l]) {
        expect(r(n, yes, no, liveness, timedOut)).toBe(expected)
      }
    })
  }

  it('n=3, L=true worked sequence: 1 YES undecided, YES+YES yes, YES+NO yes', () => {
    expect(r(3, 1, 0, true, false)).toBe('undecided')
    expect(r(3, 2, 0, true, false)).toBe('yes')
    expect(r(3, 1, 1, true, false)).toBe('yes')
  })
})

describe('consensusResult — edge cases', () => {
  it('n = 0 never decides (undecided, failed at timeout)', () => {
    for (const l of [true, false]) {
      expect(r(0, 0, 0, l, false)).toBe('undecided')
      expect(r(0, 0, 0, l, true)).toBe('failed')
    }
  })

  it('n = 1: the single vote decides; missing vote fails at timeout', () => {
    expect(r(1, 1, 0, false, false)).toBe('yes')
    expect(r(1, 0, 1, true, false)).toBe('no')
    expect(r(1, 0, 0, true, false)).toBe('undecided')
    expect(r(1, 0, 0, true, true)).toBe('failed')
  })

  it('n = 2: unanimity, one NO rejects, silent peers never count', () => {
    expect(r(2, 2, 0, false, false)).toBe('yes')
    expect(r(2, 1, 1, true, false)).toBe('no')
    expect(r(2, 0, 2, true, false)).toBe('no')
    expect(r(2, 0, 0, true, true)).toBe('failed')
    expect(r(2, 0, 1, false, true)).toBe('failed')
  })

  it('n = 3: quorum 2, liveness weighs the silent voter', () => {
    expect(r(3, 0, 2, true, false)).toBe('no')
    expect(r(3, 1, 1, false, false)).toBe('no')
    expect(r(3, 0, 0, false, true)).toBe('no')
    expect(r(3, 1, 0, false, true)).toBe('no')
    expect(r(3, 2, 1, false, false)).toBe('yes')
  })

  it('full tie resolves to the liveness value; tie at timeout with silent voters fails', () => {
    expect(r(6, 3, 3, true, false)).toBe('yes')
    expect(r(6, 3, 3, false, false)).toBe('no')
    expect(r(6, 2, 2, false, true)).toBe('no') // 2 vs 2+2 silent
    expect(r(10, 5, 0, false, true)).toBe('failed') // 5 vs 5, not all voted
  })

  it('large n uses exact integer ceil(2n/3)', () => {
    expect(requiredVotes(0)).toBe(0)
    expect(requiredVotes(1)).toBe(1)
    expect(requiredVotes(2)).toBe(2)
    expect(requiredVotes(3)).toBe(2)
    expect(requiredVotes(4)).toBe(3)
    expect(requiredVotes(99)).toBe(66)
    expect(requiredVotes(100)).toBe(67)
    expect(requiredVotes(0xffff_ffff)).toBe(2863311530)
    const n = 1_000_000
    expect(r(n, 666_667, 0, false, false)).toBe('yes')
    expect(r(n, 666_666, 0, false, false)).toBe('undecided')
    expect(r(0xffff_ffff, 0, 0, true, true)).toBe('yes')
  })

  it('rejects counts outside the u32 domain', () => {
    expect(() => r(-1, 0, 0, true, false)).toThrow(InvalidConsensusArgumentError)
    expect(() => r(3, 1.5, 0, true, false)).toThrow(InvalidConsensusArgumentError)
    expect(() => r(2 ** 32, 0, 0, true, false)).toThrow(InvalidConsensusArgumentError)
  })

  it('matches ceil(2n/3) computed with bigint', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 0xffff_ffff }), (n) => {
        const big = (2n * BigInt(n) + 2n) / 3n
        expect(BigInt(requiredVotes(n))).toBe(big)
      }),
    )
  })
})

describe('consensusResult — properties', () => {
  const tally = fc
    .record({ n: fc.integer({ min: 0, max: 200 }), y: fc.nat(200), no: fc.nat(200), l: fc.boolean(), t: fc.boolean() })
    .filter(({ n, y, no }) => y + no <= n)

  it('is never failed before the timeout and never undecided at the timeout', () => {
    fc.assert(
      fc.property(tally, ({ n, y, no, l, t }) => {
        const out = r(n, y, no, l, t)
        if (t) expect(out).not.toBe('undecided')
        else expect(out).not.toBe('failed')
      }),
    )
  })

  it('is symmetric: swapping YES/NO and flipping liveness flips the decision', () => {
    const flip: Record<ConsensusOutcome, ConsensusOutcome> = { yes: 'no', no: 'yes', undecided: 'undecided', failed: 'failed' }
    fc.assert(
      fc.property(tally, ({ n, y, no, l, t }) => {
        if (n <= 2) return // unanimity rule is not symmetric by design
        expect(r(n, no, y, !l, t)).toBe(flip[r(n, y, no, l, t)])
      }),
    )
  })

  it('a decision before the timeout is the same decision at the timeout', () => {
    fc.assert(
      fc.property(tally, ({ n, y, no, l }) => {
        const before = r(n, y, no, l, false)
        if (before === 'yes' || before === 'no') expect(r(n, y, no, l, true)).toBe(before)
      }),
    )
  })
})
