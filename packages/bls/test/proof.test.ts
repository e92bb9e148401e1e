import { type ConsensusRule, consensusResult } from '@demls/consensus'
import { bls12_381 } from '@noble/curves/bls12-381.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type ApprovalProof,
  type BlsVote,
  MAX_APPROVAL_PROOF_BYTES,
  MAX_BITMAP_BYTES,
  MAX_PROOF_MEMBERS,
  type ProofContext,
  bitmapSigners,
  blsAggregateSignatures,
  blsPublicKey,
  blsSign,
  blsVoteMessage,
  buildApprovalProof,
  decodeApprovalProof,
  encodeApprovalProof,
  isBlsEquivocation,
  prepareMemberKeys,
  signerBitmap,
  verifyApprovalProof,
  verifyBitmapAggregate,
  verifyOutcomeProof,
} from '../src/index.js'
import { identity, native, noble, secretKeys, subG1 } from './helpers.js'

const N = 10
const sks = secretKeys(N)
const pks = sks.map((sk) => blsPublicKey(sk))
const members = prepareMemberKeys(pks)
const digest = new Uint8Array(32).fill(0xab)
const ctx: ProofContext = { conversationId: 'chat', epoch: 7n, proposalId: 4242, proposalDigest: digest, livenessCriteriaYes: true }
const vote = (member: number, v: boolean, c = ctx): BlsVote => ({ member, vote: v, signature: blsSign(sks[member]!, blsVoteMessage(c, v)) })
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i)

/** A proof of YES by members [0, 7) (7 of 10 ≥ ⌈20/3⌉ = 7). */
function approved(c = ctx): ApprovalProof {
  return buildApprovalProof(c, members, range(0, 7).map((m) => vote(m, true, c))).proof!
}

describe('the signed vote message', () => {
  it('binds the conversation, the epoch, the proposal id and digest, and the value', () => {
    const base = blsVoteMessage(ctx, true)
    expect(base).toHaveLength(17 + 1 + 32)
    expect(new TextDecoder().decode(base.subarray(0, 17))).toBe('demls/bls-vote/v1')
    const variants = [
      blsVoteMessage(ctx, false),
      blsVoteMessage({ ...ctx, conversationId: 'chat2' }, true),
      blsVoteMessage({ ...ctx, epoch: 8n }, true),
      blsVoteMessage({ ...ctx, proposalId: 4243 }, true),
      blsVoteMessage({ ...ctx, proposalDigest: new Uint8Array(32).fill(0xac) }, true),
    ]
    const all = new Set([base, ...variants].map((m) => Buffer.from(m).toString('hex')))
    expect(all.size).toBe(6)
  })

  it('refuses out-of-range context fields with a typed error', () => {
    for (const bad of [
      { ...ctx, epoch: -1n },
      { ...ctx, epoch: 1n << 64n },
      { ...ctx, proposalId: 2 ** 32 },
      { ...ctx, proposalId: 1.5 },
      { ...ctx, proposalDigest: new Uint8Array(31) },
      { ...ctx, conversationId: 'x'.repeat(70_000) },
    ]) {
      expect(() => blsVoteMessage(bad, true)).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
    }
  })
})

