// Unit test of src/join/knock.ts and src/state/knocks.ts: the members' side
// of knocking (what is listed, what is dropped and before which check, the
// answers) with plain objects and real signatures, no User and no network,
// and the knocker's trust in an answer (JoinTrust.acceptKnockAnswer). The
// flows over a network run in test/scenarios/knock.test.ts.
import { EthereumSigner } from '@demls/consensus'
import {
  KnockAnswerKind,
  decodeWelcomeChannelMessage,
  encodeJoinBeacon,
  decodeJoinBeacon,
  encodeWelcomeChannelMessage,
  toHex,
} from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, UnknownKnockError } from '../../src/errors.js'
import {
  type KnockAnsweredEvent,
  type KnockComponents,
  type KnockEvent,
  buildKnock,
  decline,
  isKnockTraffic,
  knockAnswerSigningPayload,
  knockId,
  knockSigningPayload,
  letIn,
  onKnockTraffic,
  openKnocks,
} from '../../src/join/knock.js'
import { signJoinBeacon } from '../../src/join/signing.js'
import { KNOCKS_MAX, KNOCKS_MAX_BYTES, KNOCK_MAX_BYTES, KNOCK_SENDER_INTERVAL_MS, KNOCK_VERIFY_PER_SECOND, KnockBook, VerifyBudget } from '../../src/state/knocks.js'
import { JoinTrust } from '../../src/user/join/trust.js'

const T0 = 1_700_000_000_000
const keyOf = (n: number) => {
  const k = new Uint8Array(32)
  k[0] = 0x42
  k[28] = (n >> 24) & 0xff
  k[29] = (n >> 16) & 0xff
  k[30] = (n >> 8) & 0xff
  k[31] = (n & 0xff) + 1
  return k
}
const alice = new EthereumSigner(keyOf(1_000_001)) // a member
const carol = new EthereumSigner(keyOf(1_000_002)) // a member
const bob = new EthereumSigner(keyOf(1_000_003)) // the knocker
const mallory = new EthereumSigner(keyOf(1_000_004)) // an outsider
const kp = new Uint8Array(300).fill(5)

/** A member's desk over plain objects: alice's, with alice and carol members. */
function desk(budget = new VerifyBudget(), steward = false) {
  const events: (KnockEvent | KnockAnsweredEvent)[] = []
  const published: Uint8Array[] = []
  const c: KnockComponents = {
    conversationId: 'room',
    signer: alice,
    book: new KnockBook(),
    budget,
    isMember: (m) => toHex(m) === toHex(alice.identity) || toHex(m) === toHex(carol.identity),
    endorses: () => steward,
    emit: (e) => events.push(e),
    publish: (p) => published.push(p),
  }
  return { c, events, published }
}

function answer(by: EthereumSigner, id: string, knocker: Uint8Array, kind: number, fields: { conversationId?: string } = {}) {
  const unsigned = { conversationId: fields.conversationId ?? 'room', knockId: Buffer.from(id, 'hex'), knocker, answer: kind, member: by.identity, signedAtMs: BigInt(T0) }
  return encodeWelcomeChannelMessage({ demlsKnockAnswer: { ...unsigned, signature: by.sign(knockAnswerSigningPayload(unsigned)) } })
}

