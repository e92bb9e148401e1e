import type { ConsensusSigner } from '@demls/consensus'
import {
  type Knock,
  type KnockAnswer,
  KnockAnswerKind,
  type KnockAnswerInit,
  type KnockInit,
  bytesEqual,
  decodeWelcomeChannelMessage,
  encodeKnock,
  encodeKnockAnswer,
  encodeWelcomeChannelMessage,
  toHex,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { InvalidArgumentError, UnknownKnockError } from '../errors.js'
import {
  KNOCK_DEFAULT_LIFETIME_MS,
  KNOCK_MAX_BYTES,
  KNOCK_MAX_LIFETIME_MS,
  KNOCK_NOTE_MAX_BYTES,
  type KnockBook,
  type VerifyBudget,
} from '../state/knocks.js'
import { signedPayload } from './signing.js'

/** Domain tag of knock signatures (by the knocker). */
export const KNOCK_DOMAIN = 'demls/knock/v1'
/** Domain tag of knock answer signatures (by a member). */
export const KNOCK_ANSWER_DOMAIN = 'demls/knock-answer/v1'
/** Domain tag of knock ids. */
const KNOCK_ID_DOMAIN = 'demls/knock-id/v1'
/** Bytes of a knock's nonce. */
export const KNOCK_NONCE_BYTES = 16
/** Bytes of a knock id. */
const KNOCK_ID_BYTES = 16
/** A knock or answer dated further ahead of our clock than this is refused. */
const FUTURE_SKEW_MS = 60_000
/** Longest member id (bytes), as for invitations. */
const ID_MAX_BYTES = 64
/** Longest signature (bytes). */
const SIGNATURE_MAX_BYTES = 128

const encoder = new TextEncoder()

/**
 * An outsider knocked: it asks to be let in (`note`, at most 256 bytes, is
 * its own words, unverified). Any member may let it in
 * (`ConversationHandle.letIn`) or decline (`ConversationHandle.decline`),
 * until `expiresAt` (ms).
 *
 * @example
 * ```ts
 * import type { ConversationHandle, KnockEvent } from '@demls/session'
 * import { toHex } from '@demls/wire'
 * declare const chat: ConversationHandle
 * chat.events$.subscribe((e) => {
 *   if (e.type !== 'knock') return
 *   const k: KnockEvent = e
 *   console.log(`${toHex(k.knocker)} knocks: ${k.note} (answer with letIn('${k.id}') or decline('${k.id}'))`)
 * })
 * ```
 */
export interface KnockEvent {
  type: 'knock'
  /** The knock's id (hex), as `letIn` and `decline` take it. */
  id: string
  /** The knocker's member id (it signed the knock). */
  knocker: Uint8Array
  /** What the knocker wrote (at most 256 bytes of UTF-8). */
  note: string
  /** When the knock ends unanswered (ms). */
  expiresAt: number
}

/**
 * A member (`member`, possibly us) answered knock `id`: let the knocker in
 * (it invited it: the group's usual admission vote follows when the
 * knocker announces) or declined.
 *
 * @example
 * ```ts
 * import type { ConversationHandle, KnockAnsweredEvent } from '@demls/session'
 * import { toHex } from '@demls/wire'
 * declare const chat: ConversationHandle
 * chat.events$.subscribe((e) => {
 *   if (e.type === 'knock-answered') console.log(`${toHex((e as KnockAnsweredEvent).member)} ${e.answer === 'let-in' ? 'let in' : 'declined'} ${toHex(e.knocker)}`)
 * })
 * ```
 */
export interface KnockAnsweredEvent {
  type: 'knock-answered'
  id: string
  knocker: Uint8Array
  answer: 'let-in' | 'declined'
  /** The member that answered (its signature was verified). */
  member: Uint8Array
}

/**
 * One open knock, as `ConversationHandle.knocks()` lists it.
 *
 * @example
 * ```ts
 * import type { ConversationHandle, KnockInfo } from '@demls/session'
 * import { toHex } from '@demls/wire'
 * declare const chat: ConversationHandle
 * const open: KnockInfo[] = chat.knocks()
 * for (const k of open) console.log(`${k.id} ${toHex(k.knocker)}: ${k.note}`)
 * ```
 */
export interface KnockInfo {
  id: string
  knocker: Uint8Array
  note: string
  expiresAt: number
}

/** The id of a knock: hex of the first 16 bytes of SHA-256(domain ‖ 0x00 ‖ knocker ‖ nonce). */
export function knockId(knocker: Uint8Array, nonce: Uint8Array): string {
  const tag = encoder.encode(KNOCK_ID_DOMAIN)
  const input = new Uint8Array(tag.length + 1 + knocker.length + nonce.length)
  input.set(tag, 0)
  input.set(knocker, tag.length + 1)
  input.set(nonce, tag.length + 1 + knocker.length)
  return toHex(sha256(input).subarray(0, KNOCK_ID_BYTES))
}

/** The bytes a knock's signature covers. */
export function knockSigningPayload(knock: KnockInit): Uint8Array {
  return signedPayload(KNOCK_DOMAIN, knock.conversationId ?? '', encodeKnock({ ...knock, signature: null }))
}

/** The bytes a knock answer's signature covers. */
export function knockAnswerSigningPayload(answer: KnockAnswerInit): Uint8Array {
  return signedPayload(KNOCK_ANSWER_DOMAIN, answer.conversationId ?? '', encodeKnockAnswer({ ...answer, signature: null }))
}

/** Check the knock options: the note's bytes and the lifetime. */
export function knockFields(options: { note?: string; expiresInMs?: number }): { note: string; lifetimeMs: number } {
  const note = options.note ?? ''
  if (typeof note !== 'string' || encoder.encode(note).length > KNOCK_NOTE_MAX_BYTES) {
    throw new InvalidArgumentError(`note: a string of at most ${KNOCK_NOTE_MAX_BYTES} bytes of UTF-8`)
  }
  const lifetimeMs = options.expiresInMs ?? KNOCK_DEFAULT_LIFETIME_MS
  if (!Number.isInteger(lifetimeMs) || lifetimeMs < 1 || lifetimeMs > KNOCK_MAX_LIFETIME_MS) {
    throw new InvalidArgumentError(`expiresInMs must be a whole number from 1 to ${KNOCK_MAX_LIFETIME_MS} (got ${lifetimeMs})`)
  }
  return { note, lifetimeMs }
}

/**
 * A knock of ours, signed, as the welcome-channel bytes we publish (and
 * re-publish): the knock, its id and its expiry.
 *
 * @throws {InvalidArgumentError} on a note over 256 bytes or a lifetime out of bounds, or a knock over 4096 bytes (a huge key package)
 */
export function buildKnock(
  signer: Pick<ConsensusSigner, 'identity' | 'sign'>,
  conversationId: string,
  keyPackage: Uint8Array,
  options: { note?: string; expiresInMs?: number },
  now: number,
): { id: string; payload: Uint8Array; expiresAt: number } {
  const { note, lifetimeMs } = knockFields(options)
  const nonce = randomBytes(KNOCK_NONCE_BYTES)
  const sentAt = Math.max(0, Math.floor(now))
  const unsigned: KnockInit = {
    conversationId,
    knocker: signer.identity,
    keyPackage,
    note,
    nonce,
    sentAtMs: BigInt(sentAt),
    expiresAtMs: BigInt(sentAt + lifetimeMs),
  }
  const payload = encodeWelcomeChannelMessage({ demlsKnock: { ...unsigned, signature: signer.sign(knockSigningPayload(unsigned)) } })
  if (payload.length > KNOCK_MAX_BYTES) throw new InvalidArgumentError(`a knock is at most ${KNOCK_MAX_BYTES} bytes (this one: ${payload.length})`)
  return { id: knockId(signer.identity, nonce), payload, expiresAt: sentAt + lifetimeMs }
}

/** Whether a knock answer is signed by its `member` (never throws). */
export function verifyKnockAnswer(verifier: Pick<ConsensusSigner, 'verify'>, answer: KnockAnswer): boolean {
  if (answer.signature.length === 0 || answer.signature.length > SIGNATURE_MAX_BYTES) return false
  try {
    return verifier.verify(answer.member, knockAnswerSigningPayload(answer), answer.signature)
  } catch {
    return false
  }
}

/** Whether a knock is signed by its `knocker` (never throws). */
export function verifyKnock(verifier: Pick<ConsensusSigner, 'verify'>, knock: Knock): boolean {
  if (knock.signature.length === 0 || knock.signature.length > SIGNATURE_MAX_BYTES) return false
  try {
    return verifier.verify(knock.knocker, knockSigningPayload(knock), knock.signature)
  } catch {
    return false
  }
}

/**
 * Whether welcome-channel bytes are a knock or a knock answer, read from
 * their first two bytes (the tag of field 100 or 101): the User routes them
 * to the members' knock desk without decoding anything else.
 */
export function isKnockTraffic(payload: Uint8Array): boolean {
  return payload.length >= 2 && (payload[0] === 0xa2 || payload[0] === 0xaa) && payload[1] === 0x06
}

/**
 * What the members' side of knocking needs for one conversation: ids, the
 * membership, the member key, the knock book, the user's signature
 * budget, events and the welcome-channel publish.
 *
 * @example
 * ```ts
 * import type { KnockComponents } from '../join/knock.js'
 * import { KnockBook, VerifyBudget } from '../state/knocks.js'
 * import { EthereumSigner } from '@demls/consensus'
 * const signer = new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))
 * const desk: KnockComponents = {
 *   conversationId: 'chat', signer, book: new KnockBook(), budget: new VerifyBudget(),
 *   isMember: () => false, endorses: () => false, emit: (e) => console.log(e.type), publish: () => undefined,
 * }
 * ```
 */
export interface KnockComponents {
  readonly conversationId: string
  readonly signer: Pick<ConsensusSigner, 'identity' | 'sign' | 'verify'>
  readonly book: KnockBook
  readonly budget: VerifyBudget
  isMember(memberId: Uint8Array): boolean
  /**
   * Whether we vouch for other members' answers to the knocker: a steward
   * (the member that answers probes first, and whom beacons name), so a
   * knocker that trusts only the members that answered its probes hears
   * any member's answer.
   */
  endorses(): boolean
  emit(event: KnockEvent | KnockAnsweredEvent): void
  /** Publish on the conversation's welcome channel. */
  publish(payload: Uint8Array): void
}

/**
 * A knock or a knock answer reached a member on the welcome channel. The
 * cheap checks come first (size before decoding; fields, expiry, the
 * knocker's membership, a knock already held or answered, the per-sender
 * limit; for an answer, that its signer is a member), then the user's
 * signature budget, then the signature. A valid new knock is listed (a
 * `knock` event); a valid answer closes the knock (a `knock-answered`
 * event). Every refusal is counted in the book, never an event.
 */
export function onKnockTraffic(c: KnockComponents, payload: Uint8Array, now: number): void {
  if (payload.length > KNOCK_MAX_BYTES) {
    c.book.drop('too-large')
    return
  }
  let msg: ReturnType<typeof decodeWelcomeChannelMessage>
  try {
    msg = decodeWelcomeChannelMessage(payload)
  } catch {
    c.book.drop('malformed')
    return
  }
  if (msg.demlsKnock !== undefined) onKnock(c, msg.demlsKnock, payload, now)
  else if (msg.demlsKnockAnswer !== undefined) onKnockAnswer(c, msg.demlsKnockAnswer, now)
  else c.book.drop('malformed')
}

/** Why a knock's fields are unusable, or `undefined`. */
function knockMalformed(c: Pick<KnockComponents, 'conversationId'>, k: Knock, now: number): 'malformed' | 'expired' | undefined {
  if (k.conversationId !== c.conversationId || k.knocker.length === 0 || k.knocker.length > ID_MAX_BYTES) return 'malformed'
  if (k.nonce.length !== KNOCK_NONCE_BYTES || k.keyPackage.length === 0 || encoder.encode(k.note).length > KNOCK_NOTE_MAX_BYTES) return 'malformed'
  const sent = Number(k.sentAtMs)
  const expires = Number(k.expiresAtMs)
  if (sent > now + FUTURE_SKEW_MS || expires <= sent || expires - sent > KNOCK_MAX_LIFETIME_MS) return 'malformed'
  if (expires <= now) return 'expired'
  return undefined
}

function onKnock(c: KnockComponents, k: Knock, payload: Uint8Array, now: number): void {
  const bad = knockMalformed(c, k, now)
  if (bad !== undefined) {
    c.book.drop(bad)
    return
  }
  if (c.isMember(k.knocker)) {
    c.book.drop('member')
    return
  }
  const id = knockId(k.knocker, k.nonce)
  const held = c.book.get(id)
  if (held !== undefined) {
    // A re-send (or a replay) of the same bytes keeps the knock listed; other bytes under its id are a forgery.
    if (bytesEqual(held.bytes, payload)) c.book.refresh(id)
    c.book.drop('duplicate')
    return
  }
  if (c.book.answered(id, now)) {
    c.book.drop('answered')
    return
  }
  c.book.prune(now, false)
  const knockerHex = toHex(k.knocker)
  if (c.book.rateLimited(knockerHex, now)) {
    c.book.drop('rate-limited')
    return
  }
  if (!c.budget.take(now)) {
    c.book.drop('budget')
    return
  }
  if (!verifyKnock(c.signer, k)) {
    c.book.drop('bad-signature')
    return
  }
  c.book.add({ id, knock: k, bytes: payload, receivedAt: now }, knockerHex, now)
  c.emit({ type: 'knock', id, knocker: k.knocker, note: k.note, expiresAt: Number(k.expiresAtMs) })
}

function onKnockAnswer(c: KnockComponents, a: KnockAnswer, now: number): void {
  const kind = a.answer
  if (a.conversationId !== c.conversationId || a.knockId.length !== KNOCK_ID_BYTES || a.knocker.length === 0 || a.knocker.length > ID_MAX_BYTES) {
    c.book.drop('malformed')
    return
  }
  if ((kind !== KnockAnswerKind.KNOCK_ANSWER_LET_IN && kind !== KnockAnswerKind.KNOCK_ANSWER_DECLINED) || Number(a.signedAtMs) > now + FUTURE_SKEW_MS) {
    c.book.drop('malformed')
    return
  }
  const id = toHex(a.knockId)
  if (c.book.answered(id, now)) {
    c.book.drop('duplicate')
    return
  }
  // Only a member's answer counts: an outsider's decline is dropped before any signature check.
  if (a.member.length === 0 || !c.isMember(a.member)) {
    c.book.drop('not-member')
    return
  }
  // Only answers to a knock we list cost a signature check: a member's flood of answers to made-up knocks costs nothing.
  const held = c.book.get(id)
  if (held === undefined) {
    c.book.drop('duplicate')
    return
  }
  if (!bytesEqual(held.knock.knocker, a.knocker)) {
    c.book.drop('malformed')
    return
  }
  if (!c.budget.take(now)) {
    c.book.drop('budget')
    return
  }
  if (!verifyKnockAnswer(c.signer, a)) {
    c.book.drop('bad-signature')
    return
  }
  // Remembered until the knock expires: its replays are dropped.
  c.book.answer(id, Number(held.knock.expiresAtMs))
  c.emit({ type: 'knock-answered', id, knocker: a.knocker, answer: kind === KnockAnswerKind.KNOCK_ANSWER_LET_IN ? 'let-in' : 'declined', member: a.member })
  // A steward vouches for another member's answer with its own (the other stewards drop it: answered already).
  if (!bytesEqual(a.member, c.signer.identity) && c.endorses()) publishAnswer(c, a.knockId, a.knocker, kind, now)
}

/** Sign and publish an answer of ours. */
function publishAnswer(c: KnockComponents, knockIdBytes: Uint8Array, knocker: Uint8Array, kind: KnockAnswerKind, now: number): void {
  const unsigned: KnockAnswerInit = {
    conversationId: c.conversationId,
    knockId: knockIdBytes,
    knocker,
    answer: kind,
    member: c.signer.identity,
    signedAtMs: BigInt(Math.max(0, Math.floor(now))),
  }
  c.publish(encodeWelcomeChannelMessage({ demlsKnockAnswer: { ...unsigned, signature: c.signer.sign(knockAnswerSigningPayload(unsigned)) } }))
}

/** The open knock `who` names: a knock id (hex) or a knocker's member id (hex, `0x` optional). */
export function findKnock(c: Pick<KnockComponents, 'book' | 'conversationId'>, who: string, now: number) {
  c.book.prune(now)
  if (typeof who !== 'string') throw new UnknownKnockError(c.conversationId, String(who))
  const key = who.trim().toLowerCase().replace(/^0x/, '')
  const held = c.book.get(key) ?? c.book.byKnocker(key, toHex)
  if (held === undefined) throw new UnknownKnockError(c.conversationId, who)
  return held
}

/** Sign and publish our answer to a held knock, close it, and report it. */
function answerKnock(c: KnockComponents, id: string, knock: Knock, kind: KnockAnswerKind, now: number): void {
  publishAnswer(c, Uint8Array.from(id.match(/../g) ?? [], (b) => Number.parseInt(b, 16)), knock.knocker, kind, now)
  c.book.answer(id, Number(knock.expiresAtMs))
  const answer = kind === KnockAnswerKind.KNOCK_ANSWER_LET_IN ? 'let-in' : 'declined'
  c.emit({ type: 'knock-answered', id, knocker: knock.knocker, answer, member: c.signer.identity })
}

/**
 * Let a knocker in: invite it through the usual invitation path (`invite`,
 * which waits out a freeze; the group's admission vote runs when it
 * announces), then tell it (a signed LET_IN answer) and relay its key
 * package as its announcement, so it joins even if it missed the answer.
 * Resolves the knocker's member id.
 *
 * @throws {UnknownKnockError} when no open knock has this id or knocker
 */
export async function letIn(c: KnockComponents, who: string, invite: (memberId: Uint8Array) => Promise<unknown>, now: () => number): Promise<Uint8Array> {
  const held = findKnock(c, who, now())
  await invite(held.knock.knocker)
  // The book may have moved on while the invitation waited (another member answered): answer once.
  if (!c.book.answered(held.id)) answerKnock(c, held.id, held.knock, KnockAnswerKind.KNOCK_ANSWER_LET_IN, now())
  c.publish(encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: held.knock.keyPackage, memberId: held.knock.knocker } }))
  return held.knock.knocker
}

