/** An election our list requires at `epoch`, which we wait for until `until` (ms). */
export interface AwaitedElection {
  readonly epoch: bigint
  readonly until: number
}

/**
 * The stewardship slice: the timers of the steward flows
 * (`stewardship/`): the backup's takeover of buffered updates and the
 * wait for an election our list requires. Local timing: a fork switch
 * keeps it, a restart starts afresh.
 *
 * The awaited election changes only through this API: it is set once per
 * epoch (a second call at the same epoch keeps the first deadline), and
 * it ends when the election lands, when its wait is over, or when the
 * epoch it was for is left.
 *
 * @example
 * ```ts
 * import { StewardshipState } from '../state/stewardship-state.js'
 * const stewardship = new StewardshipState()
 * stewardship.awaitElection(4n, Date.now() + 8_000)
 * stewardship.electionLanded(4n) // the election for epoch 4 (or a later one) installed its list
 * console.log(stewardship.awaitedElection) // undefined
 * ```
 *
 * @internal
 */
export class StewardshipState {
  /** Anchor of the backup steward's takeover of buffered updates. */
  takeoverAnchor: number | undefined
  /** When our freeze round ended with approved work and no candidate, sending us into Reelection (`stewardship/reelection.ts`). */
  reelectionAt: number | undefined
  #awaited: AwaitedElection | undefined

  /**
   * An election our list requires at `epoch` (the list is exhausted and
   * more than snMax members are settled) that has not landed here yet; we
   * wait for it until `until` (ms) before committing under the old list.
   */
  get awaitedElection(): AwaitedElection | undefined {
    return this.#awaited
  }

  /** Wait for an election at `epoch` until `until`, unless we already wait for one at that epoch. */
  awaitElection(epoch: bigint, until: number): void {
    if (this.#awaited?.epoch !== epoch) this.#awaited = { epoch, until }
  }

  /** An election at `electionEpoch` installed its list: stop waiting for one at that epoch or before. */
  electionLanded(electionEpoch: bigint): void {
    if (this.#awaited !== undefined && electionEpoch >= this.#awaited.epoch) this.#awaited = undefined
  }

  /** Stop waiting when the wait is over at `now` or we are no longer at its epoch. */
  expire(epoch: bigint, now: number): void {
    const a = this.#awaited
    if (a !== undefined && (a.epoch !== epoch || now >= a.until)) this.#awaited = undefined
  }

  /** Stop waiting (our list no longer needs an election). */
  stopWaiting(): void {
    this.#awaited = undefined
  }
}
