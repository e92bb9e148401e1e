import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { demlsGossipsubOptions } from '../src/node/create-node.js'
import { nodePlatform } from '../src/platform/node.js'

// Browser nodes hash with noble, Node nodes natively: both must give one id per packet,
// or a mixed network would deliver the same packet twice.
describe('message ids', () => {
  it('the Node platform hash is SHA-256, byte for byte what browsers compute', () => {
    for (const size of [0, 1, 55, 56, 64, 1_000, 65_537]) {
      const data = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff)
      expect(nodePlatform.sha256?.(data)).toEqual(sha256(data))
    }
  })

  it('msgIdFn uses the platform hash', () => {
    const calls: number[] = []
    const opts = demlsGossipsubOptions({}, {}, (d) => {
      calls.push(d.length)
      return sha256(d)
    })
    const id = opts.msgIdFn?.({ type: 'unsigned', topic: 't', data: new Uint8Array([1, 2, 3]) } as never)
    expect(id).toEqual(sha256(new Uint8Array([1, 2, 3])))
    expect(calls).toEqual([3])
  })
})
