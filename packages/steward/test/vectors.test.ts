import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateStewardList, sortStewardCandidates, stewardSortKey } from '../src/index.js'
import { hex, refKey, refOrder, toHex } from './helpers.js'

// Well-known public Hardhat/Anvil development accounts #0–#7.
const HARDHAT = [
  '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65',
  '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc',
  '0x976EA74026E726554dB657fA54763abd0C3a0aa9',
  '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955',
].map(hex)

const CASES: Array<{ epoch: bigint; retry: number; conv: string; n: number; snMin: number; snMax: number }> = [
  { epoch: 0n, retry: 0, conv: 'chat', n: 3, snMin: 1, snMax: 2 },
  { epoch: 1n, retry: 0, conv: 'chat', n: 3, snMin: 1, snMax: 3 },
  { epoch: 5n, retry: 1, conv: 'grp', n: 8, snMin: 2, snMax: 4 },
  { epoch: 42n, retry: 3, conv: 'rm', n: 5, snMin: 1, snMax: 5 },
  { epoch: 2n ** 53n + 1n, retry: 0, conv: 'chat', n: 8, snMin: 1, snMax: 8 },
  { epoch: 2n ** 63n + 12345n, retry: 7, conv: 'big-epoch', n: 6, snMin: 2, snMax: 3 },
  { epoch: 2n ** 64n - 1n, retry: 0xffff_ffff, conv: 'max', n: 4, snMin: 1, snMax: 4 },
  { epoch: 9n, retry: 0, conv: 'ünïcødé-conversation ✓', n: 8, snMin: 10, snMax: 12 },
]

describe('known-answer vectors (independent node:crypto SHA-256)', () => {
  for (const c of CASES) {
    it(`epoch=${c.epoch} retry=${c.retry} conv=${c.conv} n=${c.n} sn=[${c.snMin},${c.snMax}]`, () => {
      const mems = HARDHAT.slice(0, c.n)
      const expectedOrder = refOrder(c.epoch, c.retry, mems, c.conv)
      const size = c.n < c.snMin ? c.n : Math.min(c.snMax, c.n)
      const expected = expectedOrder.slice(0, size)
      const got = generateStewardList({
        epoch: c.epoch,
        retryRound: c.retry,
        members: [...mems].reverse(),
        conversationId: c.conv,
        config: { snMin: c.snMin, snMax: c.snMax, allowSubsetCandidates: false },
      })
      expect(got.map(toHex)).toEqual(expected)
      expect(sortStewardCandidates(c.epoch, c.retry, c.conv, mems).map(toHex)).toEqual(expectedOrder)
      for (const m of mems) expect(toHex(stewardSortKey(c.epoch, c.retry, m, c.conv))).toBe(refKey(c.epoch, c.retry, m, c.conv).toString('hex'))
    })
  }

  it('accepts a safe-integer number epoch equal to the bigint', () => {
    const a = generateStewardList({ epoch: 123456789, members: HARDHAT, conversationId: 'chat', config: { snMin: 1, snMax: 8, allowSubsetCandidates: false } })
    const b = generateStewardList({ epoch: 123456789n, members: HARDHAT, conversationId: 'chat', config: { snMin: 1, snMax: 8, allowSubsetCandidates: false } })
    expect(a.map(toHex)).toEqual(b.map(toHex))
  })

  it('string and UTF-8 bytes conversation ids are equivalent', () => {
    const conv = 'ünïcødé ✓'
    const bytes = new TextEncoder().encode(conv)
    const cfg = { snMin: 1, snMax: 8, allowSubsetCandidates: false }
    const a = generateStewardList({ epoch: 3n, members: HARDHAT, conversationId: conv, config: cfg })
    const b = generateStewardList({ epoch: 3n, members: HARDHAT, conversationId: bytes, config: cfg })
    expect(a.map(toHex)).toEqual(b.map(toHex))
    expect(a.map(toHex)).toEqual(refOrder(3n, 0, HARDHAT, conv))
  })

  it('epoch above 2^53 differs from its nearest double', () => {
    const e = 2n ** 53n + 1n
    const key1 = toHex(stewardSortKey(e, 0, HARDHAT[0] as Uint8Array, 'chat'))
    const key2 = toHex(stewardSortKey(2n ** 53n, 0, HARDHAT[0] as Uint8Array, 'chat'))
    expect(key1).not.toBe(key2)
  })

  it('the hash input layout is epoch BE ‖ retry BE ‖ member ‖ conversation with no separators', () => {
    // A pinned digest computed here with node:crypto from explicit bytes.
    const input = Buffer.concat([
      Buffer.from('0000000000000007', 'hex'),
      Buffer.from('00000002', 'hex'),
      Buffer.from(HARDHAT[2] as Uint8Array),
      Buffer.from('chat', 'utf8'),
    ])
    const expected = createHash('sha256').update(input).digest('hex')
    expect(toHex(stewardSortKey(7n, 2, HARDHAT[2] as Uint8Array, 'chat'))).toBe(expected)
  })

  // Pinned once from the independent node:crypto reference above (hash prefixes shown for auditability).
  it.each([
    [0n, 0, 'chat', ['3c44cdddb6a900fa2b585dd299e03d12fa4293bc', 'f39fd6e51aad88f6f4ce6ab8827279cfffb92266', '70997970c51812dc3a010c7d01b50e0d17dc79c8'], '15dae68feaa8c846'],
    [1n, 0, 'chat', ['f39fd6e51aad88f6f4ce6ab8827279cfffb92266', '3c44cdddb6a900fa2b585dd299e03d12fa4293bc', '70997970c51812dc3a010c7d01b50e0d17dc79c8'], '25d4801611e5a681'],
    [2n ** 53n + 1n, 1, 'grp', ['3c44cdddb6a900fa2b585dd299e03d12fa4293bc', 'f39fd6e51aad88f6f4ce6ab8827279cfffb92266', '70997970c51812dc3a010c7d01b50e0d17dc79c8'], '0185e59dc67f046e'],
  ] as const)('pinned Hardhat #0-#2 order at epoch %s retry %s conv %s', (epoch, retry, conv, order, firstKeyPrefix) => {
    const got = generateStewardList({
      epoch,
      retryRound: retry,
      members: HARDHAT.slice(0, 3),
      conversationId: conv,
      config: { snMin: 1, snMax: 3, allowSubsetCandidates: false },
    })
    expect(got.map(toHex)).toEqual(order)
    expect(toHex(stewardSortKey(epoch, retry, got[0] as Uint8Array, conv)).slice(0, 16)).toBe(firstKeyPrefix)
  })
})
