import { describe, expect, it } from 'vitest'
import { SEEN_ANNOUNCEMENTS_BYTES, SEEN_ANNOUNCEMENTS_LIMIT, SeenAnnouncements } from '../src/user/join/seen-announcements.js'

const id = (n: number) => {
  const b = new Uint8Array(20)
  new DataView(b.buffer).setUint32(0, n)
  return b
}
const hexOf = (n: number) => Buffer.from(id(n)).toString('hex')

describe('SeenAnnouncements (what a pending joiner carries into its conversation)', () => {
  it('keeps the first announcement per member id, never our own, in arrival order', () => {
    const seen = new SeenAnnouncements(id(0))
    expect(seen.keep(id(0), new Uint8Array([0]))).toBe(false)
    expect(seen.keep(id(2), new Uint8Array([2]))).toBe(true)
    expect(seen.keep(id(1), new Uint8Array([1]))).toBe(true)
    // A later announcement for the same id does not replace the first (anyone can mint one naming any id).
    expect(seen.keep(id(2), new Uint8Array([9]))).toBe(false)
    expect(seen.replayable(() => false)).toEqual([new Uint8Array([2]), new Uint8Array([1])])
    // Replaying empties it.
    expect(seen.size).toBe(0)
  })

  it('leaves out joiners that became members meanwhile', () => {
    const seen = new SeenAnnouncements(id(0))
    for (const n of [1, 2, 3]) seen.keep(id(n), new Uint8Array([n]))
    expect(seen.replayable((hex) => hex === hexOf(2))).toEqual([new Uint8Array([1]), new Uint8Array([3])])
  })

  it('is bounded in count', () => {
    const seen = new SeenAnnouncements(id(0))
    let kept = 0
    for (let n = 1; n <= 3 * SEEN_ANNOUNCEMENTS_LIMIT; n++) if (seen.keep(id(n), new Uint8Array(10))) kept++
    expect(kept).toBe(SEEN_ANNOUNCEMENTS_LIMIT)
    expect(seen.size).toBe(SEEN_ANNOUNCEMENTS_LIMIT)
  })

  it('is bounded in bytes: a few large announcements fill it before the count does', () => {
    const seen = new SeenAnnouncements(id(0))
    const big = new Uint8Array(Math.floor(SEEN_ANNOUNCEMENTS_BYTES / 3) + 1)
    expect(seen.keep(id(1), big)).toBe(true)
    expect(seen.keep(id(2), big)).toBe(true)
    expect(seen.keep(id(3), big)).toBe(false)
    // A small one still fits.
    expect(seen.keep(id(4), new Uint8Array(100))).toBe(true)
    expect(seen.replayable(() => false).reduce((s, p) => s + p.length, 0)).toBeLessThanOrEqual(SEEN_ANNOUNCEMENTS_BYTES)
  })

  it('clear forgets everything', () => {
    const seen = new SeenAnnouncements(id(0))
    seen.keep(id(1), new Uint8Array(1))
    seen.clear()
    expect(seen.replayable(() => false)).toEqual([])
  })
})