describe('a knock, as a member receives it', () => {
  it('a signed knock is listed once (a knock event); its re-send refreshes it without a second check or event', () => {
    const { c, events } = desk()
    const k = buildKnock(bob, 'room', kp, { note: 'bob, a friend of alice' }, T0)
    expect(isKnockTraffic(k.payload)).toBe(true)
    expect(k.payload.length).toBeLessThanOrEqual(KNOCK_MAX_BYTES)
    onKnockTraffic(c, k.payload, T0 + 10)
    expect(events).toEqual([{ type: 'knock', id: k.id, knocker: bob.identity, note: 'bob, a friend of alice', expiresAt: k.expiresAt }])
    onKnockTraffic(c, k.payload, T0 + 20)
    expect(events.length).toBe(1)
    expect(c.book.drops.duplicate).toBe(1)
    expect(openKnocks(c, T0 + 30).map((x) => x.id)).toEqual([k.id])
    const decoded = decodeWelcomeChannelMessage(k.payload).demlsKnock!
    expect(knockId(decoded.knocker, decoded.nonce)).toBe(k.id)
  })

  it('a forged, altered or foreign knock is dropped, and so is one from a member, an expired one or one over 4096 bytes', () => {
    const { c, events } = desk()
    const k = decodeWelcomeChannelMessage(buildKnock(bob, 'room', kp, { note: 'hi' }, T0).payload).demlsKnock!
    const forged = { ...k, knocker: mallory.identity } // bob's signature, mallory's name
    onKnockTraffic(c, encodeWelcomeChannelMessage({ demlsKnock: forged }), T0)
    const altered = { ...k, note: 'let me in, I am alice' }
    onKnockTraffic(c, encodeWelcomeChannelMessage({ demlsKnock: altered }), T0)
    expect(c.book.drops['bad-signature']).toBe(2)
    onKnockTraffic(c, buildKnock(bob, 'other', kp, {}, T0).payload, T0)
    onKnockTraffic(c, buildKnock(carol, 'room', kp, {}, T0).payload, T0)
    onKnockTraffic(c, buildKnock(mallory, 'room', kp, { expiresInMs: 1_000 }, T0).payload, T0 + 1_000)
    const huge = { ...k, keyPackage: new Uint8Array(KNOCK_MAX_BYTES) }
    onKnockTraffic(c, encodeWelcomeChannelMessage({ demlsKnock: huge }), T0)
    onKnockTraffic(c, new Uint8Array([0xa2, 0x06, 0xff]), T0)
    expect(c.book.drops).toMatchObject({ malformed: 2, member: 1, expired: 1, 'too-large': 1 })
    expect(events).toEqual([])
    expect(c.book.size).toBe(0)
  })

  it('the note is at most 256 bytes, the lifetime at most an hour', () => {
    expect(() => buildKnock(bob, 'room', kp, { note: 'é'.repeat(129) }, T0)).toThrow(InvalidArgumentError)
    expect(() => buildKnock(bob, 'room', kp, { expiresInMs: 60 * 60 * 1000 + 1 }, T0)).toThrow(InvalidArgumentError)
    expect(() => buildKnock(bob, 'room', new Uint8Array(5000), {}, T0)).toThrow(InvalidArgumentError)
    expect(buildKnock(bob, 'room', kp, { note: 'é'.repeat(128) }, T0).payload.length).toBeLessThan(KNOCK_MAX_BYTES)
  })

  it('a knocker opens one new knock per 10 s; a signature budget of 20 a second bounds the checks a flood costs', () => {
    const { c } = desk()
    onKnockTraffic(c, buildKnock(bob, 'room', kp, {}, T0).payload, T0)
    onKnockTraffic(c, buildKnock(bob, 'room', kp, {}, T0).payload, T0 + 1_000)
    expect(c.book.drops['rate-limited']).toBe(1)
    onKnockTraffic(c, buildKnock(bob, 'room', kp, {}, T0).payload, T0 + KNOCK_SENDER_INTERVAL_MS)
    expect(c.book.size).toBe(2)
    // 50 knocks of 50 outsiders at the same instant: what is left of the budget (20, minus bob's second) is checked, the rest dropped unchecked.
    const flood = Array.from({ length: 50 }, (_, i) => buildKnock(new EthereumSigner(keyOf(i)), 'room', kp, {}, T0).payload)
    const at = T0 + KNOCK_SENDER_INTERVAL_MS
    for (const p of flood) onKnockTraffic(c, p, at)
    expect(c.book.size).toBe(2 + KNOCK_VERIFY_PER_SECOND - 1)
    expect(c.book.drops.budget).toBe(50 - (KNOCK_VERIFY_PER_SECOND - 1))
    expect(c.book.drops['bad-signature']).toBe(0)
    // A second later the budget is back.
    onKnockTraffic(c, flood[49]!, at + 1_000)
    expect(c.book.size).toBe(2 + KNOCK_VERIFY_PER_SECOND)
  })

  it('the book holds at most 128 knocks: past it the least recently re-sent goes, so a knock re-sent in time stays', () => {
    const { c } = desk(new VerifyBudget(1_000_000))
    const honest = buildKnock(bob, 'room', kp, { note: 'honest' }, T0)
    onKnockTraffic(c, honest.payload, T0)
    for (let i = 0; i < 3 * KNOCKS_MAX; i++) {
      onKnockTraffic(c, buildKnock(new EthereumSigner(keyOf(i)), 'room', kp, {}, T0).payload, T0 + i)
      if (i % 100 === 99) onKnockTraffic(c, honest.payload, T0 + i) // bob re-sends
      expect(c.book.size).toBeLessThanOrEqual(KNOCKS_MAX)
      expect(c.book.bytes).toBeLessThanOrEqual(KNOCKS_MAX_BYTES)
    }
    expect(c.book.get(honest.id)).toBeDefined()
  })
})

