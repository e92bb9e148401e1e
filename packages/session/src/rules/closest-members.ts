import { fromHex } from '@demls/wire'

/**
 * The members of a group (hex ids), as a set or a list: what the pickers
 * (`isAmongClosest`, `attestsMergeAtOnce`, `isReserveVoter`) read.
 *
 * @example
 * ```ts
 * import type { MemberIds } from '@demls/session/rules'
 * const members: MemberIds = new Set(['aa', 'bb'])
 * ```
 */
export type MemberIds = ReadonlySet<string> | readonly string[]

/** How many members `members` holds. */
export function memberCount(members: MemberIds): number {
  return 'size' in members ? members.size : members.length
}

/** Whether `hex` is one of `members`. */
export function includesMember(members: MemberIds, hex: string): boolean {
  return 'has' in members ? members.has(hex) : members.includes(hex)
}

/** Whether `a` is closer than `b` to `target` in XOR distance (the first differing byte decides). */
function closer(target: Uint8Array, a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const t = target[i % target.length]!
    const da = (a[i] ?? 0) ^ t
    const db = (b[i] ?? 0) ^ t
    if (da !== db) return da < db
  }
  return false
}

/**
 * Whether `selfHex` is one of the `k` members (`excludedHex` left out)
 * whose ids are closest to `target` in XOR distance: how a group picks the
 * same few members, and a different few for every target, to do what one
 * member would do for all of them (echo a candidate, answer a member behind
 * on the steward list), without a message to agree on it. A non-member is
 * never among them; `k` ≤ 0 picks nobody, `k` at or above the members
 * picks everyone but the excluded one.
 *
 * @param target - a non-empty hash the members agree on (a commit hash, a digest of an attestation)
 * @param members - current members, hex
 *
 * @example
 * ```ts
 * import { isAmongClosest } from '@demls/session/rules'
 * import { toHex } from '@demls/wire'
 * const ids = [1, 2, 3, 4, 5].map((n) => toHex(new Uint8Array(20).fill(n)))
 * const target = new Uint8Array(32).fill(7)
 * const picked = ids.filter((id) => isAmongClosest(target, ids, ids[0]!, id, 2))
 * console.log(picked.length) // 2 of the four members other than the first
 * ```
 */
export function isAmongClosest(target: Uint8Array, members: Iterable<string>, excludedHex: string, selfHex: string, k: number): boolean {
  if (k <= 0 || target.length === 0 || selfHex === excludedHex) return false
  const self = fromHex(selfHex)
  let closerCount = 0
  let isMember = false
  for (const m of members) {
    if (m === excludedHex) continue
    if (m === selfHex) {
      isMember = true
      continue
    }
    if (closer(target, fromHex(m), self) && ++closerCount >= k) return false
  }
  return isMember
}
