import { equalBytes } from '../bytes.js'
import { computeListSize, stewardListConfig } from '../config/config.js'
import { NoStewardListError } from '../errors.js'
import { conversationIdBytes, toEpoch, toRetryRound } from '../generation/inputs.js'
import { DEFAULT_STEWARD_LIST_PLUGIN } from '../plugin/deterministic.js'
import { type JoinEpochLookup, type ReconcileDecision, decideReconcile } from '../reconcile/settled.js'
import { listContains } from '../rotation/rotation.js'
import type {
  ConversationIdInput,
  Eligibility,
  EpochAndBackup,
  EpochInput,
  MemberId,
  StewardList,
  StewardListConfig,
  StewardListConfigInit,
  StewardListPlugin,
} from '../types.js'

/**
 * Election retries after the initial attempt before `Deadlock` escalation
 * (`1` = rounds 0 and 1). Reference `DEFAULT_MAX_RETRIES`.
 */
export const DEFAULT_MAX_RETRIES = 1

/** Why {@link StewardListService.proposeElection} declined to propose. */
export const ElectionSkip = {
  /** The installed list still covers the epoch. */
  NotExhausted: 'not-exhausted',
  /** This member is not the responsible proposer (or no list is installed). */
  NotResponsibleProposer: 'not-responsible-proposer',
  /** The candidate pool is empty. */
  NoEligibleCandidates: 'no-eligible-candidates',
} as const
/**
 * A value of {@link ElectionSkip}.
 *
 * @example
 * ```ts
 * import { ElectionSkip, StewardListService } from '@demls/steward'
 * const pool = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const svc = new StewardListService({ conversationId: 'chat' })
 * svc.installList(0n, pool)
 * const d = svc.proposeElection({ epoch: 1n, pool, self: pool[0]! })
 * if (d.kind === 'skip' && d.reason === ElectionSkip.NotExhausted) console.log('the list still covers epoch 1')
 * ```
 */
export type ElectionSkip = (typeof ElectionSkip)[keyof typeof ElectionSkip]

/**
 * Result of {@link StewardListService.proposeElection}. The `proposed`
 * variant has the fields of a wire `StewardElectionProposal`.
 *
 * @example
 * ```ts
 * import { type ElectionDecision, StewardListService } from '@demls/steward'
 * const pool = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const svc = new StewardListService({ conversationId: 'chat' })
 * svc.installList(0n, pool)
 * const decision: ElectionDecision = svc.proposeElection({ epoch: 50n, pool, self: pool[0]! })
 * if (decision.kind === 'proposed') console.log(decision.proposedStewards.length, decision.electionEpoch)
 * ```
 */
export type ElectionDecision =
  | { kind: 'skip'; reason: ElectionSkip }
  | { kind: 'proposed'; proposedStewards: MemberId[]; electionEpoch: bigint; retryRound: number }

/**
 * Inputs of {@link StewardListService.proposeElection}.
 *
 * @example
 * ```ts
 * import { type ProposeElectionInit, StewardListService } from '@demls/steward'
 * const pool = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const init: ProposeElectionInit = { epoch: 20n, pool, self: pool[1]!, recovery: true }
 * const decision = new StewardListService({ conversationId: 'chat' }).proposeElection(init)
 * ```
 */
export interface ProposeElectionInit {
  /** The current epoch (becomes the election epoch). */
  epoch: EpochInput
  /** Candidate pool (settled members; in recovery, minus approved removals). */
  pool: readonly MemberId[]
  /** Our member id. */
  self: MemberId
  /** Eligibility predicate used to pick the responsible proposer. */
  eligible?: Eligibility
  /** Propose even when the list is not exhausted (recovery). @default false */
  recovery?: boolean
}

