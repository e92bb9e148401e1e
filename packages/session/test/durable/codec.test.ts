import { describe, expect, it } from 'vitest'
import { fromTagged, packSnapshot, toTagged, unpackSnapshot } from '../../src/persist/codec.js'

describe('saved-state container', () => {
  it('round-trips bytes, bigints, maps, nested objects and a binary section; undefined fields are left out', () => {
    const header = {
      id: 'c',
      key: Uint8Array.of(0, 1, 255),
      epoch: 2n ** 70n,
      negative: -5n,
      joinEpochs: new Map([['ab', 3n]]),
      nested: { list: [Uint8Array.of(7), 1, 'x', null, true], map: new Map([[1n, { members: [Uint8Array.of(9)] }]]) },
      gone: undefined,
    }
    const binary = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff)
    const { header: back, binary: bin } = unpackSnapshot(packSnapshot(header, binary))
    const { gone: _, ...expected } = header
    expect(back).toEqual(expected)
    expect(bin).toEqual(binary)
    expect(fromTagged(toTagged(header.nested))).toEqual(header.nested)
  })

  it('refuses a wrong magic, an unknown version, a truncated header and a header that is not JSON', () => {
    const good = packSnapshot({ a: 1 }, Uint8Array.of(1))
    const withVersion = good.slice()
    withVersion[4] = 2
    const notJson = good.slice()
    notJson[9] = 0x7b + 1
    expect(() => unpackSnapshot(Uint8Array.of(1, 2, 3))).toThrow(/not a demls/)
    expect(() => unpackSnapshot(Uint8Array.from([0x58, ...good.slice(1)]))).toThrow(/not a demls/)
    expect(() => unpackSnapshot(withVersion)).toThrow(/format version 2/)
    expect(() => unpackSnapshot(good.slice(0, 12))).toThrow(/truncated/)
    expect(() => unpackSnapshot(notJson)).toThrow()
  })
})
