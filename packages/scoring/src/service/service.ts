import {
  DEFAULT_PEER_SCORE,
  DEFAULT_SCORE_DELTAS,
  DEFAULT_THRESHOLD_PEER_SCORE,
  SCORE_EVENTS,
  type ScoreDeltas,
  type ScoreDeltasInit,
  scoreDelta,
  scoreDeltas,
} from '../score/events.js'
import { type ScoreInput, saturatingAdd, toScore } from '../score/i64.js'
import { scoringMemberDiff } from '../helpers/diff.js'
import { InMemoryPeerScoreStorage } from '../storage/in-memory.js'
import type {
  MemberId,
  PeerScoreEntry,
  PeerScoreEntryInit,
  PeerScoreStorage,
  PeerScoringPlugin,
  ScoreOp,
  ScoringConfig,
  ScoringMemberDiff,
  ThresholdCrossing,
} from '../types.js'

/** `id` of the default scoring rules (reference deltas, saturating i64, `score ≤ threshold`). */
export const DEFAULT_PEER_SCORING_ID = 'de-mls/peer-scoring/reference'
/** `id` reported when a custom delta table is given without an explicit `id`. */
export const CUSTOM_PEER_SCORING_ID = 'de-mls/peer-scoring/custom-deltas'
/** `version` of the default scoring rules. */
export const DEFAULT_PEER_SCORING_VERSION = '1.0.0'

/**
 * Options of {@link PeerScoringService}.
 *
 * @example
 * ```ts
 * import { InMemoryPeerScoreStorage, PeerScoringService, type PeerScoringServiceInit } from '@demls/scoring'
 * const init: PeerScoringServiceInit = { storage: new InMemoryPeerScoreStorage(), defaultScore: 50, threshold: 10, deltas: { BrokenCommit: -40 } }
 * const scoring = new PeerScoringService(init)
 * ```
 */
export interface PeerScoringServiceInit {
  /** Storage backend. @default a new {@link InMemoryPeerScoreStorage} */
  storage?: PeerScoreStorage
  /** Delta table; events missing from it count 0. @default {@link DEFAULT_SCORE_DELTAS} */
  deltas?: ScoreDeltasInit
  /** Starting score. @default {@link DEFAULT_PEER_SCORE} (100) */
  defaultScore?: ScoreInput
  /** Removal threshold (removable when `score ≤ threshold`). @default {@link DEFAULT_THRESHOLD_PEER_SCORE} (0) */
  threshold?: ScoreInput
  /** Plug-in id. @default {@link DEFAULT_PEER_SCORING_ID}, or {@link CUSTOM_PEER_SCORING_ID} when `deltas` differ from the defaults */
  id?: string
  /** Plug-in version. @default {@link DEFAULT_PEER_SCORING_VERSION} */
  version?: string
}

function sameDeltas(a: ScoreDeltas, b: ScoreDeltas): boolean {
  return SCORE_EVENTS.every((e) => scoreDelta(a, e) === scoreDelta(b, e))
}

function crossing(
  memberId: MemberId,
  before: bigint | undefined,
  after: bigint,
  threshold: bigint,
): ThresholdCrossing | undefined {
  const wasAbove = before === undefined || before > threshold
  const isAbove = after > threshold
  if (wasAbove && !isAbove) return { type: 'ThresholdCrossedDown', memberId, before, after, threshold }
  if (before !== undefined && !wasAbove && isAbove) {
    return { type: 'ThresholdCrossedUp', memberId, before, after, threshold }
  }
  return undefined
}

/**
 * The default {@link PeerScoringPlugin} (reference `PeerScoringService` over a
 * {@link PeerScoreStorage}). Scores are `bigint` with saturating i64
 * arithmetic. Only tracked members change score: an op for an untracked
 * member is ignored, so a late event cannot resurrect a removed member.
 *
 * @example
 * ```ts
 * import { PeerScoringService, ScoreEvent } from '@demls/scoring'
 * const alice = new Uint8Array(20).fill(1) // a member id (address)
 * const scoring = new PeerScoringService()
 * scoring.addMember(alice)
 * scoring.applyOps([{ memberId: alice, event: ScoreEvent.BrokenCommit }]) // 100 → 50
 * scoring.applyOps([{ memberId: alice, event: ScoreEvent.BrokenCommit }]) // 50 → 0: [ThresholdCrossedDown]
 * scoring.membersBelowThreshold() // [alice]
 * ```
 */
export class PeerScoringService implements PeerScoringPlugin {
  readonly id: string
  readonly version: string
  readonly #storage: PeerScoreStorage
  readonly #deltas: ScoreDeltas
  #defaultScore: bigint
  #threshold: bigint

