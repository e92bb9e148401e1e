import { DEFAULT_CONSENSUS_PLUGIN_ID, EthereumSigner } from '@demls/consensus'
import { signPersonalMessage } from '@demls/eip191'
import { bls12_381 } from '@noble/curves/bls12-381.js'
import { describe, expect, it } from 'vitest'
import {
  BLS_CURVE_ORDER,
  BLS_KEY_BINDING_LENGTH,
  BLS_POP_DST,
  BLS_POSSESSION_LABEL,
  type BlsKeyBinding,
  blsKeyFromMemberKey,
  blsKeyFromSeed,
  blsProvePossession,
  blsPublicKey,
  blsSign,
  blsVerify,
  blsVerifyPossession,
  blsVoteMessage,
  createKeyBinding,
  decodeKeyBinding,
  encodeKeyBinding,
  keyBindingDigest,
  verifyKeyBinding,
} from '../src/index.js'
import { g1NotInSubgroup, identity, negateG1, subG1 } from './helpers.js'

const aliceKey = new Uint8Array(32).fill(0x11)
const malloryKey = new Uint8Array(32).fill(0x22)
const alice = new EthereumSigner(aliceKey)
const mallory = new EthereumSigner(malloryKey)
const binding = createKeyBinding(alice, aliceKey)

