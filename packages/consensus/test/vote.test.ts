import { createHash } from 'node:crypto'
import { decodeVote, encodeVote } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import {
  EthereumSigner,
  InvalidConsensusArgumentError,
  InvalidHashChainError,
  InvalidSignatureError,
  InvalidVoteError,
  ProposalExpiredError,
  buildVote,
  computeVoteHash,
  createProposal,
  foldUuid,
  randomId,
  randomUuid,
  randomUuidBytes,
  toVote,
  validateVote,
  validateVoteChain,
} from '../src/index.js'
import { ALICE_KEY, BOB_KEY, CHARLIE_KEY, T0, seededRandom } from './helpers.js'

const alice = new EthereumSigner(ALICE_KEY)
const bob = new EthereumSigner(BOB_KEY)
const charlie = new EthereumSigner(CHARLIE_KEY)

describe('random ids', () => {
  it('sets the UUIDv4 version and variant bits', () => {
    for (let seed = 0; seed < 50; seed++) {
      const b = randomUuidBytes(seededRandom(seed))
      expect(b[6]! >> 4).toBe(4)
      expect(b[8]! >> 6).toBe(2)
    }
    expect(randomUuid(seededRandom(1))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('folds by XOR of the four 32-bit words', () => {
    const u = Uint8Array.from({ length: 16 }, (_, i) => i * 17)
    const dv = new DataView(u.buffer)
    expect(foldUuid(u)).toBe((dv.getUint32(0) ^ dv.getUint32(4) ^ dv.getUint32(8) ^ dv.getUint32(12)) >>> 0)
    expect(foldUuid(new Uint8Array(16).fill(0xff))).toBe(0)
    expect(() => foldUuid(new Uint8Array(15))).toThrow(RangeError)
  })

  it('is deterministic with an injected RNG and random with the default one', () => {
    expect(randomId(seededRandom(7))).toBe(randomId(seededRandom(7)))
    const ids = new Set(Array.from({ length: 100 }, () => randomId()))
    expect(ids.size).toBeGreaterThan(95)
    for (const id of ids) expect(id >>> 0).toBe(id)
  })
})

describe('computeVoteHash', () => {
  it('is SHA-256 of id LE ‖ owner ‖ proposal id LE ‖ timestamp u64 LE ‖ choice ‖ parent ‖ received', () => {
    const owner = Uint8Array.from({ length: 20 }, (_, i) => i + 1)
    const parent = new Uint8Array(32).fill(0xaa)
    const received = new Uint8Array(32).fill(0xbb)
    const vote = { voteId: 0x01020304, voteOwner: owner, proposalId: 0xa0b0c0d0, timestamp: 0x0102030405060708n, vote: true, parentHash: parent, receivedHash: received }
    const manual = Buffer.concat([
      Buffer.from([0x04, 0x03, 0x02, 0x01]),
      owner,
      Buffer.from([0xd0, 0xc0, 0xb0, 0xa0]),
      Buffer.from([8, 7, 6, 5, 4, 3, 2, 1]),
      Buffer.from([1]),
      parent,
      received,
    ])
    const expected = new Uint8Array(createHash('sha256').update(manual).digest())
    expect(computeVoteHash(vote)).toEqual(expected)
    expect(computeVoteHash({ ...vote, timestamp: 0x0102030405060708n })).toEqual(expected)
    // NO vote changes one byte; empty hashes are just absent.
    const no = Buffer.concat([manual.subarray(0, 36), Buffer.from([0])])
    expect(computeVoteHash({ ...vote, vote: false, parentHash: undefined, receivedHash: new Uint8Array(0) })).toEqual(
      new Uint8Array(createHash('sha256').update(no).digest()),
    )
  })

  it('accepts number timestamps and defaults, rejects out-of-range ids', () => {
    expect(computeVoteHash({ timestamp: 5 })).toEqual(computeVoteHash({ timestamp: 5n, vote: false }))
    expect(computeVoteHash({}).length).toBe(32)
    expect(() => computeVoteHash({ voteId: -1 })).toThrow(InvalidConsensusArgumentError)
    expect(() => computeVoteHash({ proposalId: 2 ** 32 })).toThrow(InvalidConsensusArgumentError)
    expect(() => computeVoteHash({ timestamp: 1n << 64n })).toThrow(InvalidConsensusArgumentError)
  })
})

describe('buildVote / validateVote', () => {
  const proposal = createProposal({ payload: new Uint8Array([1]), owner: alice.identity, expectedVotersCount: 3, random: seededRandom(3) }, T0)
  const nowSec = BigInt(T0 / 1000)

  it('builds a signed vote whose signature covers the encoding without the signature', () => {
    const v = buildVote({ proposal, choice: true, signer: alice, now: T0 + 1500, random: seededRandom(4) })
    expect(v.timestamp).toBe(nowSec + 1n)
    expect(v.voteOwner).toEqual(alice.identity)
    expect(v.parentHash.length).toBe(0)
    expect(v.receivedHash.length).toBe(0)
    expect(v.voteHash).toEqual(computeVoteHash(v))
    expect(alice.verify(alice.identity, encodeVote({ ...v, signature: new Uint8Array(0) }), v.signature)).toBe(true)
    const back = decodeVote(encodeVote(v))
    expect(() => validateVote(back, proposal, nowSec + 2n, alice)).not.toThrow()
  })

  it('links receivedHash to the last vote and parentHash to the own previous vote', () => {
    const a1 = buildVote({ proposal, choice: true, signer: alice, now: T0 })
    const b1 = buildVote({ proposal: { ...proposal, votes: [a1] }, choice: false, signer: bob, now: T0 })
    expect(b1.receivedHash).toEqual(a1.voteHash)
    expect(b1.parentHash.length).toBe(0)
    const a2 = buildVote({ proposal: { ...proposal, votes: [a1, b1] }, choice: true, signer: alice, now: T0 })
    expect(a2.receivedHash).toEqual(b1.voteHash)
    expect(a2.parentHash).toEqual(a1.voteHash)
    expect(() => validateVoteChain([a1, b1, a2])).not.toThrow()
  })

  it('rejects empty fields, a wrong hash and a bad signature with typed errors', () => {
    const v = buildVote({ proposal, choice: true, signer: bob, now: T0 })
    const check = (x: typeof v) => () => validateVote(x, proposal, nowSec, alice)
    expect(check({ ...v, voteOwner: new Uint8Array(0) })).toThrow(expect.objectContaining({ reason: 'empty-owner' }))
    expect(check({ ...v, voteHash: new Uint8Array(0) })).toThrow(expect.objectContaining({ reason: 'empty-hash' }))
    expect(check({ ...v, signature: new Uint8Array(0) })).toThrow(expect.objectContaining({ reason: 'empty-signature' }))
    expect(check({ ...v, vote: false })).toThrow(expect.objectContaining({ reason: 'hash-mismatch' }))
    expect(check({ ...v, proposalId: v.proposalId ^ 1 })).toThrow(InvalidVoteError)
    // Re-hash after tampering: the hash matches but the signature no longer does.
    const tampered = toVote({ ...v, vote: false })
    tampered.voteHash = computeVoteHash(tampered)
    expect(check(tampered)).toThrow(InvalidSignatureError)
    // Owner swapped for charlie's address with a re-computed hash: signature recovers bob.
    const stolen = toVote({ ...v, voteOwner: charlie.identity })
    stolen.voteHash = computeVoteHash(stolen)
    expect(check(stolen)).toThrow(InvalidSignatureError)
    // A non-20-byte owner never verifies.
    const longOwner = toVote({ ...v, voteOwner: new Uint8Array(21) })
    longOwner.voteHash = computeVoteHash(longOwner)
    expect(check(longOwner)).toThrow(InvalidSignatureError)
  })

  it('enforces the replay window [proposal.timestamp, expiration] and now ≤ expiration', () => {
    const early = buildVote({ proposal, choice: true, signer: bob, now: T0 - 1000 })
    expect(() => validateVote(early, proposal, nowSec, alice)).toThrow(expect.objectContaining({ reason: 'timestamp-before-proposal' }))
    const late = buildVote({ proposal, choice: true, signer: bob, now: T0 + 601_000 })
    expect(() => validateVote(late, proposal, nowSec, alice)).toThrow(expect.objectContaining({ reason: 'timestamp-after-expiration' }))
    const atExpiry = buildVote({ proposal, choice: true, signer: bob, now: T0 + 600_000 })
    expect(() => validateVote(atExpiry, proposal, nowSec + 600n, alice)).not.toThrow()
    expect(() => validateVote(atExpiry, proposal, nowSec + 601n, alice)).toThrow(ProposalExpiredError)
  })

  it('rejects broken chains', () => {
    const a1 = buildVote({ proposal, choice: true, signer: alice, now: T0 + 2000 })
    const b1 = buildVote({ proposal: { ...proposal, votes: [a1] }, choice: true, signer: bob, now: T0 + 3000 })
    const c1 = buildVote({ proposal: { ...proposal, votes: [a1, b1] }, choice: true, signer: charlie, now: T0 + 4000 })
    expect(() => validateVoteChain([a1, b1, c1])).not.toThrow()
    // Reordered: c1's receivedHash is b1, but its predecessor is a1.
    expect(() => validateVoteChain([b1, a1, c1])).toThrow(expect.objectContaining({ link: 'received-hash' }))
    // Earlier vote later in time than its successor.
    const b0 = buildVote({ proposal: { ...proposal, votes: [a1] }, choice: true, signer: bob, now: T0 })
    expect(() => validateVoteChain([a1, b0])).toThrow(InvalidHashChainError)
    // Parent that belongs to another owner.
    const forged = toVote({ ...c1, parentHash: a1.voteHash })
    expect(() => validateVoteChain([a1, b1, forged])).toThrow(expect.objectContaining({ link: 'parent-hash' }))
    // Parent that does not exist.
    const dangling = toVote({ ...c1, parentHash: new Uint8Array(32) })
    expect(() => validateVoteChain([a1, b1, dangling])).toThrow(expect.objectContaining({ link: 'parent-hash' }))
    // Empty received hash skips the link check (as in the crate).
    const unlinked = toVote({ ...c1, receivedHash: new Uint8Array(0) })
    expect(() => validateVoteChain([b1, a1, unlinked])).not.toThrow()
  })
})
