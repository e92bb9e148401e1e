/**
 * The peer-scoring plug-in contract, its storage contract and value types.
 *
 * @module
 */
import type { ScoreDeltas, ScoreEvent } from './score/events.js'
import type { ScoreInput } from './score/i64.js'

/**
 * An opaque member id (a 20-byte Ethereum address in de-MLS deployments).
 *
 * @example
 * ```ts
 * import { type MemberId, PeerScoringService } from '@demls/scoring'
 * import { ethereumAddress } from '@demls/eip191'
 * const member: MemberId = ethereumAddress(crypto.getRandomValues(new Uint8Array(32)))
 * new PeerScoringService().addMember(member)
 * ```
 */
export type MemberId = Uint8Array

/**
 * One score change: `event`'s delta applied to `memberId` (reference `ScoreOp`).
 *
 * @example
 * ```ts
 * import { PeerScoringService, ScoreEvent, type ScoreOp } from '@demls/scoring'
 * const steward = new Uint8Array(20).fill(2)
 * const scoring = new PeerScoringService()
 * scoring.addMember(steward)
 * const op: ScoreOp = { memberId: steward, event: ScoreEvent.HonestCommitAttempt }
 * scoring.applyOp(op)
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { PeerScoringService, type PeerScoreEntry } from '@demls/scoring'
 * const scoring = new PeerScoringService()
 * scoring.addMember(new Uint8Array(20).fill(1))
 * const entries: PeerScoreEntry[] = scoring.allMembersWithScores()
 * for (const { memberId, score } of entries) console.log(memberId.length, score) // 20 100n
 * ```
 */
export interface PeerScoreEntry {
  /** The member. */
  memberId: MemberId
  /** Absolute score (i64). */
  score: bigint
}

/**
 * Input of a snapshot entry: a wire `PeerScore`, or the same with a `number` score.
 *
 * @example
 * ```ts
 * import { PeerScoringService, type PeerScoreEntryInit } from '@demls/scoring'
 * const saved: PeerScoreEntryInit[] = [{ memberId: new Uint8Array(20).fill(1), score: 75 }]
 * const crossings = new PeerScoringService().applySnapshot(saved)
 * ```
 */
export interface PeerScoreEntryInit {
  /** The member. */
  memberId: MemberId
  /** Absolute score (i64). */
  score: ScoreInput
}

/**
 * Direction of a threshold crossing.
 *
 * @example
 * ```ts
 * import { PeerScoringService, type ThresholdCrossingType } from '@demls/scoring'
 * const down: ThresholdCrossingType = 'ThresholdCrossedDown'
 * const crossings = new PeerScoringService().applySnapshot([{ memberId: new Uint8Array(20).fill(1), score: -5 }])
 * crossings.filter((c) => c.type === down)
 * ```
 */
export type ThresholdCrossingType = 'ThresholdCrossedDown' | 'ThresholdCrossedUp'

/**
 * A member's score crossed the removal threshold (the Rust 3.0
 * `PeerScoringEvent::ThresholdCrossedDown/Up`). Down: it was above the
 * threshold (or untracked) and is now at or below it. Up: it was at or
 * below and is now above.
 *
 * @example
 * ```ts
 * import { PeerScoringService, ScoreEvent, type ThresholdCrossing } from '@demls/scoring'
 * const bob = new Uint8Array(20).fill(2)
 * const scoring = new PeerScoringService({ defaultScore: 10 })
 * scoring.addMember(bob)
 * const crossing: ThresholdCrossing | undefined = scoring.applyOp({ memberId: bob, event: ScoreEvent.BrokenCommit })
 * if (crossing?.type === 'ThresholdCrossedDown') console.log(`${crossing.before} -> ${crossing.after}: propose removal`)
 * ```
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

/**
 * Members to add to / remove from a scoring table to match the MLS roster.
 *
 * @example
 * ```ts
 * import { PeerScoringService, type ScoringMemberDiff } from '@demls/scoring'
 * const scoring = new PeerScoringService()
 * const mlsMembers = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const diff: ScoringMemberDiff = scoring.syncMembers(mlsMembers) // after each commit
 * console.log(diff.toAdd.length, diff.toRemove.length) // 2 0
 * ```
 */
export interface ScoringMemberDiff {
  /** MLS members not tracked yet (roster order). */
  toAdd: MemberId[]
  /** Tracked members no longer in MLS (table order). */
  toRemove: MemberId[]
}

/**
 * Score storage backend (reference `PeerScoreStorage`). Synchronous, so a
 * persistent store must keep an in-memory view (or be synchronous itself).
 *
 * @example
 * ```ts
 * import { PeerScoringService, type PeerScoreStorage, type PeerScoreEntry } from '@demls/scoring'
 * import { toHex, fromHex } from '@demls/wire'
 * const map = new Map<string, bigint>()
 * const storage: PeerScoreStorage = {
 *   get: (id) => map.get(toHex(id)),
 *   set: (id, score) => void map.set(toHex(id), score),
 *   remove: (id) => void map.delete(toHex(id)),
 *   allScores: (): PeerScoreEntry[] => [...map].map(([k, score]) => ({ memberId: fromHex(k), score })),
 * }
 * const scoring = new PeerScoringService({ storage })
 * ```
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

/**
 * The scoring parameters of a {@link PeerScoringPlugin}.
 *
 * @example
 * ```ts
 * import { PeerScoringService, type ScoringConfig } from '@demls/scoring'
 * const config: ScoringConfig = new PeerScoringService({ threshold: 20 }).config
 * console.log(config.defaultScore, config.threshold, config.deltas.BrokenCommit)
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { type PeerScoringPlugin, PeerScoringService } from '@demls/scoring'
 * // reference logic, different deltas: give it its own id so peers can tell
 * const plugin: PeerScoringPlugin = new PeerScoringService({ id: 'my-app/harsh-scoring', version: '1.0.0', deltas: { BrokenCommit: -100 } })
 * console.log(plugin.membersBelowThreshold())
 * ```
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
