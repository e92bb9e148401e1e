import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, toHex } from '../src/index.js'

/** The reference: Node's own hex encoder. */
const nodeHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex')

describe('toHex', () => {
  it('encodes every byte value, lower case, two digits each', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(toHex(all)).toBe(nodeHex(all))
    expect(toHex(new Uint8Array([0, 15, 16, 255]))).toBe('000f10ff')
  })

  it('handles empty input and lengths around its internal chunk (4096 bytes)', () => {
    expect(toHex(new Uint8Array(0))).toBe('')
    for (const n of [1, 20, 32, 97, 4095, 4096, 4097, 8192, 8193, 100_000]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255)
      const h = toHex(b)
      expect(h.length).toBe(2 * n)
      expect(h).toBe(nodeHex(b))
      expect(fromHex(h)).toEqual(b)
    }
  })

  it('reads only the view it is given, not the rest of its buffer', () => {
    const whole = Uint8Array.from({ length: 64 }, (_, i) => i)
    const view = whole.subarray(10, 30)
    expect(toHex(view)).toBe(nodeHex(view))
  })
})

describe('concatBytes', () => {
  it('joins parts in order, copies them, and takes any number of parts', () => {
    const a = new Uint8Array([1, 2])
    const out = concatBytes([a, new Uint8Array(0), new Uint8Array([3])])
    expect([...out]).toEqual([1, 2, 3])
    a[0] = 9
    expect(out[0]).toBe(1)
    expect(concatBytes([]).length).toBe(0)
    // More parts than a spread call takes as arguments.
    const many = Array.from({ length: 300_000 }, (_, i) => new Uint8Array([i & 0xff]))
    const joined = concatBytes(many)
    expect(joined.length).toBe(300_000)
    expect(joined[299_999]).toBe(299_999 & 0xff)
  })
})
