/**
 * The steward-list plug-in contract and the value types it works on.
 *
 * @module
 */

/**
 * An opaque member id (a 20-byte Ethereum address in de-MLS deployments).
 *
 * @example
 * ```ts
 * import { type MemberId, memberIdHex } from '@demls/steward'
 * import { ethereumAddress } from '@demls/eip191'
 * const id: MemberId = ethereumAddress(crypto.getRandomValues(new Uint8Array(32))) // 20-byte address
 * console.log(memberIdHex(id))
 * ```
 */
export type MemberId = Uint8Array

/**
 * An MLS epoch: a `bigint` in `[0, 2^64)`, or a non-negative safe-integer `number`.
 *
 * @example
 * ```ts
 * import { type EpochInput, toEpoch } from '@demls/steward'
 * const epochs: EpochInput[] = [3, 3n] // numbers and bigints
 * epochs.map(toEpoch) // [3n, 3n]
 * ```
 */
export type EpochInput = bigint | number

/**
 * A conversation id: a string (hashed as its UTF-8 bytes) or the raw bytes.
 *
 * @example
 * ```ts
 * import { type ConversationIdInput, conversationIdBytes } from '@demls/steward'
 * const ids: ConversationIdInput[] = ['chat', new TextEncoder().encode('chat')]
 * ids.map(conversationIdBytes) // the same bytes twice
 * ```
 */
export type ConversationIdInput = string | Uint8Array

/**
 * Eligibility predicate for rotation queries. The session passes "is an MLS
 * member and has no approved RemoveMember queued"; omitted means everyone
 * on the list is eligible.
 *
 * @example
 * ```ts
 * import { type Eligibility, StewardListService, memberIdHex } from '@demls/steward'
 * const lowScore = new Set<string>() // e.g. members below the score threshold
 * const eligible: Eligibility = (id) => !lowScore.has(memberIdHex(id))
 * const steward = new StewardListService({ conversationId: 'chat' }).epochSteward(3n, eligible)
 * ```
 */
export type Eligibility = (memberId: MemberId) => boolean

/**
 * Validated steward-list size bounds (reference `StewardListConfig`).
 *
 * @example
 * ```ts
 * import { type StewardListConfig, stewardListConfig } from '@demls/steward'
 * const config: StewardListConfig = stewardListConfig({ snMin: 1, snMax: 5 })
 * console.log(config.allowSubsetCandidates) // filled in from the defaults
 * ```
 */
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

/**
 * Input of {@link StewardListConfig}: every field optional, defaults as documented there.
 *
 * @example
 * ```ts
 * import { StewardListService, type StewardListConfigInit } from '@demls/steward'
 * const init: StewardListConfigInit = { snMax: 7 } // the rest from DEFAULT_STEWARD_LIST_CONFIG
 * new StewardListService().setConfig(init)
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { type StewardList, StewardListService } from '@demls/steward'
 * const svc = new StewardListService({ conversationId: 'chat' })
 * const list: StewardList = svc.installList(0n, [1, 2, 3].map((n) => new Uint8Array(20).fill(n)))
 * console.log(list.members.length, list.electionEpoch, list.retryRound, list.config.snMax)
 * ```
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

/**
 * Inputs of deterministic generation.
 *
 * @example
 * ```ts
 * import { type GenerateStewardListInit, generateStewardList } from '@demls/steward'
 * const init: GenerateStewardListInit = {
 *   epoch: 12n,
 *   members: [1, 2, 3, 4, 5].map((n) => new Uint8Array(20).fill(n)),
 *   conversationId: 'chat',
 *   config: { snMin: 2, snMax: 3 },
 * }
 * const stewards = generateStewardList(init)
 * ```
 */
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

/**
 * Inputs of validation: regenerate from `pool` and compare with `proposed`.
 *
 * @example
 * ```ts
 * import { type ValidateStewardListInit, validateStewardList } from '@demls/steward'
 * const pool = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const init: ValidateStewardListInit = { proposed: pool.slice(0, 2), epoch: 8n, pool, conversationId: 'chat' }
 * if (!validateStewardList(init)) console.log('vote NO: not the deterministic list')
 * ```
 */
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

/**
 * Epoch steward and backup for one epoch; either may be missing.
 *
 * @example
 * ```ts
 * import { type EpochAndBackup, StewardListService } from '@demls/steward'
 * const svc = new StewardListService({ conversationId: 'chat' })
 * svc.installList(0n, [1, 2, 3].map((n) => new Uint8Array(20).fill(n)))
 * const { epochSteward, backup }: EpochAndBackup = svc.epochAndBackup(1n)
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { StewardListService, type StewardListPlugin, deterministicStewardList } from '@demls/steward'
 * // the default plug-in with a different id; every member must run the same one
 * const plugin: StewardListPlugin = { ...deterministicStewardList, id: 'my-stewards', version: '1.0.0' }
 * const svc = new StewardListService({ plugin, conversationId: 'chat' })
 * ```
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
