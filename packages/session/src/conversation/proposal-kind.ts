import type { ConversationUpdateRequest } from '@demls/wire'

/**
 * Governance priority of a proposal (RFC "Partial Freeze Semantics"):
 * `commit` (add/remove, and anything undecodable) < `election` < `emergency`.
  *
  * @example
  * ```ts
  * import type { ProposalKind } from '@demls/session'
  * const order: ProposalKind[] = ['emergency', 'election', 'commit'] // highest priority first
  * ```
 */
export type ProposalKind = 'commit' | 'election' | 'emergency'

const RANK: Record<ProposalKind, number> = { commit: 0, election: 1, emergency: 2 }

/** Classify a decoded request (undefined = undecodable → `commit`). */
export function proposalKindOf(request: ConversationUpdateRequest | undefined): ProposalKind {
  switch (request?.payload) {
    case 'stewardElection':
      return 'election'
    case 'emergencyCriteria':
      return 'emergency'
    default:
      return 'commit'
  }
}

/** Whether `kind` has lower priority than `other`. */
export function isLowerPriority(kind: ProposalKind, other: ProposalKind): boolean {
  return RANK[kind] < RANK[other]
}