  constructor(init: PeerScoringServiceInit = {}) {
    this.#storage = init.storage ?? new InMemoryPeerScoreStorage()
    this.#deltas = init.deltas === undefined ? DEFAULT_SCORE_DELTAS : scoreDeltas(init.deltas)
    this.#defaultScore = toScore(init.defaultScore ?? DEFAULT_PEER_SCORE, 'default score')
    this.#threshold = toScore(init.threshold ?? DEFAULT_THRESHOLD_PEER_SCORE, 'threshold')
    this.id =
      init.id ?? (sameDeltas(this.#deltas, DEFAULT_SCORE_DELTAS) ? DEFAULT_PEER_SCORING_ID : CUSTOM_PEER_SCORING_ID)
    this.version = init.version ?? DEFAULT_PEER_SCORING_VERSION
  }

  /** The storage backend in use. */
  get storage(): PeerScoreStorage {
    return this.#storage
  }

  /** Current parameters (default score, threshold, delta table). */
  get config(): ScoringConfig {
    return { defaultScore: this.#defaultScore, threshold: this.#threshold, deltas: this.#deltas }
  }

  /** The delta of one event in this service's table (0 when absent). */
  deltaFor(event: ScoreOp['event']): bigint {
    return scoreDelta(this.#deltas, event)
  }

  addMember(memberId: MemberId): boolean {
    let score = this.#storage.get(memberId)
    if (score === undefined) {
      score = this.#defaultScore
      this.#storage.set(memberId, score)
    }
    return score <= this.#threshold
  }

  removeMember(memberId: MemberId): void {
    this.#storage.remove(memberId)
  }

  isTracked(memberId: MemberId): boolean {
    return this.#storage.get(memberId) !== undefined
  }

  applyOp(op: ScoreOp): ThresholdCrossing | undefined {
    const before = this.#storage.get(op.memberId)
    if (before === undefined) return undefined
    const after = saturatingAdd(before, scoreDelta(this.#deltas, op.event))
    if (after !== before) this.#storage.set(op.memberId, after)
    return crossing(op.memberId, before, after, this.#threshold)
  }

  applyOps(ops: readonly ScoreOp[]): ThresholdCrossing[] {
    const out: ThresholdCrossing[] = []
    for (const op of ops) {
      const c = this.applyOp(op)
      if (c) out.push(c)
    }
    return out
  }

  /**
   * Set absolute scores; unknown members are tracked at the given value.
   * All entries are validated before any is applied.
   *
   * @throws {InvalidScoreError} when a score is not an i64
   */
  applySnapshot(entries: readonly PeerScoreEntryInit[]): ThresholdCrossing[] {
    const parsed = entries.map((e) => ({ memberId: e.memberId, score: toScore(e.score) }))
    const out: ThresholdCrossing[] = []
    for (const { memberId, score } of parsed) {
      const before = this.#storage.get(memberId)
      this.#storage.set(memberId, score)
      const c = crossing(memberId, before, score, this.#threshold)
      if (c) out.push(c)
    }
    return out
  }

  snapshot(): PeerScoreEntry[] {
    return this.#storage.allScores().filter((e) => e.score !== this.#defaultScore)
  }

  scoreFor(memberId: MemberId): bigint | undefined {
    return this.#storage.get(memberId)
  }

  membersBelowThreshold(): MemberId[] {
    return this.#storage
      .allScores()
      .filter((e) => e.score <= this.#threshold)
      .map((e) => e.memberId)
  }

  allMembersWithScores(): PeerScoreEntry[] {
    return this.#storage.allScores()
  }

  syncMembers(mlsMembers: readonly MemberId[]): ScoringMemberDiff {
    const tracked = this.#storage.allScores().map((e) => e.memberId)
    const diff = scoringMemberDiff(tracked, mlsMembers)
    for (const m of diff.toAdd) this.addMember(m)
    for (const m of diff.toRemove) this.removeMember(m)
    return diff
  }

  threshold(): bigint {
    return this.#threshold
  }

  setThreshold(threshold: ScoreInput): void {
    this.#threshold = toScore(threshold, 'threshold')
  }

  defaultScore(): bigint {
    return this.#defaultScore
  }

  setDefaultScore(score: ScoreInput): void {
    this.#defaultScore = toScore(score, 'default score')
  }
}

/**
 * Factory of the default scoring plug-in, for the session's
 * `makeScoring(config)` slot.
 *
 * @example
 * ```ts
 * import { defaultPeerScoring } from '@demls/scoring'
 * const scoring = defaultPeerScoring()
 * console.log(scoring.id, scoring.defaultScore(), scoring.threshold()) // 'de-mls/peer-scoring/reference' 100n 0n
 * ```
 */
export function defaultPeerScoring(init: PeerScoringServiceInit = {}): PeerScoringPlugin {
  return new PeerScoringService(init)
}
