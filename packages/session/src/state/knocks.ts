import type { Knock } from '@demls/wire'
import { evictOldest } from './bounded.js'

/** Longest knock accepted on the wire (bytes of the welcome-channel message): checked before it is decoded. */
export const KNOCK_MAX_BYTES = 4096
/** Longest note a knock may carry (UTF-8 bytes). */
export const KNOCK_NOTE_MAX_BYTES = 256
/** How long a knock waits for an answer when the knocker gives no expiry: 10 minutes. */
export const KNOCK_DEFAULT_LIFETIME_MS = 10 * 60 * 1000
/** Longest lifetime of a knock (from its sending to its expiry): 1 hour. */
export const KNOCK_MAX_LIFETIME_MS = 60 * 60 * 1000
/** Open knocks a member holds per conversation at most (the oldest refreshed is evicted past it). */
export const KNOCKS_MAX = 128
/** Bytes of open knocks a member holds per conversation at most. */
export const KNOCKS_MAX_BYTES = KNOCKS_MAX * KNOCK_MAX_BYTES
/** A knocker (verified) opens a new knock at most this often; its re-sends of one knock are not limited. */
export const KNOCK_SENDER_INTERVAL_MS = 10_000
/** Signature checks of knocks and knock answers a user makes per second, over all its conversations (and the burst). */
export const KNOCK_VERIFY_PER_SECOND = 20
/** Answered knocks (let in or declined) remembered until they expire, per conversation: their replays are dropped. */
export const KNOCK_ANSWERED_MAX = 1024
/** Knockers whose last new knock time is remembered, per conversation. */
export const KNOCK_SENDERS_MAX = 1024

/**
 * Why a member dropped a knock or a knock answer (counted, never one event
 * per packet: a flood costs no event stream).
 *
 * - `too-large`: more than {@link KNOCK_MAX_BYTES} (not decoded).
 * - `malformed`: undecodable, another conversation's, fields out of bounds, dated ahead.
 * - `expired`: past its expiry.
 * - `member`: the knocker is a member already.
 * - `duplicate`: a knock we hold (its re-send refreshes it) or an answer to a knock we do not hold.
 * - `answered`: a replay of a knock that was let in or declined.
 * - `rate-limited`: a new knock of a knocker that opened one less than {@link KNOCK_SENDER_INTERVAL_MS} ago.
 * - `budget`: over the user's signature budget ({@link KNOCK_VERIFY_PER_SECOND}), dropped before any signature check.
 * - `bad-signature`: the signature does not verify.
 * - `not-member`: an answer whose signer is not a member (an outsider's decline).
 *
 * @example
 * ```ts
 * import type { ConversationHandle, KnockDropReason } from '@demls/session'
 * declare const chat: ConversationHandle
 * const hostile: KnockDropReason[] = ['bad-signature', 'not-member', 'budget']
 * const drops = chat.knockDrops()
 * console.log(hostile.reduce((n, r) => n + drops[r], 0), 'hostile knock packets dropped')
 * ```
 */
export type KnockDropReason =
  | 'too-large'
  | 'malformed'
  | 'expired'
  | 'member'
  | 'duplicate'
  | 'answered'
  | 'rate-limited'
  | 'budget'
  | 'bad-signature'
  | 'not-member'

/** Every {@link KnockDropReason}. */
export const KNOCK_DROP_REASONS: readonly KnockDropReason[] = Object.freeze([
  'too-large',
  'malformed',
  'expired',
  'member',
  'duplicate',
  'answered',
  'rate-limited',
  'budget',
  'bad-signature',
  'not-member',
])

/** One open knock a member holds: the verified knock, its id, its bytes on the wire. */
export interface HeldKnock {
  id: string
  knock: Knock
  bytes: Uint8Array
  /** When we first listed it (ms). */
  receivedAt: number
}

/**
 * A token bucket of signature checks: {@link KNOCK_VERIFY_PER_SECOND} per
 * second, as many in a burst. One per user, shared by its conversations:
 * a knock flood costs a user at most that many checks a second however
 * many conversations it floods.
 *
 * @internal
 */
export class VerifyBudget {
  readonly #rate: number
  #tokens: number
  #at: number | undefined

  constructor(perSecond: number = KNOCK_VERIFY_PER_SECOND) {
    this.#rate = perSecond
    this.#tokens = perSecond
  }

