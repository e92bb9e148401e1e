import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * Steward-list size bounds are illegal: `snMin` / `snMax` must be integers
 * with `1 ≤ snMin ≤ snMax ≤ 2³² − 1` (reference `InvalidConfigSize`).
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

/** Generation or validation was given an empty candidate pool (reference `EmptyMembersList`). */
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
 */
export class NoStewardListError extends EmptyMembersListError {
  constructor() {
    super('no steward list is installed: nothing to snapshot', 'NO_STEWARD_LIST')
    this.name = 'NoStewardListError'
  }
}

/** An epoch is not an unsigned 64-bit integer (`bigint`, or a non-negative safe-integer `number`). */
export class InvalidEpochError extends DemlsError {
  /** The rejected value. */
  readonly value: unknown

  constructor(value: unknown) {
    super(`invalid epoch ${String(value)}: need an integer in [0, 2^64)`, 'INVALID_EPOCH')
    this.name = 'InvalidEpochError'
    this.value = value
  }
}

/** A retry round is not an unsigned 32-bit integer. */
export class InvalidRetryRoundError extends DemlsError {
  /** The rejected value. */
  readonly value: unknown

  constructor(value: unknown) {
    super(`invalid retry round ${String(value)}: need an integer in [0, 2^32)`, 'INVALID_RETRY_ROUND')
    this.name = 'InvalidRetryRoundError'
    this.value = value
  }
}

