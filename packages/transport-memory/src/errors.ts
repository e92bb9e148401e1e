import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * {@link MemoryNetwork.runUntil} reached its virtual-time bound before the
 * predicate held.
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

/** A peer id passed to the network is not one of its transports. */
export class UnknownPeerError extends DemlsError {
  /** The unknown peer id. */
  readonly peerId: string

  constructor(peerId: string) {
    super(`no transport with peer id ${JSON.stringify(peerId)} on this network`, 'UNKNOWN_PEER')
    this.name = 'UnknownPeerError'
    this.peerId = peerId
  }
}

/** `createTransport` was called with a peer id that is already in use. */
export class DuplicatePeerError extends DemlsError {
  /** The duplicate peer id. */
  readonly peerId: string

  constructor(peerId: string) {
    super(`a transport with peer id ${JSON.stringify(peerId)} already exists`, 'DUPLICATE_PEER')
    this.name = 'DuplicatePeerError'
    this.peerId = peerId
  }
}

/** A fault or option value is out of range (e.g. a probability above 1). */
export class InvalidFaultsError extends DemlsError {
  constructor(reason: string) {
    super(`invalid faults: ${reason}`, 'INVALID_FAULTS')
    this.name = 'InvalidFaultsError'
  }
}

/**
 * `advance`, `runUntil` or `settle` was called while another one is still
 * running on the same network (time can only be driven from one place).
 */
export class SchedulerBusyError extends DemlsError {
  constructor() {
    super('the scheduler is already advancing time; await the running call first', 'SCHEDULER_BUSY')
    this.name = 'SchedulerBusyError'
  }
}
