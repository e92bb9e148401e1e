import { describe, expect, it } from 'vitest'
import { decodeVote, encodeVote } from '../src/index.js'

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => Number.parseInt(b, 16)))

describe('Vote known-answer', () => {
  it('encodes fields in ascending order with two-byte tags', () => {
    // tag = field << 3 | wiretype, varint-encoded: 20→a0 01, 21→aa 01, 22→b0 01,
    // 23→b8 01, 24→c0 01, 27→da 01, 28→e2 01; parent/received hash empty → omitted.
    const expected = hex('a001 01  aa01 01 aa  b001 02  b801 03  c001 01  da01 01 bb  e201 01 cc')
    const bytes = encodeVote({
      voteId: 1,
      voteOwner: hex('aa'),
      proposalId: 2,
      timestamp: 3n,
      vote: true,
      parentHash: new Uint8Array(0),
      receivedHash: new Uint8Array(0),
      voteHash: hex('bb'),
      signature: hex('cc'),
    })
    expect(bytes).toEqual(expected)
    const back = decodeVote(bytes)
    expect(back.timestamp).toBe(3n)
    expect(back.parentHash).toEqual(new Uint8Array(0))
    expect(back.voteOwner).toEqual(hex('aa'))
  })
})
