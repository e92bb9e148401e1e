/**
 * Handle of a timer scheduled on a {@link Clock}.
 *
 * @example
 * ```ts
 * import { type TimerHandle, systemClock } from '@demls/wire'
 * const handle: TimerHandle = systemClock.setTimer(() => console.log('tick'), 1_000)
 * systemClock.clearTimer(handle)
 * ```
 */
export type TimerHandle = { readonly __timer: unique symbol } | number | object

/**
 * The only source of time for demls: protocol code never reads the system
 * clock itself. `@demls/transport-memory` provides a virtual clock driven
 * by its scheduler; {@link systemClock} is the real one.
 *
 * @example
 * ```ts
 * import { type Clock, systemClock } from '@demls/wire'
 * import { VirtualClock } from '@demls/transport-memory'
 * function expiresAt(clock: Clock, ttlMs: number): number {
 *   return clock.now() + ttlMs
 * }
 * expiresAt(systemClock, 60_000) // real time
 * expiresAt(new VirtualClock(), 60_000) // virtual time in tests
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. Never decreases. */
  now(): number
  /** Call `fn` once, `delayMs` from now on this clock. */
  setTimer(fn: () => void, delayMs: number): TimerHandle
  /** Cancel a timer (no-op if it already fired or was cleared). */
  clearTimer(handle: TimerHandle): void
  /**
   * Virtual clocks only: register async work started by a timer or a
   * delivery, so the scheduler waits for it before advancing time. Drivers
   * call it when present; real clocks omit it.
   */
  track?(work: Promise<unknown>): void
}

/**
 * Wall-clock time with `setTimeout`; `now()` is clamped so it never goes
 * backwards when the system clock is adjusted.
 *
 * @example
 * ```ts
 * import { systemClock } from '@demls/wire'
 * const started = systemClock.now()
 * systemClock.setTimer(() => console.log(systemClock.now() - started), 10)
 * ```
 */
export const systemClock: Clock = (() => {
  let last = 0
  return {
    now(): number {
      const t = Date.now()
      last = Math.max(t, last)
      return last
    },
    setTimer(fn: () => void, delayMs: number): TimerHandle {
      return setTimeout(fn, Math.max(0, delayMs)) as unknown as TimerHandle
    },
    clearTimer(handle: TimerHandle): void {
      clearTimeout(handle as Parameters<typeof clearTimeout>[0])
    },
  }
})()
