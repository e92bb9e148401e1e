import type { Transport } from '@demls/wire'

/** Options of {@link TransportHarness.create}. */
export interface CreateOptions {
  /**
   * Start the transports before returning them.
   * @default true
   */
  started?: boolean
}

/**
 * How the suite drives one transport implementation. The suite calls the
 * factory once per test and `teardown` after it.
 *
 * "Time" is the transports' own timeline: virtual for
 * `@demls/transport-memory` (advancing it is instant), real for gossipsub.
 */
export interface TransportHarness {
  /**
   * Create `n` transports able to reach each other (connected, not
   * subscribed to anything).
   */
  create(n: number, options?: CreateOptions): Promise<Transport[]>
  /**
   * Let `ms` of the transports' time pass, long enough by default for a
   * packet in flight to arrive.
   */
  settle(ms?: number): Promise<void>
  /**
   * Wait until `predicate()` holds, letting the transports' time run;
   * reject after `timeoutMs` of that time.
   */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>
  /**
   * Make raw wire bytes arrive at `to` on `topic`, as if another peer had
   * published them (bypassing that peer's envelope handling).
   */
  injectRaw(to: Transport, topic: string, bytes: Uint8Array): Promise<void>
  /** Stop and release everything `create` made. */
  teardown(): Promise<void>
}

/** Creates a fresh {@link TransportHarness} for one test. */
export type TransportHarnessFactory = () => TransportHarness | Promise<TransportHarness>