/**
 * Decline a knock: a signed DECLINED answer (the knocker's knock ends with
 * `KnockRefusedError` reason `knock-declined`; the other members close it).
 * Resolves the knocker's member id.
 *
 * @throws {UnknownKnockError} when no open knock has this id or knocker
 */
export function decline(c: KnockComponents, who: string, now: number): Uint8Array {
  const held = findKnock(c, who, now)
  answerKnock(c, held.id, held.knock, KnockAnswerKind.KNOCK_ANSWER_DECLINED, now)
  return held.knock.knocker
}

/** The open knocks, least recently re-sent first. */
export function openKnocks(c: Pick<KnockComponents, 'book'>, now: number): KnockInfo[] {
  c.book.prune(now)
  return c.book.all().map((h) => ({ id: h.id, knocker: h.knock.knocker, note: h.knock.note, expiresAt: Number(h.knock.expiresAtMs) }))
}

/**
 * Whether a knocker may take a knock answer as the group's: for this
 * conversation, our knock, a kind we know, signed by its member. Whom the
 * knocker trusts to speak for the group is the join's trust (see
 * `JoinTrust.acceptKnockAnswer`).
 */
export function knockAnswerFor(answer: KnockAnswer, conversationId: string, knocker: Uint8Array, id: string): boolean {
  if (answer.conversationId !== conversationId || !bytesEqual(answer.knocker, knocker) || toHex(answer.knockId) !== id) return false
  return answer.answer === KnockAnswerKind.KNOCK_ANSWER_LET_IN || answer.answer === KnockAnswerKind.KNOCK_ANSWER_DECLINED
}
