import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../src/index.js'

describe('SeededRandom', () => {
  it('is reproducible per seed and differs between seeds', () => {
    const seq = (s: number | string) => {
      const r = new SeededRandom(s)
      return Array.from({ length: 8 }, () => r.nextU32())
    }
    expect(seq(1)).toEqual(seq(1))
    expect(seq(1)).not.toEqual(seq(2))
    expect(seq('a')).toEqual(seq('a'))
    expect(seq('a')).not.toEqual(seq('b'))
    expect(seq(2 ** 40)).not.toEqual(seq(0))
  })

  it('produces roughly uniform floats, ints and bytes', () => {
    const r = new SeededRandom(99)
    const buckets = new Array(10).fill(0)
    let min = 1
    let max = 0
    for (let i = 0; i < 100_000; i++) {
      const x = r.next()
      min = Math.min(min, x)
      max = Math.max(max, x)
      buckets[Math.floor(x * 10)]++
    }
    expect(min).toBeGreaterThanOrEqual(0)
    expect(max).toBeLessThan(1)
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500)
    const ints = Array.from({ length: 1000 }, () => r.int(7))
    expect(Math.max(...ints)).toBe(6)
    expect(Math.min(...ints)).toBe(0)
    expect(r.bytes(5)).toHaveLength(5)
    expect(r.bytes(16)).not.toEqual(r.bytes(16))
    expect(r.chance(0)).toBe(false)
    expect(r.chance(1)).toBe(true)
    const forked = new SeededRandom(1).fork('x')
    expect(forked.nextU32()).toBe(new SeededRandom(1).fork('x').nextU32())
  })
})