/**
 * Restorable state of a {@link StewardListService}: the list and the retry
 * counters (not the conversation-id salt, which the owner re-seeds).
 *
 * @example
 * ```ts
 * import { StewardListService, type StewardListSnapshot } from '@demls/steward'
 * const svc = new StewardListService({ conversationId: 'chat' })
 * svc.installList(0n, [new Uint8Array(20).fill(1)])
 * const saved: StewardListSnapshot = svc.snapshot() // persist it with the group state
 * new StewardListService({ conversationId: 'chat' }).restore(saved)
 * ```
 */
export interface StewardListSnapshot {
  /** The installed list. */
  list: StewardList
  /** The live retry counter. */
  nextElectionRound: number
  /** The retry cap. */
  maxRetries: number
}

/**
 * Options of {@link StewardListService}.
 *
 * @example
 * ```ts
 * import { StewardListService, type StewardListServiceInit } from '@demls/steward'
 * const init: StewardListServiceInit = { conversationId: 'chat', config: { snMin: 2, snMax: 4 }, maxRetries: 2 }
 * const svc = new StewardListService(init)
 * ```
 */
export interface StewardListServiceInit {
  /** Size bounds. @default `{ snMin: 1, snMax: 2, allowSubsetCandidates: false }` */
  config?: StewardListConfigInit
  /** Conversation id salt; can also be set later with {@link StewardListService.setConversationId}. @default empty */
  conversationId?: ConversationIdInput
  /** Retry cap (`ConversationConfig.max_reelection_attempts`). @default {@link DEFAULT_MAX_RETRIES} */
  maxRetries?: number
  /** The list algorithm. @default {@link DEFAULT_STEWARD_LIST_PLUGIN} */
  plugin?: StewardListPlugin
}

/**
 * The per-conversation steward roster (reference `StewardListService`): the
 * installed list, the size bounds, the conversation-id salt, the live
 * election retry counter and the retry cap. Eligibility is passed to each
 * rotation query.
 *
 * @example
 * ```ts
 * import { StewardListService } from '@demls/steward'
 * const [alice, bob, carol] = [1, 2, 3].map((n) => new Uint8Array(20).fill(n)) // member ids (addresses)
 * const svc = new StewardListService({ config: { snMin: 1, snMax: 3 }, conversationId: 'chat' })
 * svc.installList(0n, [alice!, bob!, carol!], 3)
 * const { epochSteward, backup } = svc.epochAndBackup(1n)
 * ```
 */
export class StewardListService {
  /** The list algorithm in use. */
  readonly plugin: StewardListPlugin
  #list: StewardList | undefined
  #config: StewardListConfig
  #conversationId: Uint8Array
  #nextElectionRound = 0
  #maxRetries: number

  constructor(init: StewardListServiceInit = {}) {
    this.plugin = init.plugin ?? DEFAULT_STEWARD_LIST_PLUGIN
    this.#config = stewardListConfig(init.config)
    this.#conversationId = conversationIdBytes(init.conversationId ?? new Uint8Array(0))
    this.#maxRetries = toRetryRound(init.maxRetries ?? DEFAULT_MAX_RETRIES)
  }

  /** The size bounds this conversation runs under. */
  get config(): StewardListConfig {
    return this.#config
  }

  /** Adopt conversation-wide bounds; keeps the list and retry state. */
  setConfig(config: StewardListConfigInit): void {
    this.#config = stewardListConfig(config)
  }

  /** A copy of the conversation-id salt. */
  get conversationId(): Uint8Array {
    return this.#conversationId.slice()
  }

  /** Seed the sort salt; every member of a conversation must use the same one. */
  setConversationId(conversationId: ConversationIdInput): void {
    this.#conversationId = conversationIdBytes(conversationId)
  }

  /** The installed list, or `undefined` before one is installed. */
  currentList(): StewardList | undefined {
    return this.#list
  }

  /** Epoch the installed list starts at, or `undefined`. */
  electionEpoch(): bigint | undefined {
    return this.#list?.electionEpoch
  }

  /** Retry round the next election attempt uses as its seed (distinct from the installed list's own `retryRound`). */
  get nextElectionRound(): number {
    return this.#nextElectionRound
  }