  /** Take one check at `now`; `false` when the budget is spent. */
  take(now: number): boolean {
    if (this.#at !== undefined && now > this.#at) this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#at) * this.#rate) / 1000)
    if (this.#at === undefined || now > this.#at) this.#at = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}

/**
 * The open knocks a member holds for one conversation (beyond the
 * reference), kept in memory only: bounded by count ({@link KNOCKS_MAX})
 * and bytes ({@link KNOCKS_MAX_BYTES}). Past a bound, expired knocks go
 * first, then the least recently refreshed: a knocker re-sends its knock
 * every few seconds, and each re-send moves it to the back, so an honest
 * knock is evicted only when {@link KNOCKS_MAX} new knocks were verified
 * between two of its re-sends (at most {@link KNOCK_VERIFY_PER_SECOND} a
 * second can be). Also the answered knocks (replays are dropped until
 * they expire) and the knockers' last new knock (the per-sender limit).
 *
 * @internal
 */
export class KnockBook {
  readonly #open = new Map<string, HeldKnock>()
  #bytes = 0
  /** Answered knock ids, with their expiry (ms). */
  readonly #answered = new Map<string, number>()
  /** Knocker (hex) → when it last opened a knock (ms). */
  readonly #senders = new Map<string, number>()
  /** When the tables may next be swept (a flood must not pay a sweep per packet). */
  #sweepAt = Number.NEGATIVE_INFINITY
  readonly drops: Record<KnockDropReason, number> = Object.fromEntries(KNOCK_DROP_REASONS.map((r) => [r, 0])) as Record<KnockDropReason, number>

  /** Open knocks held. */
  get size(): number {
    return this.#open.size
  }

  /** Bytes of the open knocks held. */
  get bytes(): number {
    return this.#bytes
  }

  /** Count a drop. */
  drop(reason: KnockDropReason): void {
    this.drops[reason]++
  }

  get(id: string): HeldKnock | undefined {
    return this.#open.get(id)
  }

  /** The open knock of a knocker (hex), if any (its latest). */
  byKnocker(knockerHex: string, hex: (b: Uint8Array) => string): HeldKnock | undefined {
    let found: HeldKnock | undefined
    for (const k of this.#open.values()) if (hex(k.knock.knocker) === knockerHex) found = k
    return found
  }

  /** The open knocks, least recently refreshed first. */
  all(): HeldKnock[] {
    return [...this.#open.values()]
  }

  /** Whether knock `id` was answered (and has not expired). */
  answered(id: string, now?: number): boolean {
    const until = this.#answered.get(id)
    return until !== undefined && (now === undefined || until > now)
  }

  /** A re-send of a knock we hold: move it to the back of the eviction order. */
  refresh(id: string): void {
    const held = this.#open.get(id)
    if (held === undefined) return
    this.#open.delete(id)
    this.#open.set(id, held)
  }

  /** Whether `knockerHex` opened a knock less than {@link KNOCK_SENDER_INTERVAL_MS} before `now`. */
  rateLimited(knockerHex: string, now: number): boolean {
    // Exact without a sweep: an entry older than the interval does not limit.
    const last = this.#senders.get(knockerHex)
    return last !== undefined && now - last < KNOCK_SENDER_INTERVAL_MS
  }

  /**
   * Forget expired knocks and answers: at once when `force` (before a
   * listing or an answer), otherwise at most once a second (on the receive
   * path: a flood pays no sweep per packet; the per-sender limit and the
   * eviction order stay exact meanwhile).
   */
  prune(now: number, force = true): void {
    if (!force && now < this.#sweepAt) return
    this.#sweepAt = now + 1_000
    for (const [id, k] of this.#open) if (Number(k.knock.expiresAtMs) <= now) this.#remove(id)
    for (const [id, until] of this.#answered) if (until <= now) this.#answered.delete(id)
    for (const [hex, at] of this.#senders) if (now - at >= KNOCK_SENDER_INTERVAL_MS) this.#senders.delete(hex)
  }

  /** List a verified knock (evicting past the bounds); returns the ids evicted. */
  add(held: HeldKnock, knockerHex: string, now: number): string[] {
    this.prune(now, false)
    this.#senders.delete(knockerHex)
    this.#senders.set(knockerHex, now)
    evictOldest(this.#senders, KNOCK_SENDERS_MAX)
    const evicted: string[] = []
    while (this.#open.size > 0 && (this.#open.size >= KNOCKS_MAX || this.#bytes + held.bytes.length > KNOCKS_MAX_BYTES)) {
      const oldest = this.#open.keys().next().value as string
      this.#remove(oldest)
      evicted.push(oldest)
    }
    this.#open.set(held.id, held)
    this.#bytes += held.bytes.length
    return evicted
  }

  /** Close a knock (let in or declined): its replays are dropped until `until` (its expiry). */
  answer(id: string, until: number): void {
    this.#remove(id)
    this.#answered.delete(id)
    this.#answered.set(id, until)
    evictOldest(this.#answered, KNOCK_ANSWERED_MAX)
  }

  #remove(id: string): void {
    const held = this.#open.get(id)
    if (held === undefined) return
    this.#open.delete(id)
    this.#bytes -= held.bytes.length
  }
}
