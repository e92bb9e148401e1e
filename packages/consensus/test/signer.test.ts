import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { recoverMessageAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import {
  EthereumSigner,
  InvalidConsensusArgumentError,
  ethereumAddress,
  hashPersonalMessage,
  recoverPersonalMessageAddress,
  signPersonalMessage,
  verifyPersonalMessage,
} from '../src/index.js'
import { DEV_KEYS } from './helpers.js'

const EXPECTED = {
  ALICE: 'f39fd6e51aad88f6f4ce6ab8827279cfffb92266',
  BOB: '70997970c51812dc3a010c7d01b50e0d17dc79c8',
  CHARLIE: '3c44cdddb6a900fa2b585dd299e03d12fa4293bc',
} as const

const N = secp256k1.Point.CURVE().n
const messages = [new Uint8Array(0), new Uint8Array([0x61, 0x62, 0x63]), new Uint8Array(300).map((_, i) => i * 7)]

describe('Ethereum signer — cross-checked with viem', () => {
  for (const [name, key] of Object.entries(DEV_KEYS)) {
    const account = privateKeyToAccount(`0x${bytesToHex(key)}`)

    it(`${name}: address matches viem and the Hardhat account`, () => {
      const addr = ethereumAddress(key)
      expect(addr.length).toBe(20)
      expect(bytesToHex(addr)).toBe(EXPECTED[name as keyof typeof EXPECTED])
      expect(`0x${bytesToHex(addr)}`).toBe(account.address.toLowerCase())
      expect(new EthereumSigner(key).identity).toEqual(addr)
    })

    it(`${name}: signatures are byte-identical to viem signMessage({ raw }) and recover both ways`, async () => {
      for (const raw of messages) {
        const ours = signPersonalMessage(key, raw)
        const theirs = await account.signMessage({ message: { raw } })
        expect(`0x${bytesToHex(ours)}`).toBe(theirs)
        expect([27, 28]).toContain(ours[64])
        const viemRecovered = await recoverMessageAddress({ message: { raw }, signature: `0x${bytesToHex(ours)}` })
        expect(viemRecovered).toBe(account.address)
        expect(recoverPersonalMessageAddress(raw, hexToBytes(theirs.slice(2)))).toEqual(ethereumAddress(key))
        expect(verifyPersonalMessage(ethereumAddress(key), raw, ours)).toBe(true)
      }
    })
  }
})

describe('Ethereum signer — encoding variants', () => {
  const key = DEV_KEYS.ALICE
  const addr = ethereumAddress(key)
  const msg = new Uint8Array([1, 2, 3, 4])
  const sig = signPersonalMessage(key, msg)

  it('hashes with the EIP-191 prefix and decimal length', async () => {
    const { hashMessage } = await import('viem')
    expect(`0x${bytesToHex(hashPersonalMessage(msg))}`).toBe(hashMessage({ raw: msg }))
  })

  it('accepts v = 0/1 as well as 27/28', () => {
    const raw = sig.slice()
    raw[64] = sig[64]! - 27
    expect(verifyPersonalMessage(addr, msg, raw)).toBe(true)
  })

  it('rejects other v values (alloy would read v ≥ 35 as EIP-155; demls does not)', () => {
    for (const v of [2, 26, 29, 35, 36, 255]) {
      const raw = sig.slice()
      raw[64] = v
      expect(verifyPersonalMessage(addr, msg, raw)).toBe(false)
    }
  })

  it('accepts the high-s twin of a signature, like alloy (which normalises s before recovery)', () => {
    const s = BigInt(`0x${bytesToHex(sig.subarray(32, 64))}`)
    const high = sig.slice()
    high.set(hexToBytes((N - s).toString(16).padStart(64, '0')), 32)
    high[64] = sig[64] === 27 ? 28 : 27
    expect(verifyPersonalMessage(addr, msg, high)).toBe(true)
    // Same s flipped without flipping v recovers another key.
    const wrong = high.slice()
    wrong[64] = sig[64]!
    expect(verifyPersonalMessage(addr, msg, wrong)).toBe(false)
  })

  it('rejects wrong lengths, zero r/s, wrong message, wrong address and non-20-byte identities', () => {
    expect(verifyPersonalMessage(addr, msg, sig.subarray(0, 64))).toBe(false)
    expect(verifyPersonalMessage(addr, msg, new Uint8Array(66))).toBe(false)
    const zero = new Uint8Array(65)
    zero[64] = 27
    expect(verifyPersonalMessage(addr, msg, zero)).toBe(false)
    expect(verifyPersonalMessage(addr, new Uint8Array([9]), sig)).toBe(false)
    expect(verifyPersonalMessage(ethereumAddress(DEV_KEYS.BOB), msg, sig)).toBe(false)
    expect(verifyPersonalMessage(new Uint8Array([...addr, 0]), msg, sig)).toBe(false)
    expect(verifyPersonalMessage(addr.subarray(0, 19), msg, sig)).toBe(false)
    expect(recoverPersonalMessageAddress(msg, zero)).toBeUndefined()
  })

  it('refuses an invalid private key', () => {
    expect(() => new EthereumSigner(new Uint8Array(32))).toThrow(InvalidConsensusArgumentError)
    expect(() => new EthereumSigner(new Uint8Array(31).fill(1))).toThrow(InvalidConsensusArgumentError)
  })
})
