import { describe, expect, it } from 'vitest'
import { BoundedSet, evictOldest, trimOldest } from '../src/state/bounded.js'

describe('state/bounded: the one evict-oldest helper', () => {
  it('evicts the oldest entries of a map (insertion order) down to the size, and says how many', () => {
    const m = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ])
    expect(evictOldest(m, 5)).toBe(0)
    expect(evictOldest(m, 1)).toBe(2)
    expect([...m.keys()]).toEqual(['c'])
  })

  it('works on sets alike', () => {
    const s = new Set([1, 2, 3, 4])
    evictOldest(s, 2)
    expect([...s]).toEqual([3, 4])
  })

  it('trims the front of a list', () => {
    const l = [1, 2, 3, 4, 5]
    trimOldest(l, 2)
    expect(l).toEqual([4, 5])
    trimOldest(l, 9)
    expect(l).toEqual([4, 5])
  })

  it('BoundedSet keeps the last capacity entries and refuses repeats', () => {
    const b = new BoundedSet<number>(2)
    expect(b.add(1)).toBe(true)
    expect(b.add(1)).toBe(false)
    b.add(2)
    b.add(3)
    expect(b.values()).toEqual([2, 3])
    expect(b.has(1)).toBe(false)
    expect(b.size).toBe(2)
  })
})
