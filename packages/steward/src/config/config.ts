import { InvalidConfigSizeError, InvalidListSizeError } from '../errors.js'
import type { StewardListConfig, StewardListConfigInit } from '../types.js'

const U32_MAX = 0xffff_ffff

/** Reference defaults: `snMin` 1, `snMax` 2, `allowSubsetCandidates` false. */
export const DEFAULT_STEWARD_LIST_CONFIG: StewardListConfig = Object.freeze({
  snMin: 1,
  snMax: 2,
  allowSubsetCandidates: false,
})

/**
 * Build a validated, frozen {@link StewardListConfig} from partial input.
 *
 * @throws {InvalidConfigSizeError} unless `snMin` and `snMax` are integers with `1 ≤ snMin ≤ snMax ≤ 2³² − 1`
 *
 * @example
 * ```ts
 * import { stewardListConfig } from '@demls/steward'
 * const config = stewardListConfig({ snMin: 2, snMax: 5 })
 * ```
 */
export function stewardListConfig(init: StewardListConfigInit = {}): StewardListConfig {
  const snMin = init.snMin ?? DEFAULT_STEWARD_LIST_CONFIG.snMin
  const snMax = init.snMax ?? DEFAULT_STEWARD_LIST_CONFIG.snMax
  if (
    !Number.isInteger(snMin) ||
    !Number.isInteger(snMax) ||
    snMin < 1 ||
    snMin > snMax ||
    snMax > U32_MAX
  ) {
    throw new InvalidConfigSizeError(snMin, snMax)
  }
  return Object.freeze({
    snMin,
    snMax,
    allowSubsetCandidates: init.allowSubsetCandidates ?? DEFAULT_STEWARD_LIST_CONFIG.allowSubsetCandidates,
  })
}

/**
 * Legal list sizes for `memberCount` members (inclusive).
 *
 * @example
 * ```ts
 * import { type ListSizeBounds, listSizeBounds, stewardListConfig } from '@demls/steward'
 * const bounds: ListSizeBounds = listSizeBounds(stewardListConfig({ snMin: 2, snMax: 5 }), 10)
 * console.log(`a list of ${bounds.min}..${bounds.max} stewards`)
 * ```
 */
export interface ListSizeBounds {
  /** Smallest legal size. */
  min: number
  /** Largest legal size. */
  max: number
}

/**
 * Legal list sizes for `memberCount` members: exactly `memberCount` when
 * it is below `snMin`, otherwise `[snMin, min(snMax, memberCount)]`.
 *
 * @example
 * ```ts
 * import { listSizeBounds, stewardListConfig } from '@demls/steward'
 * const { min, max } = listSizeBounds(stewardListConfig({ snMin: 1, snMax: 3 }), 2) // bounded by the member count too
 * ```
 */
export function listSizeBounds(config: StewardListConfig, memberCount: number): ListSizeBounds {
  if (memberCount < config.snMin) return { min: memberCount, max: memberCount }
  return { min: config.snMin, max: Math.min(config.snMax, memberCount) }
}

/**
 * The size to elect for `memberCount` members: the largest legal one.
 *
 * @example
 * ```ts
 * import { DEFAULT_STEWARD_LIST_CONFIG, computeListSize } from '@demls/steward'
 * computeListSize(DEFAULT_STEWARD_LIST_CONFIG, 8) // the size a list of 8 members gets
 * ```
 */
export function computeListSize(config: StewardListConfig, memberCount: number): number {
  return listSizeBounds(config, memberCount).max
}

/**
 * Whether `size` is a legal list size for `memberCount` members.
 *
 * @example
 * ```ts
 * import { isValidListSize, stewardListConfig } from '@demls/steward'
 * const config = stewardListConfig({ snMin: 2, snMax: 4 })
 * isValidListSize(config, 3, 10) // true
 * isValidListSize(config, 9, 10) // false: above snMax
 * ```
 */
export function isValidListSize(config: StewardListConfig, size: number, memberCount: number): boolean {
  const { min, max } = listSizeBounds(config, memberCount)
  return Number.isInteger(size) && size >= min && size <= max
}

/** @internal Throw unless `size` is legal for `memberCount`. */
export function assertValidListSize(config: StewardListConfig, size: number, memberCount: number): void {
  if (!isValidListSize(config, size, memberCount)) {
    const { min, max } = listSizeBounds(config, memberCount)
    throw new InvalidListSizeError(size, memberCount, {
      snMin: config.snMin,
      snMax: config.snMax,
      minSize: min,
      maxSize: max,
    })
  }
}
