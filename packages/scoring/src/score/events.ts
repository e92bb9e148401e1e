import { I64_MIN, type ScoreInput, toScore } from './i64.js'

/**
 * Scoreable protocol events (reference `ScoreEvent`). Each maps to one
 * delta in a {@link ScoreDeltas} table.
 */
export const ScoreEvent = {
  /** Accepted ECP target: commit does not match the voted proposals / forged author. */
  BrokenCommit: 'BrokenCommit',
  /** Accepted ECP target: MLS proposal does not match the voted action. */
  BrokenMlsProposal: 'BrokenMlsProposal',
  /** Accepted ECP target: steward did not commit in time. */
  CensorshipInactivity: 'CensorshipInactivity',
  /** Creator of an accepted ECP. */
  EmergencyYesCreator: 'EmergencyYesCreator',
  /** Creator of a rejected ECP (false accusation). */
  EmergencyNoCreator: 'EmergencyNoCreator',
  /** MLS-verified committer of the applied candidate. */
  SuccessfulCommit: 'SuccessfulCommit',
  /** Losing candidate whose claimed author is on the steward list. */
  HonestCommitAttempt: 'HonestCommitAttempt',
  /** Losing candidate from a non-steward, or a staged commit from a non-steward. */
  MisbehavingCommit: 'MisbehavingCommit',
  /**
   * Beyond the reference (which cannot detect it): two validly signed votes
   * of one member on one proposal, one YES and one NO. Two signatures prove
   * it, so anyone holding both applies it.
   */
  EquivocatingVote: 'EquivocatingVote',
  /**
   * Beyond the reference: two different commits signed by one member for
   * one epoch, carrying the same changes (an honest committer offers the
   * same commit again instead). Its MLS signatures prove it to any member
   * of that epoch.
   */
  EquivocatingCommit: 'EquivocatingCommit',
  /**
   * Beyond the reference (issue 55): an aggregate proof of a proposal's
   * outcome that does not verify (a forged or altered aggregate, a
   * malformed proof or bitmap). An honest aggregator checks its own proof
   * before publishing it; the sender's MLS signature proves who sent it.
   */
  ForgedAggregateProof: 'ForgedAggregateProof',
} as const
/**
 * A value of {@link ScoreEvent}.
 *
 * @example
 * ```ts
 * import { PeerScoringService, ScoreEvent } from '@demls/scoring'
 * const steward = new Uint8Array(20).fill(2)
 * const scoring = new PeerScoringService()
 * scoring.addMember(steward)
 * const event: ScoreEvent = ScoreEvent.SuccessfulCommit
 * scoring.applyOp({ memberId: steward, event })
 * ```
 */
export type ScoreEvent = (typeof ScoreEvent)[keyof typeof ScoreEvent]

/** Every {@link ScoreEvent}, in declaration order. */
export const SCORE_EVENTS: readonly ScoreEvent[] = Object.freeze(Object.values(ScoreEvent))

/**
 * A delta table. Events missing from it count 0.
 *
 * @example
 * ```ts
 * import { DEFAULT_SCORE_DELTAS, type ScoreDeltas, ScoreEvent, scoreDelta } from '@demls/scoring'
 * const deltas: ScoreDeltas = DEFAULT_SCORE_DELTAS
 * scoreDelta(deltas, ScoreEvent.BrokenCommit) // a negative bigint
 * ```
 */
export type ScoreDeltas = Readonly<Partial<Record<ScoreEvent, bigint>>>

/**
 * Input of a delta table: `bigint` or safe-integer `number` values.
 *
 * @example
 * ```ts
 * import { PeerScoringService, type ScoreDeltasInit } from '@demls/scoring'
 * const harsh: ScoreDeltasInit = { CensorshipInactivity: -100, SuccessfulCommit: 1 } // numbers or bigints
 * const scoring = new PeerScoringService({ deltas: harsh })
 * ```
 */
export type ScoreDeltasInit = Readonly<Partial<Record<ScoreEvent, ScoreInput>>>

/**
 * Reference default deltas (`default_score_deltas`; "placeholders pending
 * tuning" upstream): BrokenCommit −50, BrokenMlsProposal −30,
 * CensorshipInactivity −40, MisbehavingCommit −10, EmergencyYesCreator +20,
 * EmergencyNoCreator −50, SuccessfulCommit +10, HonestCommitAttempt +5;
 * and demls's EquivocatingVote and EquivocatingCommit, the i64 minimum
 * (a proven equivocation takes a member to the floor, below any removal
 * threshold whatever score its history earned; the scores saturate), and
 * ForgedAggregateProof −50 (as a broken commit). The reference never
 * emits these events, so its deltas are unchanged.
 */
export const DEFAULT_SCORE_DELTAS: ScoreDeltas = Object.freeze({
  BrokenCommit: -50n,
  BrokenMlsProposal: -30n,
  CensorshipInactivity: -40n,
  MisbehavingCommit: -10n,
  EmergencyYesCreator: 20n,
  EmergencyNoCreator: -50n,
  SuccessfulCommit: 10n,
  HonestCommitAttempt: 5n,
  EquivocatingVote: I64_MIN,
  EquivocatingCommit: I64_MIN,
  ForgedAggregateProof: -50n,
})

/** Starting score of a newly tracked member (`DEFAULT_PEER_SCORE`). */
export const DEFAULT_PEER_SCORE = 100n

/** Default removal threshold (`DEFAULT_THRESHOLD_PEER_SCORE`); removable when score ≤ threshold. */
export const DEFAULT_THRESHOLD_PEER_SCORE = 0n

/**
 * Validate a delta table. Only known events are kept.
 *
 * @throws {InvalidScoreError} when a delta is not an i64
 *
 * @example
 * ```ts
 * import { scoreDeltas } from '@demls/scoring'
 * const table = scoreDeltas({ BrokenCommit: -80 }) // validated, as bigints
 * ```
 */
export function scoreDeltas(init: ScoreDeltasInit): ScoreDeltas {
  const out: Partial<Record<ScoreEvent, bigint>> = {}
  for (const event of SCORE_EVENTS) {
    const v = init[event]
    if (v !== undefined) out[event] = toScore(v, `delta for ${event}`)
  }
  return Object.freeze(out)
}

/**
 * The delta of `event` in `table`; 0 when absent.
 *
 * @example
 * ```ts
 * import { DEFAULT_SCORE_DELTAS, SCORE_EVENTS, scoreDelta } from '@demls/scoring'
 * for (const event of SCORE_EVENTS) console.log(event, scoreDelta(DEFAULT_SCORE_DELTAS, event))
 * ```
 */
export function scoreDelta(table: ScoreDeltas, event: ScoreEvent): bigint {
  return table[event] ?? 0n
}
