import type { ConsensusOutcome, ConsensusRule } from '@demls/consensus'

/**
 * The parts of a proposal the pivotality rule reads.
 *
 * @example
 * ```ts
 * import { type PivotalityInput, isVotePivotal } from '@demls/session/rules'
 * import { consensusResult } from '@demls/consensus'
 * const p: PivotalityInput = { expectedVotersCount: 2, livenessCriteriaYes: true }
 * isVotePivotal(consensusResult, p)
 * ```
 */
export interface PivotalityInput {
  /** Members expected to vote, ourselves included. */
  expectedVotersCount: number
  /** How silent voters count at the timeout. */
  livenessCriteriaYes: boolean
}

function undecided(o: ConsensusOutcome): boolean {
  return o !== 'yes' && o !== 'no'
}

/**
 * Whether the group's rule cannot decide a proposal without our vote even
 * if every other member votes alike (the default rule's unanimity for
 * n ≤ 2): then a member that lost our vote can only time out, so the vote
 * is sent once more even after the proposal resolved here.
 *
 * @example
 * ```ts
 * import { isVotePivotal } from '@demls/session/rules'
 * import { consensusResult } from '@demls/consensus'
 * if (isVotePivotal(consensusResult, { expectedVotersCount: 3, livenessCriteriaYes: false })) console.log('one vote can decide: ask now')
 * ```
 */
export function isVotePivotal(rule: ConsensusRule, p: PivotalityInput): boolean {
  const others = Math.max(0, p.expectedVotersCount - 1)
  const tally = { expectedVoters: p.expectedVotersCount, livenessCriteriaYes: p.livenessCriteriaYes, timedOut: false }
  return undecided(rule({ ...tally, yes: others, no: 0 })) || undecided(rule({ ...tally, yes: 0, no: others }))
}
