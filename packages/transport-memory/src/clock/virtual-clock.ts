import type { Clock, TimerHandle } from '@demls/wire'
import { SchedulerBusyError, TimeoutError } from '../errors.js'
import { EventQueue, type ScheduledEvent } from './event-queue.js'
import { yieldMacrotask } from './yield.js'

/** Default start of virtual time: 2023-11-14T22:13:20Z. */
export const DEFAULT_START_TIME = 1_700_000_000_000

/**
 * Options of {@link VirtualClock}.
 *
 * @example
 * ```ts
 * import { VirtualClock, type VirtualClockInit } from '@demls/transport-memory'
 * const init: VirtualClockInit = { startTime: Date.UTC(2025, 0, 1), onError: (err) => console.error('timer threw', err) }
 * const clock = new VirtualClock(init)
 * console.log(new Date(clock.now()).toISOString()) // 2025-01-01T00:00:00.000Z
 * ```
 */
export interface VirtualClockInit {
  /**
   * Virtual time at the start, in ms since the Unix epoch.
   * @default 1_700_000_000_000
   */
  startTime?: number
  /**
   * Macrotask turns with no tracked work left that must pass after each
   * event before the next one runs. Raise it if handlers chain several
   * untracked `setImmediate` hops.
   * @default 1
   */
  settleRounds?: number
  /**
   * Receives errors thrown by timer callbacks and rejections of tracked
   * work. When omitted, the first such error makes the running
   * `advance`/`runUntil`/`settle` reject with it (after the event that
   * raised it has settled).
   * @default undefined
   */
  onError?: (err: unknown) => void
}

/**
 * Options of {@link VirtualClock.runUntil}.
 *
 * @example
 * ```ts
 * import { type RunUntilOptions, VirtualClock } from '@demls/transport-memory'
 * const clock = new VirtualClock()
 * let done = false
 * clock.setTimer(() => { done = true }, 5_000)
 * const options: RunUntilOptions = { maxMs: 60_000, label: 'timer fired' } // TimeoutError after 60 virtual s
 * const elapsed = await clock.runUntil(() => done, options) // 5000
 * ```
 */
export interface RunUntilOptions {
  /**
   * Give up after this much virtual time.
   * @default 30_000
   */
  maxMs?: number
  /** Named in the {@link TimeoutError} message. @default undefined */
  label?: string
}

/**
 * A `Clock` (from `@demls/wire`) whose time only moves when driven: `advance(ms)` and
 * `runUntil(predicate)` run every timer (and every network delivery of a
 * {@link MemoryNetwork}) in `(time, insertion)` order, and after each one
 * wait for the async work it started — every tracked promise
 * ({@link VirtualClock.track}) plus at least one macrotask turn — before
 * running the next, so handlers that do async crypto finish at the virtual
 * instant they were triggered.
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@demls/transport-memory'
 * const clock = new VirtualClock()
 * clock.setTimer(() => console.log('a minute later', clock.now()), 60_000)
 * await clock.advance(60_000) // returns in a few ms of real time
 * ```
 */
export class VirtualClock implements Clock {
  private time: number
  private seq = 0
  private readonly queue = new EventQueue()
  private readonly timers = new Map<number, ScheduledEvent>()
  private nextTimerId = 1
  private readonly tracked = new Set<Promise<void>>()
  private readonly errors: unknown[] = []
  private readonly settleRounds: number
  private readonly onError: ((err: unknown) => void) | undefined
  private busy = false

  constructor(init: VirtualClockInit = {}) {
    this.time = init.startTime ?? DEFAULT_START_TIME
    this.settleRounds = Math.max(1, Math.floor(init.settleRounds ?? 1))
    this.onError = init.onError
  }

  /** Current virtual time, in ms since the Unix epoch. */
  now(): number {
    return this.time
  }

  /** Number of timers and deliveries scheduled and not yet run. */
  get pendingEvents(): number {
    return this.queue.size
  }

  /** Virtual time of the next scheduled event, or `undefined` when idle. */
  nextEventAt(): number | undefined {
    return this.queue.peek()?.at
  }

  /** Whether an `advance`, `runUntil` or `settle` call is running. */
  get isAdvancing(): boolean {
    return this.busy
  }

