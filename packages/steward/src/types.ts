/**
 * The steward-list plug-in contract and the value types it works on.
 *
 * @module
 */

/** An opaque member id (a 20-byte Ethereum address in de-MLS deployments). */
export type MemberId = Uint8Array

/** An MLS epoch: a `bigint` in `[0, 2^64)`, or a non-negative safe-integer `number`. */
export type EpochInput = bigint | number

/** A conversation id: a string (hashed as its UTF-8 bytes) or the raw bytes. */
export type ConversationIdInput = string | Uint8Array

/**
 * Eligibility predicate for rotation queries. The session passes "is an MLS
 * member and has no approved RemoveMember queued"; omitted means everyone
 * on the list is eligible.
 */
export type Eligibility = (memberId: MemberId) => boolean

/** Validated steward-list size bounds (reference `StewardListConfig`). */
export interface StewardListConfig {
  /** Smallest list size once membership reaches it. @default 1 */
  readonly snMin: number
  /** Largest list size; above it the list is a genuine subset chosen by election. @default 2 */
  readonly snMax: number
  /**
   * Whether freeze-round candidates may cover a subset of the approved work.
   * Not used by generation. @default false
   */
  readonly allowSubsetCandidates: boolean
}

/** Input of {@link StewardListConfig}: every field optional, defaults as documented there. */
export interface StewardListConfigInit {
  /** @default 1 */
  snMin?: number
  /** @default 2 */
  snMax?: number
  /** @default false */
  allowSubsetCandidates?: boolean
}

/**
 * One elected, ordered steward list. It serves epochs
 * `[electionEpoch, electionEpoch + members.length)`; `members` is the
 * rotation order. Plain data (structured-clone friendly).
 */
export interface StewardList {
  /** Stewards in rotation order (ascending steward hash). */
  readonly members: readonly MemberId[]
  /** The bounds the list was generated under. */
  readonly config: StewardListConfig
  /** First epoch the list serves. */
  readonly electionEpoch: bigint
  /** The retry round the list was generated with (its frozen sort seed, sent in `ConversationSync`). */
  readonly retryRound: number
}

/** Inputs of deterministic generation. */
export interface GenerateStewardListInit {
  /** The election epoch (u64). */
  epoch: EpochInput
  /** The retry round seed (u32). @default 0 */
  retryRound?: number
  /** The candidate pool; order is irrelevant. */
  members: readonly MemberId[]
  /** Conversation id salt. */
  conversationId: ConversationIdInput
  /** Size bounds. @default `{ snMin: 1, snMax: 2, allowSubsetCandidates: false }` */
  config?: StewardListConfigInit
  /**
   * List size. Must be legal for `members.length`.
   * @default the largest legal size: `min(snMax, n)`, or `n` when `n < snMin`
   */
  size?: number
}

/** Inputs of validation: regenerate from `pool` and compare with `proposed`. */
export interface ValidateStewardListInit {
  /** The list to check, in its claimed rotation order. */
  proposed: readonly MemberId[]
  /** The claimed election epoch. */
  epoch: EpochInput
  /** The claimed retry round seed. @default 0 */
  retryRound?: number
  /** Candidate pool to regenerate from. The reference session passes `pool = proposed`. */
  pool: readonly MemberId[]
  /** Conversation id salt. */
  conversationId: ConversationIdInput
  /** Size bounds. @default the defaults of {@link StewardListConfig} */
  config?: StewardListConfigInit
}

/** Epoch steward and backup for one epoch; either may be missing. */
export interface EpochAndBackup {
  /** The steward serving the epoch, if any eligible one exists. */
  epochSteward: MemberId | undefined
  /** The next eligible steward after it, distinct from it, if any. */
  backup: MemberId | undefined
}

/**
 * A steward-list algorithm (the Rust 3.0 `StewardListPlugin`, made
 * stateless: the per-conversation state lives in `StewardListService`).
 *
 * It changes protocol decisions, so every member of a group must run the
 * same `id` and `version`, or the group forks.
 */
export interface StewardListPlugin {
  /** Stable identifier of the algorithm. */
  readonly id: string
  /** Version of the algorithm; changes whenever an output could change. */
  readonly version: string
  /** Generate a list. Throws `EmptyMembersListError` / `InvalidConfigSizeError` on bad inputs. */
  generate(init: GenerateStewardListInit): StewardList
  /** Whether `proposed` is what {@link StewardListPlugin.generate} yields for the inputs. */
  validate(init: ValidateStewardListInit): boolean
  /** Whether `epoch` lies outside the list's span. */
  isExhausted(list: StewardList, epoch: EpochInput): boolean
  /** The steward serving `epoch`, walking past ineligible members; `undefined` if exhausted or none eligible. */
  epochSteward(list: StewardList, epoch: EpochInput, eligible?: Eligibility): MemberId | undefined
  /** Epoch steward and its backup. */
  epochAndBackup(list: StewardList, epoch: EpochInput, eligible?: Eligibility): EpochAndBackup
  /** The member responsible for proposing the next election. */
  electionProposer(list: StewardList, eligible?: Eligibility): MemberId | undefined
  /** List members passing `eligible`, in rotation order. */
  stewardMembers(list: StewardList, eligible?: Eligibility): MemberId[]
}
