import { describe, expect, it } from 'vitest'
import { MEMBER_ANSWER_SPREAD, probeAnswerDelay } from '../../src/rules/answer-delay.js'

const id = (n: number) => new Uint8Array(20).fill(n)
const nonce = (n: number) => new Uint8Array(16).fill(n)
const base = { stepMs: 100, stewards: [id(1), id(2), id(3)], epochSteward: id(2), nonce: nonce(9) }

describe('rules/answer-delay: who answers a join probe first', () => {
  it('the acting epoch steward at once', () => {
    expect(probeAnswerDelay({ ...base, self: id(2), actingEpochSteward: true })).toBe(0)
  })

  it('the other stewards one step per position on the list, the epoch steward left out', () => {
    expect(probeAnswerDelay({ ...base, self: id(1), actingEpochSteward: false })).toBe(100)
    expect(probeAnswerDelay({ ...base, self: id(3), actingEpochSteward: false })).toBe(200)
    // The canonical epoch steward is silent (suspect): it ranks like any other steward only when it is not the epoch steward.
    expect(probeAnswerDelay({ ...base, self: id(1), actingEpochSteward: false, epochSteward: undefined })).toBe(100)
    expect(probeAnswerDelay({ ...base, self: id(2), actingEpochSteward: false, epochSteward: undefined })).toBe(200)
  })

  it('plain members after every steward, spread over the spread steps, deterministic per member and nonce', () => {
    const seen = new Set<number>()
    for (let m = 10; m < 60; m++) {
      const d = probeAnswerDelay({ ...base, self: id(m), actingEpochSteward: false })
      expect(d).toBe(probeAnswerDelay({ ...base, self: id(m), actingEpochSteward: false }))
      expect(d).toBeGreaterThanOrEqual(100 * 3)
      expect(d).toBeLessThan(100 * (3 + MEMBER_ANSWER_SPREAD))
      expect(d % 100).toBe(0)
      seen.add(d)
    }
    // 50 members do not all answer at the same instant.
    expect(seen.size).toBeGreaterThan(3)
    // Another nonce gives another order.
    const order = (n: number) => [10, 11, 12, 13, 14, 15, 16, 17].map((m) => probeAnswerDelay({ ...base, nonce: nonce(n), self: id(m), actingEpochSteward: false }))
    expect(order(1)).not.toEqual(order(2))
  })
})