describe('building and verifying approval proofs', () => {
  it('7 of 10 YES: approved; the proof round-trips byte for byte and verifies on both backends', () => {
    const proof = approved()
    const bytes = encodeApprovalProof(proof)
    expect(encodeApprovalProof(decodeApprovalProof(bytes))).toEqual(bytes)
    for (const b of [native(), noble]) {
      const r = verifyApprovalProof(decodeApprovalProof(bytes), ctx, prepareMemberKeys(pks, b))
      expect(r).toEqual({ ok: true, outcome: 'yes', yes: range(0, 7), no: [] })
    }
  })

  it('the rule decides from signed votes only, before any timeout: 6 of 10 YES is not decided; silent members never count', () => {
    const { proof } = buildApprovalProof(ctx, members, range(0, 6).map((m) => vote(m, true)))
    expect(verifyApprovalProof(proof!, ctx, members)).toEqual({ ok: false, reason: 'not-decided' })
    // With the liveness flag on, the reference rule counts silent members as YES once the quorum gate passes:
    // 6 YES + 1 NO passes the gate (7 ≥ 7), YES weight 6 + 3 silent = 9 → YES.
    const mixed = buildApprovalProof(ctx, members, [...range(0, 6).map((m) => vote(m, true)), vote(9, false)]).proof!
    expect(verifyApprovalProof(mixed, ctx, members)).toMatchObject({ ok: true, outcome: 'yes', yes: range(0, 6), no: [9] })
    // The same votes with the flag off: silent weigh NO → NO weight 1 + 3 = 4, YES 6 < 7: undecided.
    expect(verifyApprovalProof(mixed, { ...ctx, livenessCriteriaYes: false }, members)).toEqual({ ok: false, reason: 'not-decided' })
  })

  it('a NO outcome is proved by verifyOutcomeProof and is never an approval', () => {
    const { proof } = buildApprovalProof(ctx, members, range(0, 7).map((m) => vote(m, false)))
    expect(verifyOutcomeProof(proof!, ctx, members)).toMatchObject({ ok: true, outcome: 'no', no: range(0, 7) })
    expect(verifyApprovalProof(proof!, ctx, members)).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('takes the group rule: a veto rule refuses what the reference rule approves', () => {
    const veto: ConsensusRule = (t) => (t.no > 0 ? 'no' : consensusResult(t))
    const proof = buildApprovalProof(ctx, members, [...range(0, 8).map((m) => vote(m, true)), vote(9, false)]).proof!
    expect(verifyApprovalProof(proof, ctx, members).ok).toBe(true)
    expect(verifyApprovalProof(proof, ctx, members, veto)).toEqual({ ok: false, reason: 'not-approved' })
    // A rule that throws decides nothing.
    expect(verifyApprovalProof(proof, ctx, members, () => { throw new Error('boom') })).toEqual({ ok: false, reason: 'not-decided' })
  })

  it('the aggregator verifies each vote first: forged, misplaced and out-of-range votes are left out, not aggregated', () => {
    const forged: BlsVote = { member: 8, vote: true, signature: blsSign(sks[0]!, blsVoteMessage(ctx, true)) } // member 0 signing as 8
    const otherGroup = vote(7, true, { ...ctx, conversationId: 'other' })
    const noAsYes: BlsVote = { ...vote(9, false), vote: true }
    const outside: BlsVote = { ...vote(0, true), member: N }
    const built = buildApprovalProof(ctx, members, [...range(0, 7).map((m) => vote(m, true)), forged, otherGroup, noAsYes, outside, { ...vote(1, true) }])
    expect(built.invalid).toEqual([7, 8, 9, 10])
    expect(bitmapSigners(built.proof!.yes!.signers, N)).toEqual(range(0, 7))
    expect(verifyApprovalProof(built.proof!, ctx, members).ok).toBe(true)
    expect(buildApprovalProof(ctx, members, [forged]).proof).toBeUndefined()
  })

  it('batch check: a pair of signatures that each fail alone but sum to the true aggregate is accepted as a side (the proof holds); a repeat with a bad signature is refused, the vote counts once', () => {
    const d = blsSign(secretKeys(1, 42)[0]!, new Uint8Array([1])) // any G2 point D
    const neg = (sig: Uint8Array) => bls12_381.G2.Point.fromBytes(sig).negate().toBytes(true)
    const plus = (a: Uint8Array, b: Uint8Array) => blsAggregateSignatures([a, b])!
    const v0 = vote(0, true)
    const v1 = vote(1, true)
    const skewed0 = { ...v0, signature: plus(v0.signature, d) }
    const skewed1 = { ...v1, signature: plus(v1.signature, neg(d)) }
    for (const v of [skewed0, skewed1]) expect(buildApprovalProof(ctx, members, [v]).invalid).toEqual([0])
    const built = buildApprovalProof(ctx, members, [skewed0, skewed1, ...range(2, 7).map((m) => vote(m, true)), { ...vote(3, true), signature: d }])
    expect(built.invalid).toEqual([7])
    expect(bitmapSigners(built.proof!.yes!.signers, N)).toEqual(range(0, 7))
    expect(verifyApprovalProof(built.proof!, ctx, members).ok).toBe(true)
    // A skewed NO by member 0 next to its YES is not evidence of equivocation (it does not verify alone).
    const skewedNo = { ...vote(0, false), signature: plus(vote(0, false).signature, d) }
    const skewedNo1 = { ...vote(1, false), signature: plus(vote(1, false).signature, neg(d)) }
    const framed = buildApprovalProof(ctx, members, [...range(0, 7).map((m) => vote(m, true)), skewedNo, skewedNo1])
    expect(framed.equivocators).toEqual([])
    expect(framed.invalid).toEqual([7, 8])
    expect(framed.proof!.no).toBeUndefined()
    expect(verifyApprovalProof(framed.proof!, ctx, members)).toMatchObject({ ok: true, yes: range(0, 7), no: [] })
    // Trimming one of a cancelling pair leaves the other alone: its side is checked again and it is refused too.
    const skewedNo9 = { ...vote(9, false), signature: plus(vote(9, false).signature, neg(d)) }
    expect(buildApprovalProof(ctx, members, [skewedNo, skewedNo9]).invalid).toEqual([]) // together they pass as a batch
    const half = buildApprovalProof(ctx, members, [...range(0, 7).map((m) => vote(m, true)), skewedNo, skewedNo9, vote(8, false)])
    expect(half.invalid).toEqual([7, 8])
    expect(bitmapSigners(half.proof!.no!.signers, N)).toEqual([8])
    expect(verifyOutcomeProof(half.proof!, ctx, members)).toMatchObject({ ok: true, outcome: 'yes', no: [8] })
  })

  it('whatever mix of valid, forged, repeated and two-sided votes it gets, the aggregator’s sides verify and name only members with a vote that verifies alone (fast-check)', () => {
    const d = blsSign(secretKeys(1, 43)[0]!, new Uint8Array([2]))
    fc.assert(
      fc.property(
        fc.array(fc.record({ member: fc.nat(N - 1), vote: fc.boolean(), kind: fc.constantFrom('valid', 'valid', 'valid', 'forged', 'skew+', 'skew-') }), { maxLength: 24 }),
        (spec) => {
          const votes: BlsVote[] = spec.map(({ member, vote: v, kind }) => {
            const good = vote(member, v)
            if (kind === 'valid') return good
            if (kind === 'forged') return { ...good, signature: d }
            const delta = kind === 'skew+' ? d : bls12_381.G2.Point.fromBytes(d).negate().toBytes(true)
            return { ...good, signature: blsAggregateSignatures([good.signature, delta])! }
          })
          const built = buildApprovalProof(ctx, members, votes)
          const honest = (member: number, v: boolean) => spec.some((x) => x.member === member && x.vote === v && x.kind === 'valid')
          for (const [v, side] of [
            [true, built.proof?.yes],
            [false, built.proof?.no],
          ] as const) {
            if (side === undefined) continue
            const signers = verifyBitmapAggregate(members, side.signers, blsVoteMessage(ctx, v), side.signature)
            expect(Array.isArray(signers)).toBe(true)
            // Skewed pairs may pass together (their sum is the true aggregate); every named member otherwise voted validly.
            for (const m of signers as number[]) expect(honest(m, v) || spec.some((x) => x.member === m && x.vote === v && x.kind.startsWith('skew'))).toBe(true)
          }
          // Both sides never name the same member, and equivocators are named on neither.
          if (built.proof?.yes && built.proof.no) {
            const y = bitmapSigners(built.proof.yes.signers, N) as number[]
            const n = bitmapSigners(built.proof.no.signers, N) as number[]
            expect(y.filter((m) => n.includes(m))).toEqual([])
          }
          for (const m of built.equivocators) {
            expect(honest(m, true) && honest(m, false)).toBe(true)
          }
        },
      ),
      { numRuns: 25 },
    )
  }, 120_000)

  it('a member that signs both ways is reported and counted on neither side; the pair is evidence', () => {
    const yes5 = vote(5, true)
    const no5 = vote(5, false)
    const built = buildApprovalProof(ctx, members, [...range(0, 7).map((m) => vote(m, true)), no5])
    expect(built.equivocators).toEqual([5])
    expect(built.proof!.no).toBeUndefined()
    expect(bitmapSigners(built.proof!.yes!.signers, N)).toEqual([0, 1, 2, 3, 4, 6])
    expect(verifyApprovalProof(built.proof!, ctx, members)).toEqual({ ok: false, reason: 'not-decided' })
    expect(isBlsEquivocation(ctx, pks[5]!, yes5.signature, no5.signature)).toBe(true)
    expect(isBlsEquivocation(ctx, pks[5]!, yes5.signature, yes5.signature)).toBe(false)
    expect(isBlsEquivocation(ctx, pks[4]!, yes5.signature, no5.signature)).toBe(false)
    expect(isBlsEquivocation({ ...ctx, epoch: 8n }, pks[5]!, yes5.signature, no5.signature)).toBe(false)
  })
})

describe('adversarial proofs are refused', () => {
  const proof = approved()

  it('a proof over another proposal (id or content) or another epoch', () => {
    expect(verifyApprovalProof(proof, { ...ctx, proposalId: 4243 }, members)).toEqual({ ok: false, reason: 'wrong-proposal' })
    expect(verifyApprovalProof(proof, { ...ctx, proposalDigest: new Uint8Array(32) }, members)).toEqual({ ok: false, reason: 'wrong-proposal' })
    expect(verifyApprovalProof(proof, { ...ctx, epoch: 8n }, members)).toEqual({ ok: false, reason: 'wrong-epoch' })
    // Relabelling the proof to the expected epoch / proposal does not help: the signatures are over the original.
    expect(verifyApprovalProof({ ...proof, epoch: 8n }, { ...ctx, epoch: 8n }, members)).toEqual({ ok: false, reason: 'bad-yes-signature' })
    expect(verifyApprovalProof({ ...proof, proposalId: 1 }, { ...ctx, proposalId: 1 }, members)).toEqual({ ok: false, reason: 'bad-yes-signature' })
  })

  it('a proof replayed in another conversation (same epoch and proposal numbers)', () => {
    expect(verifyApprovalProof(proof, { ...ctx, conversationId: 'other' }, members)).toEqual({ ok: false, reason: 'bad-yes-signature' })
  })

  it('a YES aggregate presented as NO (and a NO as YES)', () => {
    const asNo: ApprovalProof = { ...proof, yes: undefined, no: proof.yes }
    delete asNo.yes
    expect(verifyOutcomeProof(asNo, ctx, members)).toEqual({ ok: false, reason: 'bad-no-signature' })
    const noProof = buildApprovalProof(ctx, members, range(0, 7).map((m) => vote(m, false))).proof!
    expect(verifyApprovalProof({ epoch: noProof.epoch, proposalId: noProof.proposalId, proposalDigest: noProof.proposalDigest, yes: noProof.no! }, ctx, members)).toEqual({ ok: false, reason: 'bad-yes-signature' })
  })

  it('a forged aggregate, and a bitmap claiming more signers than signed', () => {
    const forged = blsSign(sks[0]!, blsVoteMessage(ctx, true)) // one member's signature, 7 claimed
    expect(verifyApprovalProof({ ...proof, yes: { signers: proof.yes!.signers, signature: forged } }, ctx, members)).toEqual({ ok: false, reason: 'bad-yes-signature' })
    const padded = signerBitmap(range(0, 8), N) // member 7 added without its signature
    expect(verifyApprovalProof({ ...proof, yes: { signers: padded, signature: proof.yes!.signature } }, ctx, members)).toEqual({ ok: false, reason: 'bad-yes-signature' })
    // The signature of a non-voter cannot be added by the aggregator: it has none.
    expect(verifyApprovalProof({ ...proof, yes: { signers: proof.yes!.signers, signature: identity(96) } }, ctx, members)).toEqual({ ok: false, reason: 'bad-yes-signature' })
  })

  it('a bitmap naming non-members, longer than the member list, empty or non-canonical', () => {
    const withBit = (bits: Uint8Array) => ({ ...proof, yes: { signers: bits, signature: proof.yes!.signature } })
    expect(verifyApprovalProof(withBit(new Uint8Array([0x7f, 0x04])), ctx, members)).toEqual({ ok: false, reason: 'bitmap-out-of-range' }) // bit 10 of 10 members
    expect(verifyApprovalProof(withBit(new Uint8Array([0x7f, 0x00, 0x01])), ctx, members)).toEqual({ ok: false, reason: 'bitmap-too-long' })
    expect(verifyApprovalProof(withBit(new Uint8Array([0x7f, 0x00])), ctx, members)).toEqual({ ok: false, reason: 'bitmap-non-canonical' })
    expect(verifyApprovalProof(withBit(new Uint8Array(0)), ctx, members)).toEqual({ ok: false, reason: 'bitmap-empty' })
  })

  it('a member counted on both sides', () => {
    const no = buildApprovalProof(ctx, members, [vote(3, false)]).proof!.no!
    expect(verifyOutcomeProof({ ...proof, no }, ctx, members)).toEqual({ ok: false, reason: 'overlapping-sides' })
  })

  it('a stale member list: the same proof against the next epoch’s members (one removed, one added) fails', () => {
    // The verifier's list is the epoch's: a proof built over another order or set names other keys.
    const next = prepareMemberKeys([...pks.slice(1), blsPublicKey(secretKeys(1, 5)[0]!)])
    expect(verifyApprovalProof(proof, ctx, next)).toEqual({ ok: false, reason: 'bad-yes-signature' })
    const reordered = prepareMemberKeys([pks[1]!, pks[0]!, ...pks.slice(2, 9), pks[9]!].reverse())
    expect(verifyApprovalProof(proof, ctx, reordered)).toEqual({ ok: false, reason: 'bad-yes-signature' })
  })

  it('rogue key: without proof-of-possession checks, a key chosen as pk_a − pk_victim lets one signer forge a two-signer aggregate (why keys must pass verifyKeyBinding)', () => {
    const attacker = secretKeys(1, 77)[0]!
    const rogue = subG1(blsPublicKey(attacker), pks[0]!)
    const list = prepareMemberKeys([pks[0]!, rogue]) // the rogue key is a valid subgroup point: only the PoP check stops it
    const m = blsVoteMessage(ctx, true)
    const forged = blsSign(attacker, m)
    const r = verifyApprovalProof({ epoch: ctx.epoch, proposalId: ctx.proposalId, proposalDigest: digest, yes: { signers: signerBitmap([0, 1], 2), signature: forged } }, ctx, list)
    expect(r).toMatchObject({ ok: true, yes: [0, 1] }) // member 0 never signed
    // (test/binding.test.ts pins that such a key never gets a valid binding.)
  })
})

describe('what a proof cannot show: votes it leaves out', () => {
  it('under liveness YES, leaving out a NO can turn an undecided tally into YES (as with approval certificates): only the voter can tell, so the session must let voters check that their vote is in', () => {
    // n = 10: 4 YES, 4 NO, 2 silent → cast 8 ≥ 7, YES weight 4 + 2 = 6 < 7: undecided.
    const all = buildApprovalProof(ctx, members, [...range(0, 4).map((m) => vote(m, true)), ...range(4, 8).map((m) => vote(m, false))]).proof!
    expect(verifyOutcomeProof(all, ctx, members)).toEqual({ ok: false, reason: 'not-decided' })
    // Without member 7's NO: cast 7 ≥ 7, YES weight 4 + 3 = 7 > 3 NO: approved.
    const withheld = buildApprovalProof(ctx, members, [...range(0, 4).map((m) => vote(m, true)), ...range(4, 7).map((m) => vote(m, false))]).proof!
    expect(verifyApprovalProof(withheld, ctx, members)).toMatchObject({ ok: true, outcome: 'yes', no: [4, 5, 6] })
    // With the flag off, silence weighs NO and withholding NO votes cannot help YES.
    expect(verifyApprovalProof(withheld, { ...ctx, livenessCriteriaYes: false }, members).ok).toBe(false)
    // And a proof never names a voter who did not sign: member 7's own check of the proof shows it left out.
    expect(bitmapSigners(withheld.no!.signers, N)).not.toContain(7)
  })
})

describe('the proof encoding is canonical and bounded', () => {
  const proof = approved()
  const bytes = encodeApprovalProof(proof)

  it('bounds: 16,384 members, 2,048-byte bitmaps, the largest proof', () => {
    expect(MAX_PROOF_MEMBERS).toBe(16_384)
    expect(MAX_BITMAP_BYTES).toBe(2048)
    const full = new Uint8Array(MAX_BITMAP_BYTES).fill(0xff)
    const big = encodeApprovalProof({ epoch: (1n << 64n) - 1n, proposalId: 0xffff_ffff, proposalDigest: digest, yes: { signers: full, signature: proof.yes!.signature }, no: { signers: full, signature: proof.yes!.signature } })
    expect(big.length).toBe(MAX_APPROVAL_PROOF_BYTES)
    expect(MAX_APPROVAL_PROOF_BYTES).toBe(4349)
    expect(decodeApprovalProof(big).yes!.signers).toHaveLength(2048)
    expect(() => decodeApprovalProof(new Uint8Array(MAX_APPROVAL_PROOF_BYTES + 1))).toThrow(expect.objectContaining({ code: 'BLS_DECODE' }))
    expect(() => encodeApprovalProof({ ...proof, yes: { signers: new Uint8Array(2049).fill(1), signature: proof.yes!.signature } })).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
  })

  it('an approval at 1,000 members (everyone YES) is 269 bytes, with a NO side as well 494', () => {
    const all = signerBitmap(range(0, 1000), 1000)
    expect(encodeApprovalProof({ epoch: 123_456n, proposalId: 0xffff_ffff, proposalDigest: digest, yes: { signers: all, signature: proof.yes!.signature } }).length).toBe(269)
    const half = signerBitmap(range(0, 1000).filter((i) => i % 2 === 0), 1000)
    const otherHalf = signerBitmap(range(0, 1000).filter((i) => i % 2 === 1), 1000)
    expect(encodeApprovalProof({ epoch: 123_456n, proposalId: 0xffff_ffff, proposalDigest: digest, yes: { signers: half, signature: proof.yes!.signature }, no: { signers: otherHalf, signature: proof.yes!.signature } }).length).toBe(494)
  })

  const refuse = (b: Uint8Array | number[], why: RegExp) => expect(() => decodeApprovalProof(Uint8Array.from(b))).toThrow(why)

  it('refuses unknown, repeated, out-of-order and mistyped fields', () => {
    refuse([...bytes, 0x40, 0x01], /unknown field 8/)
    refuse([0x08, 0x07, 0x08, 0x07, ...bytes.subarray(2)], /repeated/)
    // digest (field 3) before epoch (field 1)
    refuse([...bytes.subarray(bytes.indexOf(0x1a)), ...bytes.subarray(0, bytes.indexOf(0x1a))], /out of order/)
    refuse([0x0a, 0x01, 0x07], /wire type/)
    refuse([0x00, 0x01], /unknown field 0/)
  })

  it('refuses non-minimal varints, encoded defaults, truncation, wrong lengths and half sides', () => {
    refuse([0x08, 0x87, 0x00, ...bytes.subarray(2)], /non-minimal/)
    refuse([0x08, 0x00, ...bytes.subarray(2)], /default value/)
    refuse(bytes.subarray(0, bytes.length - 1), /truncated/)
    refuse([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], /longer than 10 bytes|out of range/)
    refuse([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02], /out of range/) // 2^64
    refuse([0x10, 0x80, 0x80, 0x80, 0x80, 0x10], /out of range/) // proposal id 2^32
    refuse([0x1a, 0x1f, ...new Uint8Array(31)], /31 bytes/)
    refuse([0x1a, 0x20, ...digest], /neither a YES nor a NO side/)
    refuse([0x1a, 0x20, ...digest, 0x22, 0x01, 0x01], /YES side without its signature/)
    refuse([0x1a, 0x20, ...digest, 0x2a, 0x60, ...proof.yes!.signature], /YES side without its bitmap/)
    refuse([0x1a, 0x20, ...digest, 0x22, 0x02, 0x01, 0x00, 0x2a, 0x60, ...proof.yes!.signature], /trailing zero/)
    refuse([0x1a, 0x20, ...digest, 0x22, 0x00], /empty bytes/)
    refuse([], /no proposal digest/)
  })

  it('random bytes never decode to something that re-encodes differently (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        let decoded: ApprovalProof
        try {
          decoded = decodeApprovalProof(b)
        } catch (err) {
          expect((err as { code?: string }).code).toBe('BLS_DECODE')
          return
        }
        expect(encodeApprovalProof(decoded)).toEqual(b)
      }),
      { numRuns: 2000 },
    )
    // And mutations of a valid proof: one byte changed either fails to decode or re-encodes to itself.
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const b = Uint8Array.from(bytes)
        b[i]! ^= x
        try {
          expect(encodeApprovalProof(decodeApprovalProof(b))).toEqual(b)
        } catch (err) {
          expect((err as { code?: string }).code).toBe('BLS_DECODE')
        }
      }),
      { numRuns: 500 },
    )
  })

  it('signerBitmap / bitmapSigners round-trip, and refuse bad arguments', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.nat(n - 1), { minLength: 1 }))), ([n, set]) => {
        const bits = signerBitmap(set, n)
        expect(bits.length).toBeLessThanOrEqual(Math.ceil(n / 8))
        expect(bitmapSigners(bits, n)).toEqual([...set].sort((a, b) => a - b))
      }),
    )
    expect(() => signerBitmap([], 5)).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
    expect(() => signerBitmap([5], 5)).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
    expect(() => signerBitmap([0], MAX_PROOF_MEMBERS + 1)).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
  })
})

describe('scale: one proof at 1,000 members', () => {
  it('1,000 YES signatures aggregate into one proof that verifies on both backends; one missing signer breaks it', () => {
    const many = secretKeys(1000, 3)
    const keys = many.map((sk) => blsPublicKey(sk))
    const c = { ...ctx, epoch: 99n }
    const m = blsVoteMessage(c, true)
    const sigs = many.map((sk) => blsSign(sk, m))
    const agg = blsAggregateSignatures(sigs)!
    const p: ApprovalProof = { epoch: 99n, proposalId: ctx.proposalId, proposalDigest: digest, yes: { signers: signerBitmap(range(0, 1000), 1000), signature: agg } }
    for (const b of [native(), noble]) {
      const list = prepareMemberKeys(keys, b)
      expect(verifyApprovalProof(p, c, list)).toMatchObject({ ok: true, outcome: 'yes' })
      expect(verifyApprovalProof({ ...p, yes: { ...p.yes!, signature: blsAggregateSignatures(sigs.slice(1))! } }, c, list)).toEqual({ ok: false, reason: 'bad-yes-signature' })
    }
  }, 240_000)
})