describe('answers', () => {
  it('decline: a signed DECLINED is published, the knock closed, and its replay dropped', () => {
    const { c, events, published } = desk()
    const k = buildKnock(bob, 'room', kp, {}, T0)
    onKnockTraffic(c, k.payload, T0)
    expect(decline(c, `0x${toHex(bob.identity)}`, T0 + 5)).toEqual(bob.identity)
    const sent = decodeWelcomeChannelMessage(published[0]!).demlsKnockAnswer!
    expect(sent).toMatchObject({ knocker: bob.identity, answer: KnockAnswerKind.KNOCK_ANSWER_DECLINED, member: alice.identity })
    expect(alice.verify(alice.identity, knockAnswerSigningPayload(sent), sent.signature)).toBe(true)
    expect(events.at(-1)).toMatchObject({ type: 'knock-answered', id: k.id, answer: 'declined' })
    onKnockTraffic(c, k.payload, T0 + 10)
    expect(c.book.drops.answered).toBe(1)
    expect(c.book.size).toBe(0)
    expect(() => decline(c, k.id, T0 + 10)).toThrow(UnknownKnockError)
  })

  it('let in: invites first, then answers LET_IN and relays the key package as the announcement', async () => {
    const { c, published } = desk()
    const k = buildKnock(bob, 'room', kp, {}, T0)
    onKnockTraffic(c, k.payload, T0)
    const order: string[] = []
    const who = await letIn(c, k.id, async (m) => {
      order.push(`invite ${toHex(m)}`)
      expect(published.length).toBe(0)
    }, () => T0 + 5)
    expect(who).toEqual(bob.identity)
    expect(order).toEqual([`invite ${toHex(bob.identity)}`])
    expect(decodeWelcomeChannelMessage(published[0]!).demlsKnockAnswer?.answer).toBe(KnockAnswerKind.KNOCK_ANSWER_LET_IN)
    expect(decodeWelcomeChannelMessage(published[1]!).keyPackage).toMatchObject({ keyPackageBytes: kp, memberId: bob.identity })
    await expect(letIn(c, k.id, async () => undefined, () => T0)).rejects.toThrow(UnknownKnockError)
  })

  it("another member's signed answer closes the knock; an outsider's decline is dropped unchecked and the knock stays", () => {
    const { c, events } = desk()
    const k = buildKnock(bob, 'room', kp, {}, T0)
    onKnockTraffic(c, k.payload, T0)
    onKnockTraffic(c, answer(mallory, k.id, bob.identity, KnockAnswerKind.KNOCK_ANSWER_DECLINED), T0 + 1)
    expect(c.book.drops['not-member']).toBe(1)
    // A decline that names carol but is signed by mallory.
    const forged = decodeWelcomeChannelMessage(answer(mallory, k.id, bob.identity, KnockAnswerKind.KNOCK_ANSWER_DECLINED)).demlsKnockAnswer!
    onKnockTraffic(c, encodeWelcomeChannelMessage({ demlsKnockAnswer: { ...forged, member: carol.identity } }), T0 + 2)
    expect(c.book.drops['bad-signature']).toBe(1)
    expect(c.book.size).toBe(1)
    onKnockTraffic(c, answer(carol, k.id, bob.identity, KnockAnswerKind.KNOCK_ANSWER_LET_IN), T0 + 3)
    expect(events.at(-1)).toEqual({ type: 'knock-answered', id: k.id, knocker: bob.identity, answer: 'let-in', member: carol.identity })
    expect(c.book.size).toBe(0)
  })
})

describe('a member cannot spend our signature budget on answers', () => {
  it('answers to knocks we do not list are dropped before any signature check, and make no event', () => {
    const budget = new VerifyBudget()
    const { c, events, published } = desk(budget, true)
    for (let i = 0; i < 100; i++) onKnockTraffic(c, answer(carol, i.toString(16).padStart(32, '0'), bob.identity, KnockAnswerKind.KNOCK_ANSWER_DECLINED), T0)
    expect(c.book.drops.duplicate).toBe(100)
    expect(events).toEqual([])
    expect(published).toEqual([])
    // The budget is untouched: a real knock is still checked and listed at the same instant.
    for (let i = 0; i < KNOCK_VERIFY_PER_SECOND; i++) onKnockTraffic(c, buildKnock(new EthereumSigner(keyOf(500 + i)), 'room', kp, {}, T0).payload, T0)
    expect(c.book.size).toBe(KNOCK_VERIFY_PER_SECOND)
  })
})

