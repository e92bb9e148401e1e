import { InvalidConsensusArgumentError } from '../errors.js'

/**
 * Whole Unix seconds of a millisecond timestamp (`floor(now / 1000)`).
 *
 * @throws {InvalidConsensusArgumentError} when `now` is not a finite, non-negative number
 *
 * @example
 * ```ts
 * import { nowSeconds } from '@demls/consensus'
 * nowSeconds(1_700_000_000_999) // 1700000000n
 * ```
 */
export function nowSeconds(now: number): bigint {
  if (!Number.isFinite(now) || now < 0) throw new InvalidConsensusArgumentError(`now must be milliseconds since the Unix epoch, got ${now}`)
  return BigInt(Math.floor(now / 1000))
}
