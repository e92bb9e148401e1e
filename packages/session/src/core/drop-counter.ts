import type { ConversationEvent, InboundDropReason } from './events.js'

type Dropped = Extract<ConversationEvent, { type: 'dropped' }>
type Suppressed = Extract<ConversationEvent, { type: 'drops-suppressed' }>

/** Distinct drop kinds remembered per epoch before every further drop is only counted. */
const KINDS_PER_EPOCH = 256

/**
 * Counts dropped packets. The first drop of each kind (reason and detail)
 * in an epoch is emitted as a `dropped` event; repeats in the same epoch
 * are only counted and reported once, as one `drops-suppressed` event,
 * when the next event after the epoch changed is emitted. Gossip delivers
 * duplicates, late votes and losing candidates all the time; an
 * application should see them as numbers, not as a stream of alarms.
 *
 * @internal
 */
export class DropCounter {
  readonly #totals = new Map<InboundDropReason, number>()
  #epoch: bigint | undefined
  #seen = new Set<string>()
  #suppressed = new Map<InboundDropReason, number>()

  /** Count `event`; whether it should be emitted. */
  admit(event: Dropped, epoch: bigint): boolean {
    this.#totals.set(event.reason, (this.#totals.get(event.reason) ?? 0) + 1)
    if (this.#epoch !== epoch) this.#roll(epoch)
    const key = `${event.reason}|${event.detail ?? ''}`
    if (!this.#seen.has(key) && this.#seen.size < KINDS_PER_EPOCH) {
      this.#seen.add(key)
      return true
    }
    this.#suppressed.set(event.reason, (this.#suppressed.get(event.reason) ?? 0) + 1)
    return false
  }

  /** The summary of a finished epoch's suppressed drops, once, when the epoch changed. */
  takeSummary(epoch: bigint): Suppressed | undefined {
    if (this.#epoch === undefined || this.#epoch === epoch || this.#suppressed.size === 0) return undefined
    const summary = this.#summary(this.#epoch)
    this.#roll(epoch)
    return summary
  }

  /** Every drop counted so far, by reason (emitted or not). */
  totals(): Partial<Record<InboundDropReason, number>> {
    return Object.fromEntries(this.#totals) as Partial<Record<InboundDropReason, number>>
  }

  #summary(epoch: bigint): Suppressed {
    return { type: 'drops-suppressed', epoch, counts: Object.fromEntries(this.#suppressed) as Partial<Record<InboundDropReason, number>> }
  }

  #roll(epoch: bigint): void {
    this.#epoch = epoch
    this.#seen = new Set()
    this.#suppressed = new Map()
  }
}
