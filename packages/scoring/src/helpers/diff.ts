import { memberKey as key } from '../bytes.js'
import type { MemberId, ScoringMemberDiff } from '../types.js'

/**
 * Diff a scoring table against the MLS roster (reference
 * `scoring_member_diff`): `toAdd` = MLS members not tracked, `toRemove` =
 * tracked ids no longer members. Pure.
 *
 * @example
 * ```ts
 * import { scoringMemberDiff } from '@demls/scoring'
 * const [a, b, c] = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const { toAdd, toRemove } = scoringMemberDiff([a!, b!], [b!, c!]) // toAdd [c], toRemove [a]
 * ```
 */
export function scoringMemberDiff(
  tracked: readonly MemberId[],
  mlsMembers: readonly MemberId[],
): ScoringMemberDiff {
  const trackedSet = new Set(tracked.map(key))
  const mlsSet = new Set(mlsMembers.map(key))
  return {
    toAdd: mlsMembers.filter((m) => !trackedSet.has(key(m))),
    toRemove: tracked.filter((m) => !mlsSet.has(key(m))),
  }
}
