import type { ConversationConfig } from '../conversation/config.js'

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
}

/**
 * How long approved work may wait in Working before we enter Freezing
 * ourselves: the epoch steward commits after the short batching window;
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
  config: Pick<ConversationConfig, 'recoveryInactivityMs' | 'commitBatchWindowMs' | 'commitInactivityMs'>,
): number {
  if (role.recovering) return config.recoveryInactivityMs
  if (role.actingEpochSteward) return config.commitBatchWindowMs
  if (role.mayCommit) return config.commitInactivityMs
  return config.commitInactivityMs + config.recoveryInactivityMs
}