describe('BLS key binding to the member identity', () => {
  it('binds the BLS key derived from the member key, verifies, and round-trips in 237 bytes', () => {
    expect(binding.publicKey).toEqual(blsPublicKey(blsKeyFromMemberKey(aliceKey)))
    expect(binding.memberId).toEqual(alice.identity)
    expect(verifyKeyBinding(binding)).toEqual({ ok: true })
    expect(verifyKeyBinding(binding, alice.identity)).toEqual({ ok: true })
    const bytes = encodeKeyBinding(binding)
    expect(bytes).toHaveLength(BLS_KEY_BINDING_LENGTH)
    expect(BLS_KEY_BINDING_LENGTH).toBe(237)
    expect(decodeKeyBinding(bytes)).toEqual(binding)
    expect(encodeKeyBinding(decodeKeyBinding(bytes))).toEqual(bytes)
  })

  it('an explicit BLS key can be bound too (derive: false)', () => {
    const sk = blsKeyFromSeed(new Uint8Array(32).fill(9))
    const b = createKeyBinding(alice, sk, { derive: false })
    expect(b.publicKey).toEqual(blsPublicKey(sk))
    expect(verifyKeyBinding(b, alice.identity).ok).toBe(true)
  })

  it('the member signature is EIP-191 over the digest of label, member id and BLS key; the proof is a domain-labelled signature naming the key and the member', () => {
    const digest = keyBindingDigest(binding.memberId, binding.publicKey)
    expect(binding.memberSignature).toEqual(signPersonalMessage(aliceKey, digest))
    // Not the plain IETF PopProve (which covers the key only under the PoP DST).
    expect(binding.possession).not.toEqual(blsProvePossession(blsKeyFromMemberKey(aliceKey)))
    expect(blsVerifyPossession(binding.publicKey, binding.possession)).toBe(false)
    const message = new Uint8Array([...new TextEncoder().encode(BLS_POSSESSION_LABEL), 0, ...binding.publicKey, ...alice.identity])
    expect(blsVerify(binding.publicKey, message, binding.possession)).toBe(true)
    // Under the PoP DST the same message does not verify: the proof is a signature-DST signature, domain-labelled.
    const popDst = bls12_381.longSignatures
    expect(popDst.verify(binding.possession, popDst.hash(message, BLS_POP_DST), binding.publicKey)).toBe(false)
    // No vote message can be a possession message: the labels differ from the first bytes on.
    const vote = blsVoteMessage({ conversationId: 'chat', epoch: 1n, proposalId: 1, proposalDigest: new Uint8Array(32) }, true)
    expect(Buffer.from(vote.subarray(0, 10)).toString()).toBe('demls/bls-')
    expect(Buffer.from(vote.subarray(10, 14)).toString()).not.toBe(Buffer.from(message.subarray(10, 14)).toString())
  })

  it('a rogue key without a valid proof of possession is refused (pk_mallory − pk_alice, signed by mallory)', () => {
    const rogue = subG1(blsPublicKey(blsKeyFromMemberKey(malloryKey)), binding.publicKey)
    // Mallory signs the binding of the rogue key to herself, but cannot prove possession: she knows no secret for it.
    const withOwnPop: BlsKeyBinding = {
      memberId: mallory.identity,
      publicKey: rogue,
      possession: blsProvePossession(blsKeyFromMemberKey(malloryKey)),
      memberSignature: mallory.sign(keyBindingDigest(mallory.identity, rogue)),
    }
    expect(verifyKeyBinding(withOwnPop)).toEqual({ ok: false, reason: 'bad-possession' })
    // Nor with alice's proof (a proof covers its own key only).
    expect(verifyKeyBinding({ ...withOwnPop, possession: binding.possession })).toEqual({ ok: false, reason: 'bad-possession' })
    // The negation of alice's key (which would cancel hers in an aggregate) has no proof either.
    const neg = negateG1(binding.publicKey)
    expect(verifyKeyBinding({ ...withOwnPop, publicKey: neg, memberSignature: mallory.sign(keyBindingDigest(mallory.identity, neg)) })).toEqual({
      ok: false,
      reason: 'bad-possession',
    })
  })

  it('a binding signed by another member key is refused (mallory claims alice’s BLS key, or binds a key to alice)', () => {
    // Mallory re-signs alice's BLS key and proof (copied from alice's leaf) under her own id: the proof names alice, refused.
    // (Accepted, alice's one vote would count twice: pk_a + pk_a verifies sig_a + sig_a.)
    const stolen: BlsKeyBinding = { ...binding, memberId: mallory.identity, memberSignature: mallory.sign(keyBindingDigest(mallory.identity, binding.publicKey)) }
    expect(verifyKeyBinding(stolen)).toEqual({ ok: false, reason: 'bad-possession' })
    // With the plain IETF proof of alice's key (which does not name a member) it is refused too.
    expect(verifyKeyBinding({ ...stolen, possession: blsProvePossession(blsKeyFromMemberKey(aliceKey)) })).toEqual({ ok: false, reason: 'bad-possession' })
    // The binding must name the leaf's member.
    expect(verifyKeyBinding(binding, mallory.identity)).toEqual({ ok: false, reason: 'wrong-member' })
    // A binding naming alice but signed by mallory's member key.
    const forged: BlsKeyBinding = { ...binding, memberSignature: mallory.sign(keyBindingDigest(alice.identity, binding.publicKey)) }
    expect(verifyKeyBinding(forged)).toEqual({ ok: false, reason: 'bad-member-signature' })
    expect(verifyKeyBinding(forged, alice.identity)).toEqual({ ok: false, reason: 'bad-member-signature' })
    // Alice's own signature moved to another BLS key.
    const other = blsPublicKey(blsKeyFromSeed(new Uint8Array(32).fill(3)))
    const otherBinding = createKeyBinding(mallory, blsKeyFromSeed(new Uint8Array(32).fill(3)), { derive: false })
    expect(verifyKeyBinding({ ...binding, publicKey: other, possession: otherBinding.possession })).toEqual({
      ok: false,
      reason: 'bad-member-signature',
    })
  })

  it('invalid BLS keys are refused as such', () => {
    for (const bad of [g1NotInSubgroup(), identity(48)]) {
      const b: BlsKeyBinding = { ...binding, publicKey: bad, memberSignature: alice.sign(keyBindingDigest(alice.identity, bad)) }
      expect(verifyKeyBinding(b)).toEqual({ ok: false, reason: 'invalid-public-key' })
    }
    expect(verifyKeyBinding({ ...binding, publicKey: binding.publicKey.subarray(0, 47) })).toEqual({ ok: false, reason: 'invalid-public-key' })
    expect(verifyKeyBinding({ ...binding, memberSignature: new Uint8Array(65) })).toEqual({ ok: false, reason: 'bad-member-signature' })
    expect(verifyKeyBinding({ ...binding, memberId: new Uint8Array(19) })).toEqual({ ok: false, reason: 'bad-member-signature' })
  })

  it('the decoder is strict: exact length, fields in order', () => {
    const bytes = encodeKeyBinding(binding)
    expect(() => decodeKeyBinding(bytes.subarray(0, 236))).toThrow(expect.objectContaining({ code: 'BLS_DECODE' }))
    expect(() => decodeKeyBinding(new Uint8Array([...bytes, 0]))).toThrow(expect.objectContaining({ code: 'BLS_DECODE' }))
    // Swap fields 1 and 2 (same total length): out of order.
    const swapped = new Uint8Array([...bytes.subarray(22, 72), ...bytes.subarray(0, 22), ...bytes.subarray(72)])
    expect(() => decodeKeyBinding(swapped)).toThrow(/out of order/)
    const wrongTag = Uint8Array.from(bytes)
    wrongTag[0] = 0x2a // field 5
    expect(() => decodeKeyBinding(wrongTag)).toThrow(/unknown field 5/)
    expect(() => encodeKeyBinding({ ...binding, possession: new Uint8Array(95) })).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
  })

  it('derivation from the member key is deterministic, domain-separated, and needs a 32-byte key', () => {
    expect(blsKeyFromMemberKey(aliceKey)).toEqual(blsKeyFromMemberKey(Uint8Array.from(aliceKey)))
    expect(blsKeyFromMemberKey(aliceKey)).not.toEqual(blsKeyFromSeed(aliceKey)) // key_info separates it from a plain KeyGen of the same bytes
    expect(blsKeyFromMemberKey(aliceKey)).not.toEqual(blsKeyFromMemberKey(malloryKey))
    expect(() => blsKeyFromMemberKey(new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
    expect(() => blsKeyFromSeed(new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
    expect(DEFAULT_CONSENSUS_PLUGIN_ID).toBe('hashgraph-like')
  })

  it('secret keys outside [1, r − 1] and non-byte messages are refused with a typed error', () => {
    const r = new Uint8Array(Buffer.from(BLS_CURVE_ORDER.toString(16).padStart(64, '0'), 'hex'))
    for (const bad of [new Uint8Array(32), r, new Uint8Array(32).fill(0xff), new Uint8Array(31).fill(1)]) {
      expect(() => blsPublicKey(bad)).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
      expect(() => blsSign(bad, new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
      expect(() => blsProvePossession(bad)).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
    }
    expect(() => blsSign(blsKeyFromSeed(aliceKey), 'vote' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
  })
})
