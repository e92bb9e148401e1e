/**
 * The stewardship slice: the timers of the steward flows
 * (`stewardship/`): the backup's takeover of buffered updates and the
 * wait for an election our list requires. Local timing: a fork switch
 * keeps it, a restart starts afresh.
 *
 * @example
 * ```ts
 * import { StewardshipState } from '../state/stewardship-state.js'
 * const stewardship = new StewardshipState()
 * stewardship.awaitedElection = { epoch: 4n, until: Date.now() + 8_000 }
 * ```
 *
 * @internal
 */
export class StewardshipState {
  /** Anchor of the backup steward's takeover of buffered updates. */
  takeoverAnchor: number | undefined
  /**
   * An election our list requires at `epoch` (the list is exhausted and
   * more than snMax members are settled) that has not landed here yet; we
   * wait for it until `until` (ms) before committing under the old list.
   */
  awaitedElection: { epoch: bigint; until: number } | undefined
}