  /** Retry cap before an unanswered election escalates to `Deadlock`. */
  get maxRetries(): number {
    return this.#maxRetries
  }

  /** Set the retry cap. */
  setMaxRetries(max: number): void {
    this.#maxRetries = toRetryRound(max)
  }

  /** Whether retries are used up: `nextElectionRound > maxRetries`. */
  retriesExhausted(): boolean {
    return this.#nextElectionRound > this.#maxRetries
  }

  /** Increment the live retry round (saturating at 2³² − 1); called on a rejected election. */
  bumpRetry(): void {
    if (this.#nextElectionRound < 0xffff_ffff) this.#nextElectionRound++
  }

  /** Reset the live retry round to 0 (the reference does this when a commit merges). */
  resetRetry(): void {
    this.#nextElectionRound = 0
  }

  /** Whether `memberId` is on the installed list. */
  isSteward(memberId: MemberId): boolean {
    return this.#list !== undefined && listContains(this.#list, memberId)
  }

  /** Whether `epoch` is outside the installed list's span; `false` when no list is installed. */
  isExhausted(epoch: EpochInput): boolean {
    return this.#list !== undefined && this.plugin.isExhausted(this.#list, epoch)
  }

  /** Whether a list over `memberCount` members needs a voted election: `memberCount > snMax`. */
  electionRequired(memberCount: number): boolean {
    return memberCount > this.#config.snMax
  }

  /** The steward serving `epoch`; `undefined` without a list, when exhausted, or when nobody is eligible. */
  epochSteward(epoch: EpochInput, eligible?: Eligibility): MemberId | undefined {
    return this.#list && this.plugin.epochSteward(this.#list, epoch, eligible)
  }

  /** Epoch steward and backup; both `undefined` without a list. */
  epochAndBackup(epoch: EpochInput, eligible?: Eligibility): EpochAndBackup {
    if (this.#list === undefined) return { epochSteward: undefined, backup: undefined }
    return this.plugin.epochAndBackup(this.#list, epoch, eligible)
  }

  /** Eligible stewards of the installed list (for `ConversationSync.steward_members`). */
  stewardMembers(eligible?: Eligibility): MemberId[] {
    return this.#list ? this.plugin.stewardMembers(this.#list, eligible) : []
  }

  /** The member responsible for proposing an election; `undefined` without a list. */
  electionProposer(eligible?: Eligibility): MemberId | undefined {
    return this.#list && this.plugin.electionProposer(this.#list, eligible)
  }

  /**
   * Generate and install a list over `pool` with `size` (default: the
   * largest legal size) and seed `retryRound` (0 for bootstrap and local
   * regeneration). Returns the installed list.
   */
  installList(epoch: EpochInput, pool: readonly MemberId[], size?: number, retryRound = 0): StewardList {
    const list = this.plugin.generate({
      epoch,
      retryRound,
      members: pool,
      conversationId: this.#conversationId,
      config: this.#config,
      ...(size === undefined ? {} : { size }),
    })
    this.#list = list
    return list
  }

  /** Whether `proposed` regenerates from `pool` with this service's bounds and salt. */
  validateProposed(
    proposed: readonly MemberId[],
    epoch: EpochInput,
    pool: readonly MemberId[],
    retryRound: number,
  ): boolean {
    return this.plugin.validate({
      proposed,
      epoch,
      retryRound,
      pool,
      conversationId: this.#conversationId,
      config: this.#config,
    })
  }

  /**
   * The member responsible for the next election and, after it, the
   * Deadlock ECP: the {@link StewardListService.electionProposer}; when no
   * member of the installed list is eligible (every steward left or is
   * being removed), the head of the list generated over `pool` at `epoch`
   * with the live retry round, so a group that lost all its stewards can
   * still elect. `undefined` without a list or with an empty pool.
   */
  responsibleProposer(init: Pick<ProposeElectionInit, 'epoch' | 'pool' | 'eligible'>): MemberId | undefined {
    if (this.#list === undefined) return undefined
    return this.electionProposer(init.eligible) ?? this.#generateOver(init.epoch, init.pool)?.[0]
  }

  #generateOver(epoch: EpochInput, pool: readonly MemberId[]): MemberId[] | undefined {
    if (pool.length === 0) return undefined
    return [...this.electableList(epoch, pool, this.#nextElectionRound).members]
  }

  /**
   * Whether to open a steward election at `epoch`. Skips when the list
   * still covers the epoch (unless `recovery`), when `self` is not the
   * {@link StewardListService.responsibleProposer}, or when the pool is
   * empty; otherwise generates over the pool with the live retry round as
   * seed.
   */
  proposeElection(init: ProposeElectionInit): ElectionDecision {
    const epoch = toEpoch(init.epoch)
    if (!init.recovery && !this.isExhausted(epoch)) {
      return { kind: 'skip', reason: ElectionSkip.NotExhausted }
    }
    const proposer = this.responsibleProposer(init)
    if (proposer === undefined || !equalBytes(proposer, init.self)) {
      return { kind: 'skip', reason: ElectionSkip.NotResponsibleProposer }
    }
    const proposedStewards = this.#generateOver(epoch, init.pool)
    if (proposedStewards === undefined) return { kind: 'skip', reason: ElectionSkip.NoEligibleCandidates }
    return { kind: 'proposed', proposedStewards, electionEpoch: epoch, retryRound: this.#nextElectionRound }
  }

  /**
   * The list an election at `epoch` over `pool` proposes in `retryRound`
   * (what {@link StewardListService.proposeElection} files), without
   * installing it. A member that missed an election can tell from it
   * which lists the group may have elected.
   *
   * @example
   * ```ts
   * import { StewardListService } from '@demls/steward'
   * const svc = new StewardListService({ conversationId: 'chat' })
   * const settled = [1, 2, 3].map((n) => new Uint8Array(20).fill(n)) // members settled at epoch 4
   * const rounds = [0, 1, 2].map((r) => svc.electableList(4n, settled, r))
   * ```
   */
  electableList(epoch: EpochInput, pool: readonly MemberId[], retryRound: number): StewardList {
    return this.plugin.generate({
      epoch: toEpoch(epoch),
      retryRound,
      members: pool,
      conversationId: this.#conversationId,
      config: this.#config,
      size: computeListSize(this.#config, pool.length),
    })
  }

  /**
   * Apply the settled-members rule after an epoch advance (see
   * `decideReconcile`): installs locally when the decision is `install`
   * and returns the decision.
   *
   * @throws {EmptyMembersListError} when a local install has no settled member
   */
  reconcile(epoch: EpochInput, members: readonly MemberId[], joinEpochs: JoinEpochLookup): ReconcileDecision {
    const decision = decideReconcile({ list: this.#list, config: this.#config, epoch, members, joinEpochs })
    if (decision.kind === 'install') this.installList(epoch, decision.pool, decision.size, 0)
    return decision
  }

  /**
   * Capture the list and retry counters.
   *
   * @throws {NoStewardListError} when no list is installed
   */
  snapshot(): StewardListSnapshot {
    if (this.#list === undefined) throw new NoStewardListError()
    return { list: this.#list, nextElectionRound: this.#nextElectionRound, maxRetries: this.#maxRetries }
  }

  /** Restore state captured by {@link StewardListService.snapshot} (the salt is not part of it). */
  restore(snapshot: StewardListSnapshot): void {
    this.#list = Object.freeze({
      members: Object.freeze(snapshot.list.members.map((m) => m.slice())),
      config: stewardListConfig(snapshot.list.config),
      electionEpoch: toEpoch(snapshot.list.electionEpoch),
      retryRound: toRetryRound(snapshot.list.retryRound),
    })
    this.#nextElectionRound = toRetryRound(snapshot.nextElectionRound)
    this.#maxRetries = toRetryRound(snapshot.maxRetries)
  }
}
