/**
 * ts-mls 1.6.4's list encoder (`varLenTypeEncoder`, used for every TLS
 * vector: proposals of a commit, ratchet-tree nodes, extensions, …) chained
 * one closure per element, each calling the previous one, so writing a list
 * recursed once per element and threw `RangeError: Maximum call stack size
 * exceeded` above about 9,400 elements (a 9,999-add commit; a ratchet tree of
 * about 4,700 members). patches/ts-mls@1.6.4.patch writes the elements in a
 * loop (see UPSTREAM.md, issue 4). ts-mls alone, no demls wrapper.
 */
import { decodeVarLenData, decodeVarLenType, varLenDataEncoder, varLenTypeEncoder } from '#ts-mls/codec/variableLength.js'
import { encode } from '#ts-mls/codec/tlsEncoder.js'
import { describe, expect, it } from 'vitest'

const encodeList = encode(varLenTypeEncoder(varLenDataEncoder))
const decodeList = decodeVarLenType(decodeVarLenData)
const encodeNested = encode(varLenTypeEncoder(varLenTypeEncoder(varLenDataEncoder)))
const decodeNested = decodeVarLenType(decodeVarLenType(decodeVarLenData))

const item = (i: number): Uint8Array => new Uint8Array([i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff].slice(0, 1 + (i % 3)))

describe('ts-mls list encoder at large N (patched)', () => {
  it('encodes and decodes a 20,000-element list byte-exactly', () => {
    const list = Array.from({ length: 20_000 }, (_, i) => item(i))
    const bytes = encodeList(list)
    const body = list.reduce((n, x) => n + 1 + x.length, 0)
    // RFC 9420 varint header: 4 bytes once the body reaches 16,384 bytes.
    expect(bytes.length).toBe(4 + body)
    expect(bytes[0]! >> 6).toBe(2)
    const decoded = decodeList(bytes, 0)
    expect(decoded).toBeDefined()
    const [out, consumed] = decoded!
    expect(consumed).toBe(bytes.length)
    expect(out.length).toBe(20_000)
    for (let i = 0; i < list.length; i++) expect(out[i]).toEqual(list[i])
  })

  it('a list of 20,000 lists, and 100,000 elements, still encode (no recursion per element)', () => {
    const nested = Array.from({ length: 20_000 }, (_, i) => [item(i), item(i + 1)])
    const [out] = decodeNested(encodeNested(nested), 0)!
    expect(out.length).toBe(20_000)
    expect(out[19_999]).toEqual(nested[19_999])
    const big = Array.from({ length: 100_000 }, (_, i) => item(i))
    expect(decodeList(encodeList(big), 0)![0].length).toBe(100_000)
  })

  it('small lists keep the same bytes as before: 1-byte and 2-byte headers, elements in order', () => {
    expect([...encodeList([])]).toEqual([0])
    expect([...encodeList([new Uint8Array([7]), new Uint8Array([8, 9])])]).toEqual([5, 1, 7, 2, 8, 9])
    const sixtyFour = Array.from({ length: 32 }, () => new Uint8Array([1]))
    expect([...encodeList(sixtyFour).subarray(0, 4)]).toEqual([0x40, 64, 1, 1])
  })
})
