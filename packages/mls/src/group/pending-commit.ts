import type { ClientState } from '#ts-mls'
import type { CommitCandidate } from '../types.js'

/**
 * Our pending own commit: the candidate we broadcast, the state it leads
 * to, and the secrets it consumed. Its own module so that the state codec
 * and the group both import it without an import cycle.
 */
export interface PendingOwnCommit {
  candidate: CommitCandidate
  newState: ClientState
  consumed: Uint8Array[]
}
