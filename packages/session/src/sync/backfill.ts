import { type HistoryReply, type HistoryRequest, type HistoryRequestInit, encodeHistoryRequest, toHex } from '@demls/wire'
import { sha256 } from '../util/hash.js'
import type { ConversationCore } from '../core/core.js'
import { signedPayload } from '../join/signing.js'
import { evictOldest } from '../state/bounded.js'

/**
 * Chat backfill (beyond the reference; compare Waku Store): every member
 * keeps the encrypted chat packets of the last {@link HISTORY_LIMITS}
 * (count, bytes, age); a member that restarted from its saved state asks
 * for what it missed with a signed {@link HistoryRequest}, and stewards
 * answer with the packets they kept, exactly as they travelled. The
 * returning member feeds them through its normal receive path: what its
 * retained epoch keys can decrypt becomes chat, the rest (ours, already
 * read, beyond our keys) is counted in the `backfill` event.
 */
export const HISTORY_LIMITS = Object.freeze({
  /** Packets kept per conversation. */
  packets: 256,
  /** Bytes kept per conversation. */
  bytes: 1024 * 1024,
  /** Age of the oldest packet kept. */
  ageMs: 10 * 60_000,
  /** Bytes of packets in one reply (the newest that fit are left out). */
  replyBytes: 256 * 1024,
  /** A responder answers each member at most this often. */
  answerIntervalMs: 10_000,
  /** A request is signed within this much of the responder's clock. */
  requestSkewMs: 60_000,
  /** Replies are taken for this long after our request. */
  requestWindowMs: 60_000,
  /** Our request is sent again after this long without a reply, at most `requestAttempts` times in all. */
  retryMs: 3_000,
  /** Attempts in all: together they outlast a responder's `answerIntervalMs` (a member that restarts twice in a row). */
  requestAttempts: 5,
  /**
   * We ask for what was kept from this long before our last save: a packet
   * in flight to us when we saved (or kept by a responder whose clock is
   * behind ours) has an earlier time at the responder than our save.
   * Packets read before our last save come back too and no longer decrypt
   * (their keys were used; counted in the `backfill` event). Chat read
   * after the last save is read again: a received chat message does not
   * make the state worth a write on its own, so after a crash chat is
   * delivered at least once.
   */
  overlapMs: 30_000,
})

/**
 * What the chat backfill reads and writes: the history state it owns, our
 * ids and the conversation id, the membership, the steward list (who
 * answers), the vote signer (requests are signed with the member key) and
 * the plaintext send of requests and replies.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { type BackfillComponents, keepChat } from '../sync/backfill.js'
 * declare const core: ConversationCore
 * const slices: BackfillComponents = core // or plain objects with these members, in a test
 * keepChat(slices, new Uint8Array(8), core.now)
 * ```
 */
export interface BackfillComponents {
  readonly id: string
  readonly memberId: Uint8Array
  readonly memberHex: string
  readonly history: ConversationCore['history']
  readonly steward: Pick<ConversationCore['steward'], 'currentList' | 'isSteward'>
  readonly plugins: { readonly consensus: Pick<ConversationCore['plugins']['consensus'], 'signer'> }
  isMemberHex(hex: string): boolean
  sendPlain: ConversationCore['sendPlain']
}

/** What sending our signed request needs. */
type RequestSlices = Pick<BackfillComponents, 'id' | 'memberId' | 'history' | 'plugins' | 'sendPlain'>

/** Domain tag of history-request signatures. */
export const HISTORY_REQUEST_DOMAIN = 'demls/history-request/v1'

/** Keep an encrypted chat packet (received or sent by us) for members that were away. */
export function keepChat(core: Pick<BackfillComponents, 'history'>, payload: Uint8Array, now: number): void {
  const h = core.history
  h.kept.push({ at: now, payload })
  h.bytes += payload.length
  while (h.kept.length > 0 && (h.kept.length > HISTORY_LIMITS.packets || h.bytes > HISTORY_LIMITS.bytes || h.kept[0]!.at < now - HISTORY_LIMITS.ageMs)) {
    h.bytes -= h.kept.shift()!.payload.length
  }
}

function requestPayload(conversationId: string, r: HistoryRequestInit): Uint8Array {
  return signedPayload(HISTORY_REQUEST_DOMAIN, conversationId, encodeHistoryRequest({ ...r, signature: null }))
}

/**
 * Ask the group for the chat it kept since our last save at `savedAt`
 * (after a restart), from {@link HISTORY_LIMITS.overlapMs} before it.
 */
export function requestHistory(core: RequestSlices, savedAt: number, now: number): void {
  const sinceMs = Math.max(0, savedAt - HISTORY_LIMITS.overlapMs)
  core.history.request = { sinceMs, firstAt: now, lastAt: now, attempts: 1, answered: false }
  sendRequest(core, sinceMs, now)
}

function sendRequest(core: RequestSlices, sinceMs: number, now: number): void {
  const unsigned: HistoryRequestInit = { memberId: core.memberId, sinceMs: BigInt(Math.max(0, Math.floor(sinceMs))), signedAtMs: BigInt(Math.max(0, Math.floor(now))) }
  const signer = core.plugins.consensus.signer
  core.sendPlain({ demlsControl: { historyRequest: { ...unsigned, signature: signer.sign(requestPayload(core.id, unsigned)) } } })
}

