import type { ConsensusOutcome, ConsensusRule } from '@demls/consensus'

/** The parts of a proposal the pivotality rule reads. */
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
 */
export function isVotePivotal(rule: ConsensusRule, p: PivotalityInput): boolean {
  const others = Math.max(0, p.expectedVotersCount - 1)
  const tally = { expectedVoters: p.expectedVotersCount, livenessCriteriaYes: p.livenessCriteriaYes, timedOut: false }
  return undecided(rule({ ...tally, yes: others, no: 0 })) || undecided(rule({ ...tally, yes: 0, no: others }))
}
