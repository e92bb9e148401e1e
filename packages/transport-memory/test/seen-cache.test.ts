import { describe, expect, it } from 'vitest'
import { SeenCache, seenKey } from '../src/network/seen-cache.js'

const b = (...xs: number[]) => Uint8Array.from(xs)

describe('SeenCache (a peer’s gossipsub seen cache)', () => {
  it('matches by exact bytes, not by object, and not by key alone', () => {
    const c = new SeenCache(1000)
    const p = b(1, 2, 3)
    c.add(seenKey(p), p, 0)
    expect(c.has(seenKey(p), b(1, 2, 3), 10)).toBe(true)
    // Another packet forced into the same bucket is not taken for the first.
    expect(c.has(seenKey(p), b(9, 9, 9), 10)).toBe(false)
    expect(c.has(seenKey(b(1, 2)), b(1, 2), 10)).toBe(false)
  })

  it('keeps packets that share a bucket apart, and prunes each on its own expiry', () => {
    const c = new SeenCache(100)
    const key = 7
    const [x, y, z] = [b(1), b(2), b(3)]
    c.add(key, x, 0)
    c.add(key, y, 50)
    c.add(key, z, 60)
    expect([x, y, z].map((p) => c.has(key, p, 60))).toEqual([true, true, true])
    // x expires at 100: y and z stay in the bucket.
    expect([x, y, z].map((p) => c.has(key, p, 100))).toEqual([false, true, true])
    // y expires at 150: z alone remains.
    expect([x, y, z].map((p) => c.has(key, p, 150))).toEqual([false, false, true])
    expect(c.has(key, z, 160)).toBe(false)
    // The bucket is usable again after emptying.
    c.add(key, x, 200)
    expect(c.has(key, x, 250)).toBe(true)
    expect(c.has(key, y, 250)).toBe(false)
  })

  it('does not extend an entry when the same bytes are added again (gossipsub put), and forgets all on clear', () => {
    const c = new SeenCache(100)
    const p = b(5, 5)
    const key = seenKey(p)
    expect(c.checkAndAdd(key, p, 0)).toBe(false)
    expect(c.checkAndAdd(key, Uint8Array.from(p), 50)).toBe(true)
    // The first sighting's window (0 + 100) rules: gone at 100.
    expect(c.has(key, p, 100)).toBe(false)
    c.add(key, p, 120)
    c.clear()
    expect(c.has(key, p, 121)).toBe(false)
  })

  it('prunes a long history without losing live entries', () => {
    const c = new SeenCache(10)
    for (let t = 0; t < 5000; t++) c.add(seenKey(b(t & 255, t >> 8)), b(t & 255, t >> 8), t)
    expect(c.has(seenKey(b(4999 & 255, 4999 >> 8)), b(4999 & 255, 4999 >> 8), 5000)).toBe(true)
    expect(c.has(seenKey(b(0, 0)), b(0, 0), 5000)).toBe(false)
  })
})
