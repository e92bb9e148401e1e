import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * {@link MemoryNetwork.runUntil} reached its virtual-time bound before the
 * predicate held.
 *
 * @example
 * ```ts
 * import { TimeoutError, VirtualClock } from '@demls/transport-memory'
 * const clock = new VirtualClock()
 * await clock.runUntil(() => false, { maxMs: 10_000, label: 'never' }).catch((err) => {
 *   if (err instanceof TimeoutError) console.log(err.code, err.elapsedMs) // gave up after 10 virtual seconds
 * })
 * ```
 */
export class TimeoutError extends DemlsError {
  /** Virtual milliseconds that elapsed before giving up. */
  readonly elapsedMs: number

  constructor(elapsedMs: number, label?: string, options: DemlsErrorOptions = {}) {
    super(
      `${label === undefined ? 'condition' : JSON.stringify(label)} did not hold within ${elapsedMs} ms of virtual time`,
      'TIMEOUT',
      options,
    )
    this.name = 'TimeoutError'
    this.elapsedMs = elapsedMs
  }
}

/**
 * A peer id passed to the network is not one of its transports.
 *
 * @example
 * ```ts
 * import { MemoryNetwork, UnknownPeerError } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * try {
 *   net.mute('nobody')
 * } catch (err) {
 *   if (err instanceof UnknownPeerError) console.log(err.code, err.peerId) // 'UNKNOWN_PEER' 'nobody'
 * }
 * ```
 */
export class UnknownPeerError extends DemlsError {
  /** The unknown peer id. */
  readonly peerId: string

  constructor(peerId: string) {
    super(`no transport with peer id ${JSON.stringify(peerId)} on this network`, 'UNKNOWN_PEER')
    this.name = 'UnknownPeerError'
    this.peerId = peerId
  }
}

/**
 * `createTransport` was called with a peer id that is already in use.
 *
 * @example
 * ```ts
 * import { DuplicatePeerError, MemoryNetwork } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * net.createTransport('alice')
 * try {
 *   net.createTransport('alice')
 * } catch (err) {
 *   if (err instanceof DuplicatePeerError) console.log(err.code, err.peerId) // 'DUPLICATE_PEER' 'alice'
 * }
 * ```
 */
export class DuplicatePeerError extends DemlsError {
  /** The duplicate peer id. */
  readonly peerId: string

  constructor(peerId: string) {
    super(`a transport with peer id ${JSON.stringify(peerId)} already exists`, 'DUPLICATE_PEER')
    this.name = 'DuplicatePeerError'
    this.peerId = peerId
  }
}

/**
 * A fault or option value is out of range (e.g. a probability above 1).
 *
 * @example
 * ```ts
 * import { InvalidFaultsError, MemoryNetwork } from '@demls/transport-memory'
 * try {
 *   new MemoryNetwork({ faults: { loss: 1.5 } })
 * } catch (err) {
 *   if (err instanceof InvalidFaultsError) console.log(err.code) // 'INVALID_FAULTS'
 * }
 * ```
 */
export class InvalidFaultsError extends DemlsError {
  constructor(reason: string) {
    super(`invalid faults: ${reason}`, 'INVALID_FAULTS')
    this.name = 'InvalidFaultsError'
  }
}

/**
 * `advance`, `runUntil` or `settle` was called while another one is still
 * running on the same network (time can only be driven from one place).
 *
 * @example
 * ```ts
 * import { SchedulerBusyError, VirtualClock } from '@demls/transport-memory'
 * const clock = new VirtualClock()
 * const first = clock.advance(1_000)
 * await clock.advance(1_000).catch((err) => {
 *   if (err instanceof SchedulerBusyError) console.log('await the running advance first')
 * })
 * await first
 * ```
 */
export class SchedulerBusyError extends DemlsError {
  constructor() {
    super('the scheduler is already advancing time; await the running call first', 'SCHEDULER_BUSY')
    this.name = 'SchedulerBusyError'
  }
}
