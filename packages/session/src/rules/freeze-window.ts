import type { ConversationConfig } from '../conversation/config.js'

/** Our role as the freeze-entry window sees it. */
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
