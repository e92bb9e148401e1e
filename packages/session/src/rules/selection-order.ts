import { decodeKeyPackage } from '@demls/mls'
import type { ConversationUpdateRequest } from '@demls/wire'
import type { ProposalId } from '../core/queues.js'
import { compareBytes, toHex } from '../util/bytes.js'
import { keyOfTarget } from './targets.js'

/**
 * One MLS action a commit must carry.
 *
 * @example
 * ```ts
 * import { type CommitAction, actionSetKey } from '@demls/session/rules'
 * const actions: CommitAction[] = [{ action: 'remove', memberId: new Uint8Array(20).fill(2) }]
 * const key = actionSetKey(actions)
 * ```
 */
export interface CommitAction {
  action: 'add' | 'remove'
  memberId: Uint8Array
}

/**
 * One entry of the deterministic commit prefix.
 *
 * @example
 * ```ts
 * import { type PrefixEntry, commitPrefix } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * declare const approved: [number, ConversationUpdateRequest][]
 * const prefix: PrefixEntry[] = commitPrefix({ approved, isMember: () => true, max: 20 })
 * for (const e of prefix) console.log(e.proposalId, e.action)
 * ```
 */
export interface PrefixEntry extends CommitAction {
  proposalId: ProposalId
  request: ConversationUpdateRequest
}

/**
 * Inputs of {@link commitPrefix}.
 *
 * @example
 * ```ts
 * import { type CommitPrefixInit, commitPrefix } from '@demls/session/rules'
 * import { type ConversationUpdateRequest, toHex } from '@demls/wire'
 * const bob = new Uint8Array(20).fill(2)
 * const remove: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: bob } }
 * const members = new Set([toHex(bob)])
 * const init: CommitPrefixInit = { approved: [[7, remove]], isMember: (hex) => members.has(hex), max: 10 }
 * const prefix = commitPrefix(init) // [{ proposalId: 7, action: 'remove', memberId: bob, … }]
 * ```
 */
export interface CommitPrefixInit {
  /** Approved add/remove work in approval order. */
  approved: readonly (readonly [ProposalId, ConversationUpdateRequest])[]
  /** Whether a member id (hex) is currently in the group. */
  isMember: (memberIdHex: string) => boolean
  /** Urgent removal target (hex), if one is pending. */
  urgentTarget?: string | undefined
  /** At most this many actions. */
  max: number
}

/**
 * The work the next commit must carry, which every member computes the same
 * way (deviation 2 of `docs/deviations.md`): with an urgent removal pending,
 * just that removal; otherwise the approved queue in approval order, skipping
 * adds of current members and removes of non-members, at most `max`
 * entries. Candidates are validated against this prefix, so urgent and
 * capped batches are valid (the reference rejects them).
 *
 * @example
 * ```ts
 * import { commitPrefix } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * declare const approved: [number, ConversationUpdateRequest][]
 * const prefix = commitPrefix({ approved, isMember: () => true, max: 5 }) // what the next commit must include
 * ```
 */
