import { DropCounter } from '../core/drop-counter.js'
import type { ConversationEvent, ConversationOutbound } from '../core/events.js'

/**
 * The outbox slice: what the flows produce for the outside, in order — the
 * packets to publish and the events to report — and the counters that
 * turn repeated drops into one summary. Flows write here (through
 * `ConversationCore.emit` and the sends); `Conversation` drains it at the
 * end of each step (`drainOutbound`, `drainEvents`), and a flow's unit
 * test reads it as plain arrays.
 *
 * @example
 * ```ts
 * import { Outbox } from '../state/outbox.js'
 * const outbox = new Outbox()
 * outbox.emit({ type: 'dropped', reason: 'duplicate' }, 3n)
 * outbox.emit({ type: 'dropped', reason: 'duplicate' }, 3n) // counted, not emitted again
 * console.log(outbox.events.length) // 1
 * ```
 *
 * @internal
 */
export class Outbox {
  /** Packets to publish, in order. */
  readonly packets: ConversationOutbound[] = []
  /** Events to report, in order. */
  readonly events: ConversationEvent[] = []
  /** Counts of dropped packets; repeats within an epoch are counted, not emitted. */
  readonly drops = new DropCounter()
  /**
   * Chat `message` events emitted since this outbox was made (never
   * decreases): a flow counts what it delivered by the difference, which
   * `events.length` cannot give, since the driver drains `events` whenever
   * a step ends, also while a later step awaits (memory only).
   */
  messagesEmitted = 0
  /**
   * Encrypted messages we sent, by `AppMessage` payload (`vote`,
   * `proposal`, `demlsAggregateVote`, …): how many and their ciphertext
   * bytes, since this outbox was made (memory only). What the benchmarks
   * read to count vote traffic; the wire carries no such label.
   */
  readonly sentByKind = new Map<string, { count: number; bytes: number }>()

  /** Count one encrypted message of `kind` of `bytes` ciphertext bytes. */
  countSent(kind: string, bytes: number): void {
    const c = this.sentByKind.get(kind) ?? { count: 0, bytes: 0 }
    c.count++
    c.bytes += bytes
    this.sentByKind.set(kind, c)
  }

  /** Report `event` at `epoch` (a drop repeated within the epoch is counted; a pending count summary goes first). */
  emit(event: ConversationEvent, epoch: bigint): void {
    if (event.type === 'dropped' && !this.drops.admit(event, epoch)) return
    if (event.type === 'message') this.messagesEmitted++
    const summary = this.drops.takeSummary(epoch)
    if (summary !== undefined) this.events.push(summary)
    this.events.push(event)
  }
}
