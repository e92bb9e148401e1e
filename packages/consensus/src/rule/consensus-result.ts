import { InvalidConsensusArgumentError } from '../errors.js'
import type { ConsensusOutcome, ConsensusTally } from '../types.js'

const U32_MAX = 0xffff_ffff

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new InvalidConsensusArgumentError(`${name} must be an integer in [0, 2^32 - 1], got ${value}`)
  }
}

/**
 * Votes (or vote weight) one side needs: `ceil(2n / 3)` in exact integer
 * arithmetic, or `n` itself when `n ≤ 2`.
 *
 * @example
 * ```ts
 * import { requiredVotes } from '@demls/consensus'
 * requiredVotes(3) // 2
 * requiredVotes(100) // 67
 * ```
 */
export function requiredVotes(expectedVoters: number): number {
  checkCount('expectedVoters', expectedVoters)
  if (expectedVoters <= 2) return expectedVoters
  return Math.floor((2 * expectedVoters + 2) / 3)
}

/**
 * The hashgraph-like-consensus 0.5.1 decision rule
 * (`calculate_consensus_result`), as a pure function. With n expected voters,
 * Y/N votes cast, S = n − Y − N silent, L = liveness flag, q = ceil(2n/3):
 *
 * 1. n ≤ 2: undecided until all n voted, then YES iff all voted YES.
 * 2. Before the timeout, undecided unless Y + N ≥ q (at the timeout every
 *    silent voter counts and the gate is skipped).
 * 3. YES weight = Y + (L ? S : 0), NO weight = N + (L ? 0 : S); silent voters
 *    are weighed even before the timeout once the gate is passed.
 * 4. A side wins with weight ≥ q and strictly more than the other.
 * 5. Everybody voted and the weights are equal → L.
 * 6. Otherwise undecided — `'failed'` when `timedOut`.
 *
 * n = 0 (which the crate refuses when creating a proposal, but would
 * evaluate as YES): never decides — `'undecided'`, or `'failed'` at the
 * timeout.
 *
 * @throws {InvalidConsensusArgumentError} when a count is not an integer in the u32 range
 * @example
 * ```ts
 * import { consensusResult } from '@demls/consensus'
 * consensusResult({ expectedVoters: 3, yes: 1, no: 1, livenessCriteriaYes: true, timedOut: false }) // 'yes'
 * consensusResult({ expectedVoters: 2, yes: 1, no: 0, livenessCriteriaYes: true, timedOut: true }) // 'failed'
 * ```
 */
export function consensusResult(tally: ConsensusTally): ConsensusOutcome {
  const { expectedVoters: n, yes, no, livenessCriteriaYes: liveness, timedOut } = tally
  checkCount('expectedVoters', n)
  checkCount('yes', yes)
  checkCount('no', no)
  const undecided: ConsensusOutcome = timedOut ? 'failed' : 'undecided'
  if (n === 0) return undecided
  const cast = yes + no
  if (n <= 2) {
    if (cast < n) return undecided
    return yes === n ? 'yes' : 'no'
  }
  const required = requiredVotes(n)
  const effective = timedOut ? n : cast
  if (effective < required) return undecided
  const silent = n > cast ? n - cast : 0
  const yesWeight = yes + (liveness ? silent : 0)
  const noWeight = no + (liveness ? 0 : silent)
  if (yesWeight >= required && yesWeight > noWeight) return 'yes'
  if (noWeight >= required && noWeight > yesWeight) return 'no'
  if (cast === n && yesWeight === noWeight) return liveness ? 'yes' : 'no'
  return undecided
}
