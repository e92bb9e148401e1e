/**
 * de-MLS peer scoring (reference `vacp2p/de-mls` 4.x `peer_scoring`):
 * score events with configurable deltas (reference defaults), per-member
 * i64 scores over a pluggable synchronous {@link PeerScoreStorage},
 * threshold crossings, roster sync, a sparse snapshot compatible with the
 * wire `PeerScore`, the mapping from a resolved emergency proposal to score
 * ops, and the `ViolationEvidence` constructors.
 *
 * Scores are `bigint` with saturating signed 64-bit arithmetic (the wire
 * `PeerScore.score` is `int64`); inputs also accept safe-integer numbers.
 *
 * @example
 * ```ts
 * import {
 *   PeerScoringService,
 *   ScoreEvent,
 *   brokenCommit,
 *   emergencyScoreOps,
 *   emergencyUpdateRequest,
 *   withCreator,
 * } from '@demls/scoring'
 *
 * const alice = new Uint8Array(20).fill(1)
 * const bob = new Uint8Array(20).fill(2)
 *
 * const scoring = new PeerScoringService() // default 100, threshold 0, reference deltas
 * scoring.syncMembers([alice, bob])
 *
 * // Alice accuses Bob of a broken commit at epoch 3.
 * const evidence = withCreator(brokenCommit(bob, 3n), alice)
 * const request = emergencyUpdateRequest(evidence) // ConversationUpdateRequestInit
 *
 * // The group accepted it: score the (authenticated) creator and the target.
 * const crossings = scoring.applyOps(emergencyScoreOps(evidence, true, alice))
 * console.log(scoring.scoreFor(alice), scoring.scoreFor(bob), crossings.length) // 120n 50n 0
 * console.log(scoring.snapshot().length, request.payload) // 2 'emergencyCriteria'
 * ```
 *
 * @packageDocumentation
 */
export { InvalidEvidenceEpochError, InvalidScoreError, MissingCreatorError } from './errors.js'
export {
  brokenCommit,
  brokenMlsProposal,
  censorshipInactivity,
  deadlock,
  emergencyUpdateRequest,
  misbehavingCommit,
  scoreBelowThreshold,
  scoreFromEvidencePayload,
  violationLabel,
  withCreator,
} from './evidence/evidence.js'
export { scoringMemberDiff } from './helpers/diff.js'
export { emergencyScoreOps, emergencyScoreOpsForRequest, targetScoreEvent } from './helpers/emergency.js'
export {
  DEFAULT_PEER_SCORE,
  DEFAULT_SCORE_DELTAS,
  DEFAULT_THRESHOLD_PEER_SCORE,
  SCORE_EVENTS,
  ScoreEvent,
  type ScoreDeltas,
  type ScoreDeltasInit,
  scoreDelta,
  scoreDeltas,
} from './score/events.js'
export { I64_MAX, I64_MIN, type ScoreInput, saturatingAdd, toScore } from './score/i64.js'
export {
  CUSTOM_PEER_SCORING_ID,
  DEFAULT_PEER_SCORING_ID,
  DEFAULT_PEER_SCORING_VERSION,
  PeerScoringService,
  type PeerScoringServiceInit,
  defaultPeerScoring,
} from './service/service.js'
export { InMemoryPeerScoreStorage } from './storage/in-memory.js'
export type {
  MemberId,
  PeerScoreEntry,
  PeerScoreEntryInit,
  PeerScoreStorage,
  PeerScoringPlugin,
  ScoreOp,
  ScoringConfig,
  ScoringMemberDiff,
  ThresholdCrossing,
  ThresholdCrossingType,
} from './types.js'
