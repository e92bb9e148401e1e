/**
 * The peer-scoring plug-in contract, its storage contract and value types.
 *
 * @module
 */
import type { ScoreDeltas, ScoreEvent } from './score/events.js'
import type { ScoreInput } from './score/i64.js'

/** An opaque member id (a 20-byte Ethereum address in de-MLS deployments). */
export type MemberId = Uint8Array

/** One score change: `event`'s delta applied to `memberId` (reference `ScoreOp`). */
export interface ScoreOp {
  /** The member whose score changes. */
  memberId: MemberId
  /** The event; its delta comes from the delta table. */
  event: ScoreEvent
}

/**
 * One member's absolute score. Same shape as the wire `PeerScore`
 * (`score` is `int64` → `bigint`), so a snapshot can go straight into
 * `ConversationSync.peerScores`.
 */
export interface PeerScoreEntry {
  /** The member. */
  memberId: MemberId
  /** Absolute score (i64). */
  score: bigint
}

/** Input of a snapshot entry: a wire `PeerScore`, or the same with a `number` score. */
export interface PeerScoreEntryInit {
  /** The member. */
  memberId: MemberId
  /** Absolute score (i64). */
  score: ScoreInput
}

/** Direction of a threshold crossing. */
export type ThresholdCrossingType = 'ThresholdCrossedDown' | 'ThresholdCrossedUp'

/**
 * A member's score crossed the removal threshold (the Rust 3.0
 * `PeerScoringEvent::ThresholdCrossedDown/Up`). Down: it was above the
 * threshold (or untracked) and is now at or below it. Up: it was at or
 * below and is now above.
 */
export interface ThresholdCrossing {
  /** Direction. */
  type: ThresholdCrossingType
  /** The member. */
  memberId: MemberId
  /** Score before the change; `undefined` when the member was not tracked. */
  before: bigint | undefined
  /** Score after the change. */
  after: bigint
  /** The threshold in force. */
  threshold: bigint
}

/** Members to add to / remove from a scoring table to match the MLS roster. */
export interface ScoringMemberDiff {
  /** MLS members not tracked yet (roster order). */
  toAdd: MemberId[]
  /** Tracked members no longer in MLS (table order). */
  toRemove: MemberId[]
}

/**
 * Score storage backend (reference `PeerScoreStorage`). Synchronous, so a
 * persistent store must keep an in-memory view (or be synchronous itself).
 */
export interface PeerScoreStorage {
  /** The stored score, or `undefined` when the member is not tracked. */
  get(memberId: MemberId): bigint | undefined
  /** Store an absolute score, tracking the member if needed. */
  set(memberId: MemberId, score: bigint): void
  /** Stop tracking the member. Idempotent. */
  remove(memberId: MemberId): void
  /** Every tracked member with its score (complete, default scores included). */
  allScores(): PeerScoreEntry[]
}

/** The scoring parameters of a {@link PeerScoringPlugin}. */
export interface ScoringConfig {
  /** Starting score of a newly tracked member. */
  readonly defaultScore: bigint
  /** Removal threshold: a member is removable when `score ≤ threshold`. */
  readonly threshold: bigint
  /** The delta table; events missing from it count 0. */
  readonly deltas: ScoreDeltas
}

/**
 * Per-conversation peer scoring (the Rust 3.0 `PeerScoringPlugin`, plus the
 * 4.x roster sync). Every mutating call reports the threshold crossings it
 * caused. A plug-in that changes scoring decisions should carry its own
 * `id`/`version`.
 */
export interface PeerScoringPlugin {
  /** Stable identifier of the scoring rules. */
  readonly id: string
  /** Version of the scoring rules. */
  readonly version: string
  /** Start tracking `memberId` at the default score (no-op if tracked). Returns whether it is at or below the threshold. */
  addMember(memberId: MemberId): boolean
  /** Stop tracking `memberId`. Idempotent. */
  removeMember(memberId: MemberId): void
  /** Whether `memberId` is tracked. */
  isTracked(memberId: MemberId): boolean
  /** Apply one op; untracked members are ignored. Returns the crossing it caused, if any. */
  applyOp(op: ScoreOp): ThresholdCrossing | undefined
  /** Apply ops in order; returns every crossing, in order. */
  applyOps(ops: readonly ScoreOp[]): ThresholdCrossing[]
  /** Set absolute scores (ConversationSync bootstrap); unknown members are tracked. Returns crossings. */
  applySnapshot(entries: readonly PeerScoreEntryInit[]): ThresholdCrossing[]
  /** Sparse snapshot: only scores ≠ the default score. */
  snapshot(): PeerScoreEntry[]
  /** The member's score, or `undefined` when untracked. */
  scoreFor(memberId: MemberId): bigint | undefined
  /** Tracked members with `score ≤ threshold`. */
  membersBelowThreshold(): MemberId[]
  /** Every tracked member with its score. */
  allMembersWithScores(): PeerScoreEntry[]
  /** Add untracked MLS members, remove tracked non-members; returns the applied diff. */
  syncMembers(mlsMembers: readonly MemberId[]): ScoringMemberDiff
  /** Current threshold. */
  threshold(): bigint
  /** Change the threshold. Emits no crossings: re-scan {@link PeerScoringPlugin.membersBelowThreshold} afterwards. */
  setThreshold(threshold: ScoreInput): void
  /** Starting score of new members. */
  defaultScore(): bigint
  /** Change the starting score of members tracked from now on. */
  setDefaultScore(score: ScoreInput): void
}
