import { InvalidScoreError } from '../errors.js'

/** Smallest i64 score. */
export const I64_MIN = -(1n << 63n)
/** Largest i64 score. */
export const I64_MAX = (1n << 63n) - 1n

/**
 * A score input: a `bigint` in i64 range, or a safe-integer `number`.
 *
 * @example
 * ```ts
 * import { type ScoreInput, toScore } from '@demls/scoring'
 * const inputs: ScoreInput[] = [100, 100n]
 * inputs.map((s) => toScore(s)) // [100n, 100n]
 * ```
 */
export type ScoreInput = bigint | number

/**
 * Normalise a score/delta/threshold to an i64 `bigint`.
 *
 * @throws {InvalidScoreError} for fractional, unsafe or out-of-range values
 *
 * @example
 * ```ts
 * import { toScore } from '@demls/scoring'
 * toScore(42) // 42n
 * ```
 */
export function toScore(value: ScoreInput, what = 'score'): bigint {
  if (typeof value === 'bigint') {
    if (value < I64_MIN || value > I64_MAX) throw new InvalidScoreError(value, what)
    return value
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
  throw new InvalidScoreError(value, what)
}

/**
 * i64 addition that saturates at {@link I64_MIN} / {@link I64_MAX} (Rust `saturating_add`).
 *
 * @example
 * ```ts
 * import { I64_MAX, saturatingAdd } from '@demls/scoring'
 * saturatingAdd(I64_MAX, 10n) // I64_MAX, like Rust's i64::saturating_add
 * ```
 */
export function saturatingAdd(a: bigint, b: bigint): bigint {
  const sum = a + b
  if (sum > I64_MAX) return I64_MAX
  if (sum < I64_MIN) return I64_MIN
  return sum
}