export function commitPrefix(init: CommitPrefixInit): PrefixEntry[] {
  const out: PrefixEntry[] = []
  const seen = new Set<string>()
  for (const [proposalId, request] of init.approved) {
    let entry: PrefixEntry | undefined
    if (request.payload === 'memberInvite' && request.memberInvite) {
      entry = { proposalId, request, action: 'add', memberId: request.memberInvite.memberId }
    } else if (request.payload === 'removeMember' && request.removeMember) {
      entry = { proposalId, request, action: 'remove', memberId: request.removeMember.memberId }
    }
    if (entry === undefined) continue
    const hex = toHex(entry.memberId)
    if (init.urgentTarget !== undefined && (entry.action !== 'remove' || hex !== init.urgentTarget)) continue
    const member = init.isMember(hex)
    if ((entry.action === 'add' && member) || (entry.action === 'remove' && !member)) continue
    const key = `${entry.action}:${hex}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(entry)
    if (out.length >= init.max || init.urgentTarget !== undefined) break
  }
  return out
}

/**
 * How far ahead of its own clock a member accepts that an approved add was
 * left out of a commit because its key package expired (deviation 9):
 * covers clock skew between the committer and the receivers, and the
 * delivery and freeze delay between minting and selection.
 */
export const KEY_PACKAGE_EXPIRY_TOLERANCE_MS = 5 * 60_000

/**
 * The adds of `prefix` whose key package has expired at `atMs` (its
 * `notAfter` second is before `atMs`), or cannot be decoded. Removes are
 * never returned.
 *
 * @example
 * ```ts
 * import { type PrefixEntry, expiredAdds } from '@demls/session/rules'
 * declare const prefix: PrefixEntry[]
 * const stale = expiredAdds(prefix, Date.now()) // adds whose key package has expired: may be omitted
 * ```
 */
export function expiredAdds(prefix: readonly PrefixEntry[], atMs: number): PrefixEntry[] {
  const at = BigInt(Math.floor(atMs / 1000))
  return prefix.filter((e) => {
    if (e.action !== 'add') return false
    const bytes = e.request.memberInvite?.keyPackageBytes
    if (bytes === undefined) return true
    try {
      return decodeKeyPackage(bytes).lifetime.notAfter < at
    } catch {
      return true
    }
  })
}

/**
 * The adds of `prefix` a commit must leave for later because no listed
 * steward would be a member after it: every steward on `stewards` is
 * either removed by `prefix` or not a member now (`isMember`, hex ids).
 * Their joiners would receive a `ConversationSync` whose steward list has
 * no current member, which a joiner refuses (the reference's rule,
 * `validateSync`'s `no-steward-is-member`), so such a commit carries only
 * the rest of the work; the adds stay approved, and a commit after the
 * election that follows (the list then has members) admits them. Empty
 * when some listed steward stays a member, or `stewards` is empty.
 *
 * @example
 * ```ts
 * import { type PrefixEntry, deferredAdds } from '@demls/session/rules'
 * import { toHex } from '@demls/wire'
 * declare const prefix: PrefixEntry[] // removes the only steward, adds a joiner
 * declare const steward: Uint8Array
 * declare const members: Set<string>
 * const later = deferredAdds(prefix, [steward], (hex) => members.has(hex)) // the add: committed after the election
 * ```
 */
export function deferredAdds(prefix: readonly PrefixEntry[], stewards: readonly Uint8Array[], isMember: (memberIdHex: string) => boolean): PrefixEntry[] {
  if (stewards.length === 0) return []
  const removed = new Set(prefix.filter((e) => e.action === 'remove').map((e) => toHex(e.memberId)))
  const stays = stewards.some((m) => {
    const hex = toHex(m)
    return isMember(hex) && !removed.has(hex)
  })
  return stays ? [] : prefix.filter((e) => e.action === 'add')
}

/**
 * Whether a commit's `changes` are exactly `prefix` minus some entries of
 * `omittable`; if so, the entries it left out.
 *
 * @example
 * ```ts
 * import { type CommitAction, type PrefixEntry, coversPrefix } from '@demls/session/rules'
 * declare const prefix: PrefixEntry[]
 * declare const changes: CommitAction[] // what the staged commit does
 * const r = coversPrefix(changes, prefix, [])
 * if (!r.ok) console.log('the commit skipped approved work: penalise its steward')
 * ```
 */
export function coversPrefix(
  changes: readonly CommitAction[],
  prefix: readonly PrefixEntry[],
  omittable: readonly PrefixEntry[],
): { ok: true; omitted: PrefixEntry[] } | { ok: false } {
  const omitted = omittedFrom(changes, prefix)
  if (omitted === undefined) return { ok: false }
  const mayOmit = new Set(omittable.map(actionKey))
  if (omitted.some((e) => !mayOmit.has(actionKey(e)))) return { ok: false }
  return { ok: true, omitted }
}

/** {@link keyOfTarget} of an action (`add:<hex>`). */
export const actionKey = (a: CommitAction): string => keyOfTarget({ action: a.action, member: a.memberId })

/**
 * How a commit doing `changes` differs from the commit prefix `prefix`:
 * the target keys ({@link actionKey}) it carries beyond it, each once, and
 * the entries of the prefix it leaves out. The one comparison behind
 * {@link coversPrefix}, {@link lagsRecentApprovals} and what a freeze says
 * of a candidate it refused (`freeze/commit-flow.ts`).
 *
 * @internal
 */
export function prefixDifference(changes: readonly CommitAction[], prefix: readonly PrefixEntry[]): { extra: string[]; lacking: PrefixEntry[] } {
  const wanted = new Set(prefix.map(actionKey))
  const carried = new Set(changes.map(actionKey))
  return { extra: [...carried].filter((k) => !wanted.has(k)), lacking: prefix.filter((e) => !carried.has(actionKey(e))) }
}

/** The entries of `prefix` a commit doing `changes` leaves out, or undefined when it does anything outside `prefix`. */
function omittedFrom(changes: readonly CommitAction[], prefix: readonly PrefixEntry[]): PrefixEntry[] | undefined {
  const { extra, lacking } = prefixDifference(changes, prefix)
  return extra.length > 0 ? undefined : lacking
}

/**
 * Whether the epoch steward's candidate, which carries less than our
 * `prefix`, only lags our view of the approvals (beyond the reference):
 * it carries at least one change, every change it carries is in our
 * prefix, and every entry it left out was approved here at or after
 * `since` (the caller passes `now − commitInactivityMs`). Votes reach
 * members at different times, so the steward often freezes before it
 * counts a result we already have; merging its commit (the fork-choice
 * rule would prefer it over ours anyway) leaves the rest approved for the
 * next epoch instead of forking the group. Work older than the window is
 * never omittable, so a steward cannot hold it back longer than the backup
 * steward's inactivity window would.
 *
 * @param approvedAt - when each approved proposal was approved here (absent: long ago)
 *
 * @example
 * ```ts
 * import { type CommitAction, type PrefixEntry, lagsRecentApprovals } from '@demls/session/rules'
 * declare const changes: CommitAction[] // what the epoch steward's staged commit does
 * declare const prefix: PrefixEntry[]
 * declare const approvedAt: ReadonlyMap<number, number>
 * const now = Date.now()
 * if (lagsRecentApprovals(changes, prefix, approvedAt, now - 60_000)) console.log('merge it; the rest waits one epoch')
 * ```
 */
export function lagsRecentApprovals(
  changes: readonly CommitAction[],
  prefix: readonly PrefixEntry[],
  approvedAt: ReadonlyMap<ProposalId, number>,
  since: number,
): boolean {
  if (changes.length === 0) return false
  const omitted = omittedFrom(changes, prefix)
  if (omitted === undefined || omitted.length === 0) return false
  return omitted.every((e) => (approvedAt.get(e.proposalId) ?? Number.NEGATIVE_INFINITY) >= since)
}

/**
 * Canonical form of an action set: deduplicated, sorted `action:hex` strings.
 *
 * @example
 * ```ts
 * import { actionSetKey } from '@demls/session/rules'
 * const bob = new Uint8Array(20).fill(2)
 * const carol = new Uint8Array(20).fill(3)
 * actionSetKey([{ action: 'remove', memberId: bob }, { action: 'add', memberId: carol }]) ===
 *   actionSetKey([{ action: 'add', memberId: carol }, { action: 'remove', memberId: bob }]) // true: order-free
 * ```
 */
export function actionSetKey(actions: readonly CommitAction[]): string {
  return [...new Set(actions.map(actionKey))].sort().join(',')
}

/**
 * What selection needs to know about a buffered candidate.
 *
 * @example
 * ```ts
 * import { type RankedCandidate, orderCandidates } from '@demls/session/rules'
 * const candidates: RankedCandidate[] = [1, 2].map((n) => ({ proposalCount: 1, stewardMemberId: new Uint8Array(20).fill(n), commitHash: new Uint8Array(32).fill(n) }))
 * const [winner] = orderCandidates(candidates, 1, candidates[1]!.stewardMemberId, false)
 * ```
 */
export interface RankedCandidate {
  /** Number of MLS proposal messages it carries. */
  proposalCount: number
  /** Claimed author (`CommitCandidate.steward_member_id`). */
  stewardMemberId: Uint8Array
  /** SHA-256 of the commit message. */
  commitHash: Uint8Array
}

/**
 * Filter and order candidates best-first (`reference-architecture.md` §9.4,
 * RFC "Commit validation service"): keep candidates carrying exactly
 * `expectedCount` proposals (`≤` with `allowSubset`); then (a) more
 * proposals first, (b) the live epoch steward's first, (c) smaller steward
 * id, (d) smaller commit hash. Whether a candidate is ours is ignored.
 *
 * @example
 * ```ts
 * import { orderCandidates } from '@demls/session/rules'
 * import type { CommitCandidate } from '@demls/wire'
 * declare const received: (CommitCandidate & { proposalCount: number; commitHash: Uint8Array })[]
 * declare const epochSteward: Uint8Array
 * const ranked = orderCandidates(received, 3, epochSteward, false) // try them in this order
 * ```
 */
export function orderCandidates<C extends RankedCandidate>(
  candidates: readonly C[],
  expectedCount: number,
  epochSteward: Uint8Array | undefined,
  allowSubset: boolean,
): C[] {
  const isEpochSteward = (c: C) => epochSteward !== undefined && compareBytes(c.stewardMemberId, epochSteward) === 0
  return candidates
    .filter((c) => (allowSubset ? c.proposalCount <= expectedCount : c.proposalCount === expectedCount))
    .sort(
      (a, b) =>
        b.proposalCount - a.proposalCount ||
        Number(isEpochSteward(b)) - Number(isEpochSteward(a)) ||
        compareBytes(a.stewardMemberId, b.stewardMemberId) ||
        compareBytes(a.commitHash, b.commitHash),
    )
}
