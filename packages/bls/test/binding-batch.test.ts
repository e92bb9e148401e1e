import { EthereumSigner } from '@demls/consensus'
import { bls12_381 } from '@noble/curves/bls12-381.js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type BlsKeyBinding,
  blsAggregateSignatures,
  blsConsensusPlugin,
  blsKeyFromMemberKey,
  blsKeyFromSeed,
  blsProvePossession,
  blsPublicKey,
  blsSign,
  createKeyBinding,
  defaultBlsBackend,
  encodeKeyBinding,
  keyBindingDigest,
  verifyKeyBinding,
  verifyKeyBindings,
} from '../src/index.js'
import { verifyKeyBindingsKeepingKeys } from '../src/binding.js'
import { g1NotInSubgroup, identity, native, noble, subG1 } from './helpers.js'

const memberKey = (n: number) => new Uint8Array(32).fill(n)
const signer = (n: number) => new EthereumSigner(memberKey(n))
const bindingOf = (n: number) => createKeyBinding(signer(n), memberKey(n))

const g2 = (bytes: Uint8Array) => bls12_381.G2.Point.fromBytes(bytes)

/** Three keys, each signing a message of its own. */
function signedSets() {
  return [1, 2, 3].map((n) => {
    const sk = blsKeyFromSeed(new Uint8Array(32).fill(n))
    const message = new TextEncoder().encode(`message ${n}`)
    return { publicKey: blsPublicKey(sk), message, signature: blsSign(sk, message) }
  })
}

/**
 * Two of mallory's bindings whose proofs of possession are each shifted by
 * ±X: each is invalid alone, and their sum is the sum of the two valid
 * proofs, so a batch that only added them up would accept both.
 */
function cancellingPair(): [BlsKeyBinding, BlsKeyBinding] {
  const a = bindingOf(0x31)
  const b = bindingOf(0x32)
  const x = g2(blsSign(blsKeyFromSeed(new Uint8Array(32).fill(9)), new TextEncoder().encode('shift')))
  return [
    { ...a, possession: g2(a.possession).add(x).toBytes(true) },
    { ...b, possession: g2(b.possession).subtract(x).toBytes(true) },
  ]
}

