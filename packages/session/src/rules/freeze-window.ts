import type { ConversationConfig } from '../core/config.js'

/**
 * Our role as the freeze-entry window sees it.
 *
 * @example
 * ```ts
 * import { type FreezeRole, freezeEntryWindowFor } from '@demls/session/rules'
 * import { resolveConfig } from '@demls/session'
 * const role: FreezeRole = { recovering: false, actingEpochSteward: true, mayCommit: true }
 * const windowMs = freezeEntryWindowFor(role, resolveConfig())
 * ```
 */
export interface FreezeRole {
  /** Recovery mode, or a steward election was rejected (retry round > 0). */
  recovering: boolean
  /** We act as epoch steward. */
  actingEpochSteward: boolean
  /** We may commit (on the list, or anyone in recovery). */
  mayCommit: boolean
  /**
   * The approved work is joins only, and other joins are still being
   * voted on here: the rest of a wave the epoch steward filed together,
   * whose votes arrive a little after the first ones. Optional: absent
   * counts as none.
   */
  waveOpen?: boolean
}

/**
 * How long approved work may wait in Working before we enter Freezing
 * ourselves: the epoch steward commits after the short batching window
 * (beyond the reference: when the approved work is joins only, extended
 * by at most one freeze duration while other joins are still being voted
 * on, so that a wave of joins approved a few hundred milliseconds apart
 * goes into one commit instead of two epochs; a removal never waits);
 * other stewards after the commit-inactivity window (the epoch steward is
 * then inactive); plain members after commit + recovery inactivity; in
 * recovery or after a rejected election, the recovery window.
 *
 * @example
 * ```ts
 * import { freezeEntryWindowFor } from '@demls/session/rules'
 * import { resolveConfig } from '@demls/session'
 * const member = freezeEntryWindowFor({ recovering: false, actingEpochSteward: false, mayCommit: false }, resolveConfig())
 * console.log(`a plain member freezes after ${member} ms without a commit`)
 * ```
 */
export function freezeEntryWindowFor(
  role: FreezeRole,
  config: Pick<ConversationConfig, 'recoveryInactivityMs' | 'commitBatchWindowMs' | 'commitInactivityMs' | 'freezeDurationMs'>,
): number {
  if (role.recovering) return config.recoveryInactivityMs
  if (role.actingEpochSteward) return config.commitBatchWindowMs + (role.waveOpen === true ? config.freezeDurationMs : 0)
  if (role.mayCommit) return config.commitInactivityMs
  return config.commitInactivityMs + config.recoveryInactivityMs
}

/**
 * Whether a freeze that holds every expected candidate should still wait
 * before its selection (beyond the reference): some received candidate
 * carries more proposals than our commit prefix while ordinary proposals
 * are still being voted on here. Its committer most likely saw them
 * approved before we did (their last votes are in flight to us); a
 * selection now would judge that candidate late and merge a smaller one
 * (ours, if we are a steward) that the members who saw the approvals do
 * not merge: a fork, later healed by a switch. Waiting until those
 * proposals are decided (each decision polls again) or the freeze
 * deadline is the caller's part; the deadline bounds what a candidate
 * claiming more than was approved can cost: no more than a freeze without
 * any early end.
 *
 * @param heldProposalCounts - the MLS proposal count of each received candidate held this round
 * @param prefixLength - our commit prefix (approved work, one MLS proposal each)
 * @param openProposals - ordinary proposals still being voted on here
 *
 * @example
 * ```ts
 * import { selectionAwaitsOpenWork } from '@demls/session/rules'
 * selectionAwaitsOpenWork([2], 1, 1) // true: the candidate carries one more than we know approved, and one is open
 * selectionAwaitsOpenWork([1], 1, 1) // false: nothing beyond our prefix
 * selectionAwaitsOpenWork([2], 1, 0) // false: nothing open to wait for (the extra one was never proposed here)
 * ```
 */
export function selectionAwaitsOpenWork(heldProposalCounts: readonly number[], prefixLength: number, openProposals: number): boolean {
  return openProposals > 0 && heldProposalCounts.some((n) => n > prefixLength)
}