describe('a steward vouches for other members\' answers', () => {
  it("alice, a steward, answers again with her own signature when carol's answer is valid; not for her own, not twice", () => {
    const { c, published } = desk(new VerifyBudget(), true)
    const k = buildKnock(bob, 'room', kp, {}, T0)
    onKnockTraffic(c, k.payload, T0)
    onKnockTraffic(c, answer(carol, k.id, bob.identity, KnockAnswerKind.KNOCK_ANSWER_DECLINED), T0 + 1)
    expect(published.length).toBe(1)
    const endorsed = decodeWelcomeChannelMessage(published[0]!).demlsKnockAnswer!
    expect(endorsed).toMatchObject({ knocker: bob.identity, member: alice.identity, answer: KnockAnswerKind.KNOCK_ANSWER_DECLINED })
    expect(toHex(endorsed.knockId)).toBe(k.id)
    // Carol's answer again, or another steward's endorsement: answered already, nothing more.
    onKnockTraffic(c, answer(carol, k.id, bob.identity, KnockAnswerKind.KNOCK_ANSWER_DECLINED), T0 + 2)
    expect(published.length).toBe(1)
    // Not a steward: no endorsement.
    const plain = desk()
    onKnockTraffic(plain.c, k.payload, T0)
    onKnockTraffic(plain.c, answer(carol, k.id, bob.identity, KnockAnswerKind.KNOCK_ANSWER_DECLINED), T0 + 1)
    expect(plain.published).toEqual([])
  })
})

describe('the knocker trusts an answer as it trusts a REJECTED status (JoinTrust)', () => {
  const nonce = new Uint8Array(16).fill(3)
  const k = buildKnock(bob, 'room', kp, {}, T0)
  const decoded = (bytes: Uint8Array) => decodeWelcomeChannelMessage(bytes).demlsKnockAnswer!
  const trust = (trusted?: Uint8Array[]) =>
    new JoinTrust({ conversationId: 'room', memberId: bob.identity, verifier: bob, trusted: trusted && new Set(trusted.map(toHex)), isOurKeyPackage: () => true })

  it('only from a member whose beacon answered our probes, or a trusted member; for our knock only', () => {
    const t = trust()
    const byAlice = decoded(answer(alice, k.id, bob.identity, KnockAnswerKind.KNOCK_ANSWER_DECLINED))
    expect(t.acceptKnockAnswer(byAlice, k.id)).toBe(false) // alice answered no probe of ours
    t.probed(nonce)
    expect(t.acceptBeacon(decodeJoinBeacon(encodeJoinBeacon(signJoinBeacon(alice, { conversationId: 'room', epoch: 1n, nonce, signedAtMs: T0 }))))).toBe(true)
    expect(t.acceptKnockAnswer(byAlice, k.id)).toBe(true)
    expect(t.acceptKnockAnswer(byAlice, '00'.repeat(16))).toBe(false) // another knock
    expect(t.acceptKnockAnswer(decoded(answer(alice, k.id, mallory.identity, KnockAnswerKind.KNOCK_ANSWER_DECLINED)), k.id)).toBe(false)
    expect(t.acceptKnockAnswer({ ...byAlice, answer: KnockAnswerKind.KNOCK_ANSWER_LET_IN }, k.id)).toBe(false) // altered
    expect(t.acceptKnockAnswer(decoded(answer(mallory, k.id, bob.identity, KnockAnswerKind.KNOCK_ANSWER_DECLINED)), k.id)).toBe(false)
    const onlyCarol = trust([carol.identity])
    expect(onlyCarol.acceptKnockAnswer(byAlice, k.id)).toBe(false)
    expect(onlyCarol.acceptKnockAnswer(decoded(answer(carol, k.id, bob.identity, KnockAnswerKind.KNOCK_ANSWER_LET_IN)), k.id)).toBe(true)
  })

  it('the knock signature covers the conversation: a knock for another conversation does not verify here', () => {
    const other = decodeWelcomeChannelMessage(buildKnock(bob, 'other', kp, {}, T0).payload).demlsKnock!
    expect(bob.verify(bob.identity, knockSigningPayload({ ...other, conversationId: 'room' }), other.signature)).toBe(false)
    expect(bob.verify(bob.identity, knockSigningPayload(other), other.signature)).toBe(true)
  })
})
