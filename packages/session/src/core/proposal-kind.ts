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

/**
 * Classify a decoded request (undefined = undecodable → `commit`).
 *
 * @example
 * ```ts
 * import { proposalKindOf } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * const request: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: new Uint8Array(20).fill(2) } }
 * proposalKindOf(request) // 'commit'
 * ```
 */
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

/**
 * Whether `kind` has lower priority than `other`.
 *
 * @example
 * ```ts
 * import { isLowerPriority } from '@demls/session/rules'
 * isLowerPriority('commit', 'emergency') // true
 * ```
 */
export function isLowerPriority(kind: ProposalKind, other: ProposalKind): boolean {
  return RANK[kind] < RANK[other]
}
