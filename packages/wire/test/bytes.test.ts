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

describe('fromHex', () => {
  it('decodes every byte value in either case, with or without 0x or 0X', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    const lower = nodeHex(all)
    for (const h of [lower, lower.toUpperCase(), `0x${lower}`, `0X${lower.toUpperCase()}`, `0x${lower.slice(0, 10).toUpperCase()}${lower.slice(10)}`]) {
      expect(fromHex(h)).toEqual(all)
    }
    expect(fromHex('')).toEqual(new Uint8Array(0))
    expect(fromHex('0x')).toEqual(new Uint8Array(0))
  })

  it('refuses an odd number of digits and any character that is not a hex digit, wherever it is', () => {
    for (const h of ['0', 'abc', '0x0', '0xabc']) expect(() => fromHex(h), h).toThrow(TypeError)
    // Every ASCII character that is not a digit, at the first and the second place of a byte, and past a prefix.
    for (let code = 0; code < 128; code++) {
      const c = String.fromCharCode(code)
      if (/[0-9a-fA-F]/.test(c)) continue
      for (const h of [`${c}0`, ...(c === 'x' || c === 'X' ? [] : [`0${c}`]), `00${c}0`, `0x${c}0`, `0x0${c}`]) expect(() => fromHex(h), JSON.stringify(h)).toThrow(`not a hex string: ${h}`)
    }
    // A prefix only at the start, and only 0x or 0X.
    for (const h of ['000x', '0y00', 'x000', '0xx0', ' 0x00', '0x 0', 'ff\u0660f', '\uff10\uff10']) expect(() => fromHex(h), h).toThrow(TypeError)
    // Characters whose code shares the low bits of a hex digit's (the case bit set or cleared).
    for (const code of [16, 17, 25, 64, 71, 96, 103, 0x130, 0x146, 0x10030]) {
      const c = String.fromCodePoint(code)
      if (c.length % 2 === 1) expect(() => fromHex(`${c}0`), `U+${code.toString(16)}`).toThrow(TypeError)
      else expect(() => fromHex(c), `U+${code.toString(16)}`).toThrow(TypeError)
    }
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
