import { isAmongClosest } from './closest-members.js'

/**
 * Whether `self` re-broadcasts (echoes) a received commit candidate: it is
 * one of the `echoers` members (the candidate's author left out) whose id
 * is closest to the commit hash in XOR distance (the commit hash is a
 * SHA-256, so which members are closest changes from one candidate to the
 * next, and no member can choose to be close to a commit not yet made). Every member
 * with the same member set picks the same few echoers for a candidate, and
 * a different few for the next one, so the load spreads and a candidate
 * goes out `1 + echoers` times in all instead of once per member. An echo
 * is only a second chance for a member that lost the author's copy (a
 * member that misses every copy catches up from attestations), so members
 * that disagree on the set only echo a little more or less.
 *
 * @param members - current members, hex
 * @param echoers - how many members echo; 0 = none, ≥ members = all of them
 *
 * @example
 * ```ts
 * import { isCandidateEchoer } from '@demls/session/rules'
 * import { toHex } from '@demls/wire'
 * const ids = [1, 2, 3, 4, 5].map((n) => toHex(new Uint8Array(20).fill(n)))
 * const hash = new Uint8Array(32).fill(7)
 * const echo = ids.filter((id) => isCandidateEchoer(hash, ids, ids[0]!, id, 2))
 * console.log(echo.length) // 2: two of the four members other than the author
 * ```
 */
export function isCandidateEchoer(commitHash: Uint8Array, members: Iterable<string>, authorHex: string, selfHex: string, echoers: number): boolean {
  return isAmongClosest(commitHash, members, authorHex, selfHex, echoers)
}
