import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * Steward-list size bounds are illegal: `snMin` / `snMax` must be integers
 * with `1 ≤ snMin ≤ snMax ≤ 2³² − 1` (reference `InvalidConfigSize`).
 *
 * @example
 * ```ts
 * import { InvalidConfigSizeError, stewardListConfig } from '@demls/steward'
 * try {
 *   stewardListConfig({ snMin: 5, snMax: 2 })
 * } catch (err) {
 *   if (err instanceof InvalidConfigSizeError) console.log(err.snMin, err.snMax) // 5 2
 * }
 * ```
 */
export class InvalidConfigSizeError extends DemlsError {
  /** The rejected `snMin`. */
  readonly snMin: unknown
  /** The rejected `snMax`. */
  readonly snMax: unknown

  constructor(
    snMin: unknown,
    snMax: unknown,
    message?: string,
    options: DemlsErrorOptions & { code?: string } = {},
  ) {
    super(
      message ??
        `invalid steward list bounds snMin=${String(snMin)} snMax=${String(snMax)}: need integers 1 ≤ snMin ≤ snMax`,
      options.code ?? 'INVALID_CONFIG_SIZE',
      options,
    )
    this.name = 'InvalidConfigSizeError'
    this.snMin = snMin
    this.snMax = snMax
  }
}

/**
 * A requested list size is outside the legal range for the member count
 * (`[snMin, min(snMax, n)]`, or exactly `n` when `n < snMin`). A subclass of
 * {@link InvalidConfigSizeError} because the reference reports both cases as
 * `InvalidConfigSize`.
 *
 * @example
 * ```ts
 * import { InvalidListSizeError, generateStewardList } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * try {
 *   generateStewardList({ epoch: 1n, members, conversationId: 'chat', config: { snMin: 1, snMax: 2 }, size: 3 })
 * } catch (err) {
 *   if (err instanceof InvalidListSizeError) console.log(err.size, err.minSize, err.maxSize)
 * }
 * ```
 */
export class InvalidListSizeError extends InvalidConfigSizeError {
  /** The rejected size. */
  readonly size: number
  /** Number of candidate members. */
  readonly memberCount: number
  /** Smallest legal size for `memberCount`. */
  readonly minSize: number
  /** Largest legal size for `memberCount`. */
  readonly maxSize: number

  constructor(
    size: number,
    memberCount: number,
    bounds: { snMin: number; snMax: number; minSize: number; maxSize: number },
  ) {
    super(
      bounds.snMin,
      bounds.snMax,
      `steward list size ${size} is outside [${bounds.minSize}, ${bounds.maxSize}] for ${memberCount} members`,
      { code: 'INVALID_LIST_SIZE' },
    )
    this.name = 'InvalidListSizeError'
    this.size = size
    this.memberCount = memberCount
    this.minSize = bounds.minSize
    this.maxSize = bounds.maxSize
  }
}

/**
 * Generation or validation was given an empty candidate pool (reference `EmptyMembersList`).
 *
 * @example
 * ```ts
 * import { EmptyMembersListError, generateStewardList } from '@demls/steward'
 * try {
 *   generateStewardList({ epoch: 1n, members: [], conversationId: 'chat' })
 * } catch (err) {
 *   if (err instanceof EmptyMembersListError) console.log(err.code)
 * }
 * ```
 */
export class EmptyMembersListError extends DemlsError {
  constructor(message = 'the steward candidate pool is empty', code = 'EMPTY_MEMBERS_LIST') {
    super(message, code)
    this.name = 'EmptyMembersListError'
  }
}

/**
 * `StewardListService.snapshot()` was called before any list was
 * installed. The reference returns `EmptyMembersList` here, so this is a
 * subclass of {@link EmptyMembersListError}.
 *
 * @example
 * ```ts
 * import { NoStewardListError, StewardListService } from '@demls/steward'
 * try {
 *   new StewardListService().snapshot()
 * } catch (err) {
 *   if (err instanceof NoStewardListError) console.log(err.code) // 'NO_STEWARD_LIST'
 * }
 * ```
 */
export class NoStewardListError extends EmptyMembersListError {
  constructor() {
    super('no steward list is installed: nothing to snapshot', 'NO_STEWARD_LIST')
    this.name = 'NoStewardListError'
  }
}

/**
 * An epoch is not an unsigned 64-bit integer (`bigint`, or a non-negative safe-integer `number`).
 *
 * @example
 * ```ts
 * import { InvalidEpochError, toEpoch } from '@demls/steward'
 * try {
 *   toEpoch(-1)
 * } catch (err) {
 *   if (err instanceof InvalidEpochError) console.log(err.code, err.value) // 'INVALID_EPOCH' -1
 * }
 * ```
 */
export class InvalidEpochError extends DemlsError {
  /** The rejected value. */
  readonly value: unknown

  constructor(value: unknown) {
    super(`invalid epoch ${String(value)}: need an integer in [0, 2^64)`, 'INVALID_EPOCH')
    this.name = 'InvalidEpochError'
    this.value = value
  }
}

/**
 * A retry round is not an unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * import { InvalidRetryRoundError, toRetryRound } from '@demls/steward'
 * try {
 *   toRetryRound(1.5)
 * } catch (err) {
 *   if (err instanceof InvalidRetryRoundError) console.log(err.code) // 'INVALID_RETRY_ROUND'
 * }
 * ```
 */
export class InvalidRetryRoundError extends DemlsError {
  /** The rejected value. */
  readonly value: unknown

  constructor(value: unknown) {
    super(`invalid retry round ${String(value)}: need an integer in [0, 2^32)`, 'INVALID_RETRY_ROUND')
    this.name = 'InvalidRetryRoundError'
    this.value = value
  }
}