/** When our request should be sent again, if it is still unanswered. */
export function historyDeadline(core: Pick<BackfillComponents, 'history'>): number | undefined {
  const r = core.history.request
  if (r === undefined || r.answered || r.attempts >= HISTORY_LIMITS.requestAttempts) return undefined
  return r.lastAt + HISTORY_LIMITS.retryMs
}

/** Every poll: send our unanswered request again (new signing time, so new bytes that gossip does not drop). */
export function retryHistory(core: RequestSlices, now: number): void {
  const r = core.history.request
  const due = historyDeadline(core)
  if (r === undefined || due === undefined || now < due) return
  r.attempts++
  r.lastAt = now
  sendRequest(core, r.sinceMs, now)
}

/**
 * A member asks for the chat we kept. Stewards answer (every member when
 * no list is installed), once per member per {@link HISTORY_LIMITS.answerIntervalMs},
 * only a current member whose signature checks and who signed within
 * {@link HISTORY_LIMITS.requestSkewMs} of our clock (so a captured request
 * cannot be replayed later); the reply is bounded in bytes. Returns why it
 * was not answered, or undefined.
 */
export function answerHistory(core: BackfillComponents, req: HistoryRequest, now: number): string | undefined {
  const hex = toHex(req.memberId)
  if (hex === core.memberHex) return 'own request'
  if (core.steward.currentList() !== undefined && !core.steward.isSteward(core.memberId)) return undefined
  if (!core.isMemberHex(hex)) return 'history request from a non-member'
  if (Math.abs(now - Number(req.signedAtMs)) > HISTORY_LIMITS.requestSkewMs) return 'history request signed too far from our clock'
  if (now - (core.history.answeredAt.get(hex) ?? Number.NEGATIVE_INFINITY) < HISTORY_LIMITS.answerIntervalMs) return undefined
  if (!core.plugins.consensus.signer.verify(req.memberId, requestPayload(core.id, req), req.signature)) return 'history request with a bad signature'
  core.history.answeredAt.set(hex, now)
  evictOldest(core.history.answeredAt, 256)
  const since = Number(req.sinceMs)
  const packets: Uint8Array[] = []
  let bytes = 0
  for (const k of core.history.kept) {
    if (k.at < since) continue
    if (bytes + k.payload.length > HISTORY_LIMITS.replyBytes) break
    packets.push(k.payload)
    bytes += k.payload.length
  }
  core.sendPlain({ demlsControl: { historyReply: { toMember: req.memberId, packets } } })
  return undefined
}

/**
 * A reply: the packets to feed through the receive path, when it is for
 * us and our request is recent (otherwise none: anyone can publish a
 * reply, but it can only hand us packets it could have published anyway);
 * packets already taken from another responder are left out.
 */
export function takeHistoryReply(core: Pick<BackfillComponents, 'memberHex' | 'history'>, reply: HistoryReply, now: number): Uint8Array[] {
  const r = core.history.request
  if (toHex(reply.toMember) !== core.memberHex || r === undefined || now - r.firstAt > HISTORY_LIMITS.requestWindowMs) return []
  r.answered = true
  return takeNew(core, reply.packets.slice(0, HISTORY_LIMITS.packets))
}

/** The packets not taken before (from a member's reply or a store), remembered as taken. */
function takeNew(core: Pick<BackfillComponents, 'history'>, packets: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const p of packets) {
    const h = toHex(sha256(p))
    if (core.history.taken.has(h)) continue
    core.history.taken.add(h)
    out.push(p)
  }
  evictOldest(core.history.taken, 4 * HISTORY_LIMITS.packets)
  return out
}

/**
 * Stores (nodes that keep a conversation's encrypted packets, e.g. a
 * `demls-node`) are one more backfill source: after a restart we ask them
 * for what they kept from the same time as our request to the members
 * ({@link requestHistory}). This is that time, or undefined when we have
 * not asked (a conversation that was not restored).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { storeBackfillSince } from '../sync/backfill.js'
 * declare const core: ConversationCore
 * const sinceMs = storeBackfillSince(core) // undefined unless restored
 * ```
 */
export function storeBackfillSince(core: Pick<BackfillComponents, 'history'>): number | undefined {
  return core.history.request?.sinceMs
}

/**
 * Packets a store returned (envelope payloads of the `app` subtopic), to
 * feed through the receive path like a member's reply: at most
 * {@link HISTORY_LIMITS.packets} per call, those already taken from a
 * member or a store (a store replaying, two stores, a page fetched twice)
 * left out. A store is trusted with nothing: MLS authenticates what comes
 * out of these, and the rest is dropped and counted.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { takeStoredPackets } from '../sync/backfill.js'
 * declare const core: ConversationCore
 * declare const fromStore: Uint8Array[]
 * const fresh = takeStoredPackets(core, fromStore) // feed these through the receive path
 * ```
 */
export function takeStoredPackets(core: Pick<BackfillComponents, 'history'>, packets: readonly Uint8Array[]): Uint8Array[] {
  return takeNew(core, packets.slice(0, HISTORY_LIMITS.packets))
}