describe('key bindings verified together', () => {
  it('gives each binding the verdict verifyKeyBinding gives it alone, in order, whatever the mix', () => {
    const valid = [1, 2, 3, 4, 5].map(bindingOf)
    const mallory = signer(0x22)
    const rogue = subG1(blsPublicKey(blsKeyFromMemberKey(memberKey(0x22))), valid[0]!.publicKey)
    const bad = g1NotInSubgroup()
    const list: BlsKeyBinding[] = [
      valid[0]!,
      // A rogue key: mallory signs it, but holds no secret for it.
      { memberId: mallory.identity, publicKey: rogue, possession: blsProvePossession(blsKeyFromMemberKey(memberKey(0x22))), memberSignature: mallory.sign(keyBindingDigest(mallory.identity, rogue)) },
      valid[1]!,
      // Alice's binding re-signed by mallory's key.
      { ...valid[2]!, memberSignature: mallory.sign(keyBindingDigest(valid[2]!.memberId, valid[2]!.publicKey)) },
      // A key outside the subgroup, and the identity.
      { ...valid[3]!, publicKey: bad, memberSignature: signer(4).sign(keyBindingDigest(valid[3]!.memberId, bad)) },
      { ...valid[3]!, publicKey: identity(48), memberSignature: signer(4).sign(keyBindingDigest(valid[3]!.memberId, identity(48))) },
      // Another member's proof.
      { ...valid[4]!, possession: valid[0]!.possession },
      valid[3]!,
      valid[4]!,
    ]
    const expected = list.map((b) => verifyKeyBinding(b))
    expect(expected.map((v) => (v.ok ? 'ok' : v.reason))).toEqual(['ok', 'bad-possession', 'ok', 'bad-member-signature', 'invalid-public-key', 'invalid-public-key', 'bad-possession', 'ok', 'ok'])
    expect(verifyKeyBindings(list)).toEqual(expected)
    // All valid: every one accepted (the batch path), and each expected member checked.
    expect(verifyKeyBindings(valid).every((v) => v.ok)).toBe(true)
    const ids = valid.map((b) => b.memberId)
    expect(verifyKeyBindings(valid, [ids[0], ids[2], undefined, ids[3], ids[4]]).map((v) => (v.ok ? 'ok' : v.reason))).toEqual(['ok', 'wrong-member', 'ok', 'ok', 'ok'])
    expect(verifyKeyBindings([])).toEqual([])
  })

  it('refuses two proofs of possession that are invalid alone but sum to valid ones (the batch weighs each at random)', () => {
    const [a, b] = cancellingPair()
    // The plain sum of the two shifted proofs is the sum of the valid ones: an unweighted batch would pass them.
    const validSum = blsAggregateSignatures([bindingOf(0x31).possession, bindingOf(0x32).possession])
    expect(blsAggregateSignatures([a.possession, b.possession])).toEqual(validSum)
    expect(verifyKeyBinding(a)).toEqual({ ok: false, reason: 'bad-possession' })
    expect(verifyKeyBinding(b)).toEqual({ ok: false, reason: 'bad-possession' })
    const others = [6, 7, 8].map(bindingOf)
    const verdicts = verifyKeyBindings([others[0]!, a, others[1]!, b, others[2]!])
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.reason))).toEqual(['ok', 'bad-possession', 'ok', 'bad-possession', 'ok'])
  })

  it('native backend: verifyBatch accepts valid sets and refuses a cancelling pair, a bad point or an empty list; noble checks set by set', () => {
    const backend = native()
    const sets = signedSets()
    expect(backend.verifyBatch?.(sets)).toBe(true)
    const x = g2(sets[2]!.signature)
    const shifted = [
      { ...sets[0]!, signature: g2(sets[0]!.signature).add(x).toBytes(true) },
      { ...sets[1]!, signature: g2(sets[1]!.signature).subtract(x).toBytes(true) },
    ]
    expect(backend.verifyBatch?.(shifted)).toBe(false)
    expect(backend.verifyBatch?.([sets[0]!, { ...sets[1]!, publicKey: g1NotInSubgroup() }])).toBe(false)
    expect(backend.verifyBatch?.([sets[0]!, { ...sets[1]!, signature: identity(96) }])).toBe(false)
    expect(backend.verifyBatch?.([])).toBe(false)
    // Noble offers no batch: the plug-in's verdicts come from one check per binding, the same ones.
    expect(noble.verifyBatch).toBeUndefined()
  })

  it('the plug-in verifies encoded bindings together: undecodable ones refused, the rest as verifyBinding says', () => {
    const aggregation = blsConsensusPlugin(signer(0x41), { memberSecretKey: memberKey(0x41) }).aggregation!
    const [a, b] = cancellingPair()
    const encoded = [bindingOf(1), a, bindingOf(2), b].map(encodeKeyBinding)
    const list = [encoded[0]!, new Uint8Array(3), encoded[1]!, encoded[2]!, encodeKeyBinding(bindingOf(2)).subarray(1), encoded[3]!]
    const together = aggregation.verifyBindings?.(list)
    expect(together).toEqual(list.map((bytes) => aggregation.verifyBinding(bytes)))
    expect(together?.map((v) => (v.ok ? 'ok' : v.reason))).toEqual(['ok', 'undecodable', 'bad-possession', 'ok', 'undecodable', 'bad-possession'])
  })
})