  /** Call `fn` once, `delayMs` (clamped to ≥ 0) from now in virtual time. */
  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const delay = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0
    return this.setTimerAt(fn, this.time + delay)
  }

  /** Call `fn` once at virtual time `at` (a past time means "now"). */
  setTimerAt(fn: () => void, at: number): TimerHandle {
    const id = this.nextTimerId++
    const event = this.makeEvent(at, () => {
      this.timers.delete(id)
      fn()
    })
    this.queue.push(event)
    this.timers.set(id, event)
    return id
  }

  /** Cancel a timer (no-op if it already fired or was cleared). */
  clearTimer(handle: TimerHandle): void {
    if (typeof handle !== 'number') return
    const event = this.timers.get(handle)
    if (event === undefined) return
    this.timers.delete(handle)
    this.queue.cancel(event)
  }

  /**
   * Register async work started by a timer or a delivery: the clock waits
   * for it to settle before running the next event.
   */
  track(work: Promise<unknown>): void {
    const wrapped: Promise<void> = work.then(
      () => {
        this.tracked.delete(wrapped)
      },
      (err: unknown) => {
        this.tracked.delete(wrapped)
        this.report(err)
      },
    )
    this.tracked.add(wrapped)
  }

  /**
   * Schedule an internal event (used by the network for deliveries). Not a
   * timer: it has no handle and cannot be cleared.
   *
   * @internal
   */
  schedule(at: number, run: () => void): void {
    this.queue.push(this.makeEvent(at, run))
  }

  private makeEvent(at: number, run: () => void): ScheduledEvent {
    return { at: Number.isNaN(at) ? this.time : Math.max(at, this.time), seq: this.seq++, run, cancelled: false }
  }

  /**
   * Wait for pending async work (tracked promises, microtasks, queued
   * macrotasks) without moving time.
   *
   * @throws {SchedulerBusyError} when time is already being driven
   */
  async settle(): Promise<void> {
    this.enter()
    try {
      await this.settleNow()
    } finally {
      this.busy = false
    }
  }

  /**
   * Move virtual time forward by `ms` (negative or `NaN` count as 0),
   * running every event due up to `now + ms` in `(time, insertion)` order
   * and settling async work after each one. Events scheduled while
   * advancing run too when they are due before the target.
   *
   * @throws {SchedulerBusyError} when another call is already driving time
   */
  async advance(ms: number): Promise<void> {
    this.enter()
    try {
      const target = this.time + (Number.isFinite(ms) && ms > 0 ? ms : 0)
      await this.settleNow()
      for (;;) {
        const next = this.queue.peek()
        if (next === undefined || next.at > target) break
        await this.runNext()
      }
      this.time = target
      await this.settleNow()
    } finally {
      this.busy = false
    }
  }

  /**
   * Run events one by one until `predicate()` holds, checking it before the
   * first event and after each one has settled. Resolves with the virtual
   * ms elapsed.
   *
   * @throws {TimeoutError} when `maxMs` of virtual time pass first (time is
   * then exactly `maxMs` later)
   * @throws {SchedulerBusyError} when another call is already driving time
   */
  async runUntil(predicate: () => boolean | Promise<boolean>, options: RunUntilOptions = {}): Promise<number> {
    this.enter()
    try {
      const start = this.time
      const maxMs = options.maxMs ?? 30_000
      const deadline = start + (Number.isFinite(maxMs) && maxMs > 0 ? maxMs : 0)
      await this.settleNow()
      if (await predicate()) return 0
      for (;;) {
        const next = this.queue.peek()
        if (next === undefined || next.at > deadline) break
        await this.runNext()
        if (await predicate()) return this.time - start
      }
      this.time = deadline
      await this.settleNow()
      if (await predicate()) return this.time - start
      throw new TimeoutError(deadline - start, options.label)
    } finally {
      this.busy = false
    }
  }

  private enter(): void {
    if (this.busy) throw new SchedulerBusyError()
    this.busy = true
  }

  private async runNext(): Promise<void> {
    const event = this.queue.pop()
    if (event === undefined) return
    if (event.at > this.time) this.time = event.at
    try {
      event.run()
    } catch (err) {
      this.report(err)
    }
    await this.settleNow()
  }

  private async settleNow(): Promise<void> {
    let quiet = 0
    while (quiet < this.settleRounds) {
      await yieldMacrotask()
      if (this.tracked.size === 0) {
        quiet++
        continue
      }
      quiet = 0
      await Promise.all(this.tracked)
    }
    if (this.errors.length > 0) {
      const err = this.errors[0]
      this.errors.length = 0
      throw err
    }
  }

  private report(err: unknown): void {
    if (this.onError) this.onError(err)
    else this.errors.push(err)
  }
}
