import { type MemberIds, includesMember, isAmongClosest, memberCount } from './closest-members.js'
import { honestQuorum } from './group-ahead.js'

/**
 * How many members beyond {@link honestQuorum} attest a merged commit at
 * once ({@link mergeAttesterCount}): slack for a few of them having lost
 * the commit, been removed by it, or being slow.
 */
export const MERGE_ATTEST_MARGIN = 3

/**
 * How many members of a group of `memberCount` (after the commit) attest
 * a merged commit at once when nothing about it is contested: the
 * {@link honestQuorum} that the rules counting merge attestations need
 * (a replayed commit proven by its merges, `groupAhead`), plus
 * {@link MERGE_ATTEST_MARGIN}. When that is all members but the committer
 * (groups of up to 7), every member attests, the committer too.
 *
 * @example
 * ```ts
 * import { mergeAttesterCount } from '@demls/session/rules'
 * mergeAttesterCount(10) // 7
 * mergeAttesterCount(50) // 20
 * ```
 */
export function mergeAttesterCount(memberCount: number): number {
  return honestQuorum(memberCount) + MERGE_ATTEST_MARGIN
}

/**
 * Whether `selfHex` attests the commit `commitHash` (made by `committerHex`)
 * as soon as it merged it, rather than at its next periodic attestation.
 * Every member used to, so a commit in a group of n cost n attestations,
 * each verified by every member: n² signature recoveries per change, a
 * third of the CPU of a removal at 50 members. Now the
 * {@link mergeAttesterCount} members closest to the commit hash in XOR
 * distance do (the committer left out; it is the one member whose word
 * about its own commit counts for nothing), and so do the members the
 * caller says must (`mustAttest`: the epoch steward of the new epoch,
 * whose attestation times its inactivity window, and every member when
 * the epoch was contested or the merge was not the plain one, where the
 * fork choice and a stranded joiner count attestations of a majority).
 *
 * @param members - the members after the commit, hex
 *
 * @example
 * ```ts
 * import { attestsMergeAtOnce } from '@demls/session/rules'
 * import { toHex } from '@demls/wire'
 * const ids = [...Array(20).keys()].map((n) => toHex(new Uint8Array(20).fill(n)))
 * const hash = new Uint8Array(32).fill(9)
 * const now = ids.filter((id) => attestsMergeAtOnce(hash, ids, ids[0]!, id, false))
 * console.log(now.length) // 10: honestQuorum(20) + 3 of the 19 members other than the committer
 * ```
 */
export function attestsMergeAtOnce(commitHash: Uint8Array, members: MemberIds, committerHex: string, selfHex: string, mustAttest: boolean): boolean {
  if (mustAttest) return true
  const count = memberCount(members)
  const picks = mergeAttesterCount(count)
  // A group this small: everyone would be picked but the committer; then the committer attests too, as before.
  if (picks >= count - 1) return includesMember(members, selfHex)
  return isAmongClosest(commitHash, members, committerHex, selfHex, picks)
}