describe('keys parsed once: a binding check hands its keys to the member key list', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('keeps the parsed key of each binding that passes, and only of those', () => {
    const valid = [1, 2, 3].map(bindingOf)
    const [a, b] = cancellingPair()
    const bad = g1NotInSubgroup()
    const list = [valid[0]!, a, valid[1]!, { ...valid[2]!, publicKey: bad, memberSignature: signer(3).sign(keyBindingDigest(valid[2]!.memberId, bad)) }, b, valid[2]!]
    const { verdicts, keys } = verifyKeyBindingsKeepingKeys(list)
    expect(verdicts).toEqual(verifyKeyBindings(list))
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.reason))).toEqual(['ok', 'bad-possession', 'ok', 'invalid-public-key', 'bad-possession', 'ok'])
    expect(keys.map((k) => k !== undefined)).toEqual([true, false, true, false, false, true])
    for (const [i, k] of keys.entries()) if (k !== undefined) expect(k.bytes).toEqual(list[i]!.publicKey)
    // One binding alone: the same verdict as verifyKeyBinding, and its key.
    const one = verifyKeyBindingsKeepingKeys([valid[0]!])
    expect(one.verdicts).toEqual([verifyKeyBinding(valid[0]!)])
    expect(one.keys[0]?.bytes).toEqual(valid[0]!.publicKey)
    expect(verifyKeyBindingsKeepingKeys([a]).keys).toEqual([undefined])
  })

  it('the plug-in builds the member key list from the keys its binding checks parsed: none is validated twice, any other key still is', () => {
    const backend = defaultBlsBackend()
    const aggregation = blsConsensusPlugin(signer(0x51), { memberSecretKey: memberKey(0x51) }).aggregation!
    const members = [1, 2, 3, 4, 5].map(bindingOf)
    const parse = vi.spyOn(backend, 'parsePublicKey')
    expect(aggregation.verifyBindings?.(members.map(encodeKeyBinding)).every((v) => v.ok)).toBe(true)
    expect(parse).toHaveBeenCalledTimes(5)
    const first = aggregation.memberKeys(members.map((m) => m.publicKey))
    expect(parse).toHaveBeenCalledTimes(5)
    // A joiner's binding checked alone, then the next epoch's list: only the joiner's key is new, and it was parsed by its check.
    const joiner = bindingOf(6)
    expect(aggregation.verifyBinding(encodeKeyBinding(joiner), joiner.memberId).ok).toBe(true)
    expect(parse).toHaveBeenCalledTimes(6)
    const second = aggregation.memberKeys([...members, joiner].map((m) => m.publicKey), first)
    expect(parse).toHaveBeenCalledTimes(6)
    // A key no binding check passed is parsed and validated as before: refused if invalid, whatever was checked.
    const unchecked = bindingOf(7)
    aggregation.memberKeys([...members, joiner, unchecked].map((m) => m.publicKey), second)
    expect(parse).toHaveBeenCalledTimes(7)
    expect(() => aggregation.memberKeys([...members.map((m) => m.publicKey), g1NotInSubgroup()], second)).toThrow(/invalid-key/)
    // A refused binding leaves nothing behind: its key is parsed again when a list names it.
    const [a] = cancellingPair()
    expect(aggregation.verifyBinding(encodeKeyBinding(a), a.memberId).ok).toBe(false)
    const calls = parse.mock.calls.length
    aggregation.memberKeys([...members.map((m) => m.publicKey), a.publicKey], first)
    expect(parse).toHaveBeenCalledTimes(calls + 1)
  })

  it('native backend: verifyParsedBatch is verifyBatch over parsed keys, and refuses a key another backend parsed', () => {
    const backend = native()
    const sets = signedSets()
    const keyed = sets.map((s) => ({ key: backend.parsePublicKey(s.publicKey)!, message: s.message, signature: s.signature }))
    expect(backend.verifyParsedBatch?.(keyed)).toBe(true)
    expect(backend.verifyParsedBatch?.([keyed[0]!, { ...keyed[1]!, signature: sets[2]!.signature }])).toBe(false)
    expect(backend.verifyParsedBatch?.([keyed[0]!, { ...keyed[1]!, key: noble.parsePublicKey(sets[1]!.publicKey)! }])).toBe(false)
    expect(backend.verifyParsedBatch?.([])).toBe(false)
    expect(noble.verifyParsedBatch).toBeUndefined()
  })
})
