/** One scheduled deadline and what it carries. */
export interface Deadline<V> {
  /** When it is due (ms). */
  readonly at: number
  /** What the flow needs when it fires. */
  readonly value: V
}

/**
 * Deadlines by key (set / clear / due / next): the timers of one kind of
 * work, such as the consensus timeout or the auto-vote of each open
 * proposal. `due` lists the entries in the order they were set (a `set` of
 * a cleared key moves it to the end; a `set` of a present key keeps its
 * place), so firing them is deterministic; `next` is the earliest, what
 * `nextWakeupAt` needs.
 */
export class DeadlineTable<K, V = undefined> {
  readonly #entries = new Map<K, Deadline<V>>()

  /** Schedule `key` at `at` with `value` (replacing any earlier schedule of it). */
  set(key: K, at: number, ...value: V extends undefined ? [value?: V] : [value: V]): void {
    this.#entries.set(key, { at, value: value[0] as V })
  }

  /** Forget `key`; returns whether it was scheduled. */
  clear(key: K): boolean {
    return this.#entries.delete(key)
  }

  /** Forget every deadline. */
  clearAll(): void {
    this.#entries.clear()
  }

  /** The deadline of `key`, if scheduled. */
  get(key: K): Deadline<V> | undefined {
    return this.#entries.get(key)
  }

  /** Whether `key` is scheduled. */
  has(key: K): boolean {
    return this.#entries.has(key)
  }

  /** The deadlines due at `now` (`at ≤ now`), in the order they were set; a snapshot, safe to change the table while walking it. */
  due(now: number): [K, Deadline<V>][] {
    const out: [K, Deadline<V>][] = []
    for (const e of this.#entries) if (e[1].at <= now) out.push(e)
    return out
  }

  /** The earliest deadline, or undefined when none is scheduled. */
  next(): number | undefined {
    let min: number | undefined
    for (const d of this.#entries.values()) if (min === undefined || d.at < min) min = d.at
    return min
  }

  /** How many deadlines are scheduled. */
  get size(): number {
    return this.#entries.size
  }
}

/**
 * Every source of a wake-up: the key of its entry in the conversation's
 * wake-up table (`ConversationCore.wakeups`), whose earliest deadline is
 * `Conversation.nextWakeupAt`. The per-proposal tables (`auto-votes`,
 * `vote-echoes`, `timeouts`) enter with their earliest entry; the others
 * with the deadline their flow computes from its state
 * (`conversation/wakeups.ts` lists each one's function).
 *
 * @example
 * ```ts
 * import { DeadlineTable, type WakeupSource } from '../state/deadlines.js'
 * const wakeups = new DeadlineTable<WakeupSource>()
 * wakeups.set('attestation', 30_000)
 * wakeups.set('phase', 12_000)
 * wakeups.next() // 12_000
 * ```
 */
export type WakeupSource =
  | 'auto-votes'
  | 'vote-echoes'
  | 'backup-proofs'
  | 'aggregator-contact'
  | 'timeouts'
  | 'phase'
  | 'history'
  | 'takeover'
  | 'catch-up'
  | 'proposal-requests'
  | 'awaited-election'
  | 'reelection'
  | 'attestation'
  | 'join-probes'
  | 'rewelcome'
  | 'deferred-reproposals'
