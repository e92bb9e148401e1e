/**
 * Retry schedule of join probes and key-package announcements.
 *
 * @example
 * ```ts
 * import { type JoinRetryInit, type User } from '@demls/session'
 * declare const bob: User
 * const retry: JoinRetryInit = { initialMs: 1_000, maxMs: 30_000 } // announcement backoff
 * await bob.join('chat', { retry, probeRetry: { initialMs: 500 } })
 * ```
 */
export interface JoinRetryInit {
  /** First retry delay. @default 3_000 */
  initialMs?: number
  /** Largest delay (before jitter). @default 30_000 */
  maxMs?: number
}

/** The first retry interval of a join's announcement (and of any backoff not given `initialMs`), ms. */
export const ANNOUNCE_FIRST_MS = 3_000

/**
 * Exponential backoff with jitter (calimero's join retry): the delay starts
 * at `initialMs`, doubles up to `maxMs`, and each delay gets a jitter of up
 * to a quarter of itself.
 *
 * @internal
 */
export class Backoff {
  readonly #max: number
  readonly #random: () => number
  #step: number

  constructor(init: JoinRetryInit, random: () => number) {
    this.#step = init.initialMs ?? ANNOUNCE_FIRST_MS
    this.#max = Math.max(this.#step, init.maxMs ?? 30_000)
    this.#random = random
  }

  /** The next delay (ms): the current step plus jitter in [0, step/4); the step then doubles up to the cap. */
  next(): number {
    const base = this.#step
    const jitter = Math.floor(Math.min(Math.max(this.#random(), 0), 0.999_999) * (base / 4))
    this.#step = Math.min(this.#max, base * 2)
    return base + jitter
  }
}
