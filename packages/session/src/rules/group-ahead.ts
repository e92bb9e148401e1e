/**
 * What a member signed about the epoch it reached: the epoch of its latest
 * verified attestation above ours, and when we checked it.
 *
 * @example
 * ```ts
 * import type { AheadClaim } from '@demls/session/rules'
 * const claim: AheadClaim = { epoch: 8n, at: Date.now() }
 * ```
 */
export interface AheadClaim {
  /** The epoch the member attested (signed by its member key). */
  epoch: bigint
  /** When we verified it (ms). */
  at: number
}

/**
 * How many members must sign a claim before it is believed (that the group
 * merged past our epoch, {@link groupAhead}; that a commit was merged, the
 * merge quorum of replayed commits): one more than the members a group of
 * `memberCount` tolerates as faulty (f = ⌊(n − 1) / 3⌋), so at least one
 * of them is honest.
 *
 * @example
 * ```ts
 * import { honestQuorum } from '@demls/session/rules'
 * honestQuorum(4) // 2
 * honestQuorum(20) // 7
 * ```
 */
export function honestQuorum(memberCount: number): number {
  return Math.floor(Math.max(0, memberCount - 1) / 3) + 1
}

/**
 * Whether the group has merged past `epoch` without us: at least
 * {@link honestQuorum} current members (`isMember`, by hex id) signed an
 * attestation of a later epoch within the last `ttlMs`. A member that
 * knows this must not mint a commit for `epoch`: the group left it, and a
 * commit of a steward ranked before the one the group merged would pull
 * every member that has not moved on yet back onto a new branch (and strand
 * the members and joiners that have). It catches up instead. One faulty
 * member, or any minority under the quorum, cannot stop a steward from
 * committing this way, and a claim that is not renewed decays after `ttlMs`.
 *
 * @example
 * ```ts
 * import { groupAhead } from '@demls/session/rules'
 * const now = Date.now()
 * const claims = new Map([
 *   ['aa', { epoch: 6n, at: now }],
 *   ['bb', { epoch: 6n, at: now - 1_000 }],
 * ])
 * groupAhead(claims, 5n, { memberCount: 4, isMember: () => true, now, ttlMs: 60_000 }) // true
 * groupAhead(claims, 6n, { memberCount: 4, isMember: () => true, now, ttlMs: 60_000 }) // false
 * ```
 */
export function groupAhead(
  claims: ReadonlyMap<string, AheadClaim>,
  epoch: bigint,
  view: { memberCount: number; isMember: (hex: string) => boolean; now: number; ttlMs: number },
): boolean {
  let count = 0
  for (const [hex, c] of claims) {
    if (c.epoch > epoch && view.now - c.at <= view.ttlMs && view.isMember(hex)) count++
  }
  return count >= honestQuorum(view.memberCount)
}
