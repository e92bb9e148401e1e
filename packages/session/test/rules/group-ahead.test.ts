import { describe, expect, it } from 'vitest'
import { honestQuorum, groupAhead } from '../../src/rules/index.js'

describe('rules: groupAhead', () => {
  it('the quorum is one more than the faulty members a group tolerates', () => {
    expect([1, 2, 3, 4, 6, 7, 20, 30].map(honestQuorum)).toEqual([1, 1, 1, 2, 2, 3, 7, 10])
  })

  it('counts current members whose claim is above our epoch and not older than the lifetime', () => {
    const now = 100_000
    const claims = new Map([
      ['a', { epoch: 6n, at: now }],
      ['b', { epoch: 7n, at: now - 5_000 }],
      ['c', { epoch: 5n, at: now }], // our epoch
      ['d', { epoch: 6n, at: now - 61_000 }], // expired
      ['e', { epoch: 6n, at: now }], // no longer a member
    ])
    const view = (memberCount: number) => ({ memberCount, isMember: (h: string) => h !== 'e', now, ttlMs: 60_000 })
    expect(groupAhead(claims, 5n, view(4))).toBe(true) // a, b: 2 of quorum 2
    expect(groupAhead(claims, 5n, view(7))).toBe(false) // quorum 3
    expect(groupAhead(claims, 6n, view(4))).toBe(false) // only b is above 6
    expect(groupAhead(new Map(), 5n, view(1))).toBe(false)
  })
})
