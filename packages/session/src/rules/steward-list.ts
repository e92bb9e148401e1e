import { settledMembers } from '@demls/steward'
import { type StewardListNotice, bytesEqual } from '@demls/wire'
import type { EpochMembership } from '../state/epoch-history.js'

/**
 * Whether two member lists hold the same ids in the same order (a steward
 * list's order is its rotation).
 *
 * @example
 * ```ts
 * import { sameMembers } from '@demls/session/rules'
 * sameMembers([new Uint8Array([1])], [new Uint8Array([1])]) // true
 * ```
 */
export function sameMembers(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((m, i) => bytesEqual(m, b[i] as Uint8Array))
}

/**
 * Whether stamp `a` is newer than `b` (later epoch, or the same epoch and a later round).
 *
 * @example
 * ```ts
 * import { listNewer } from '@demls/session/rules'
 * listNewer({ epoch: 10n, round: 0 }, { epoch: 10n, round: 1 }) // false: a later retry round is newer
 * ```
 */
export function listNewer(a: { epoch: bigint; round: number }, b: { epoch: bigint; round: number }): boolean {
  return a.epoch > b.epoch || (a.epoch === b.epoch && a.round > b.round)
}

/**
 * What {@link stewardListRefusal} checks a notice against.
 *
 * @example
 * ```ts
 * import { type StewardListContext, stewardListRefusal } from '@demls/session/rules'
 * import type { StewardListNotice } from '@demls/wire'
 * declare const notice: StewardListNotice
 * const ctx: StewardListContext = { epoch: 10n, ours: { epoch: 5n, round: 0 }, maxRetries: 1, membershipAt: () => undefined, electable: (_e, pool) => pool }
 * const why = stewardListRefusal(notice, ctx) // undefined: adopt the list
 * ```
 */
export interface StewardListContext {
  /** Our epoch. */
  epoch: bigint
  /** Stamp of our installed list, if any. */
  ours: { epoch: bigint; round: number } | undefined
  /** Highest retry round an election may use. */
  maxRetries: number
  /** Membership we saw at an epoch, if we remember it. */
  membershipAt: (epoch: bigint) => EpochMembership | undefined
  /** The list an election at `epoch` over `pool` proposes in `round`. */
  electable: (epoch: bigint, pool: Uint8Array[], round: number) => readonly Uint8Array[]
  /**
   * The notice's certificate proves the election epoch's members approved
   * it by signed votes (`verifyGroupOutcome`): the group's outcome,
   * installed even when the list does not regenerate over the members we
   * saw (our view of that epoch missed work the quorum had seen). Checked
   * by the caller.
   */
  certifiedByQuorum?: boolean
}

/**
 * Why a steward list sent by a member may not be installed, or undefined
 * when it may: it must be newer than ours, from an epoch we have reached
 * and still remember, and exactly the list an election over the settled
 * members of that epoch proposes in its retry round, unless that epoch's
 * members elected it by signed votes (`certifiedByQuorum`: the
 * certificate wins over our view of the epoch).
 *
 * @example
 * ```ts
 * import { type StewardListContext, stewardListRefusal } from '@demls/session/rules'
 * import type { StewardListNotice } from '@demls/wire'
 * declare const notice: StewardListNotice
 * declare const ctx: StewardListContext
 * const reason = stewardListRefusal(notice, ctx)
 * if (reason) console.log('ignored a steward list:', reason)
 * ```
 */
export function stewardListRefusal(n: StewardListNotice, ctx: StewardListContext): string | undefined {
  if (n.electionEpoch > ctx.epoch) return 'from a later epoch'
  if (ctx.ours !== undefined && !listNewer({ epoch: n.electionEpoch, round: n.retryRound }, ctx.ours)) return 'not newer than ours'
  if (n.retryRound > ctx.maxRetries) return 'retry round beyond the cap'
  const seen = ctx.membershipAt(n.electionEpoch)
  if (seen === undefined) return 'epoch not in our history'
  if (ctx.certifiedByQuorum === true) return undefined
  const pool = settledMembers(seen.members, seen.joinEpochs, n.electionEpoch)
  if (pool.length === 0) return 'no settled member at that epoch'
  if (!sameMembers(ctx.electable(n.electionEpoch, pool, n.retryRound), n.members)) {
    return 'does not regenerate from the settled members'
  }
  return undefined
}

/**
 * Whether an election's proposed list is exactly the list an honest
 * proposer generates over one of `pools` (the candidate pools a member
 * could have used at the election's epoch: the settled members, and in
 * recovery the settled members minus approved removals) in the election's
 * retry round. Checking the order alone (regenerating the list from its
 * own members, the reference's rule) lets any member propose a list of its
 * choosing, itself alone included, and be elected by the automatic YES
 * votes; checking the pool binds the list to the group's members.
 *
 * @example
 * ```ts
 * import { electionRegenerates } from '@demls/session/rules'
 * import { StewardListService } from '@demls/steward'
 * import type { StewardElectionProposal } from '@demls/wire'
 * declare const election: StewardElectionProposal
 * declare const settled: Uint8Array[]
 * const svc = new StewardListService({ conversationId: 'chat' })
 * electionRegenerates(election, [settled], (e, pool, round) => svc.electableList(e, pool, round).members)
 * ```
 */
export function electionRegenerates(
  e: { proposedStewards: readonly Uint8Array[]; electionEpoch: bigint; retryRound: number },
  pools: readonly (readonly Uint8Array[])[],
  electable: (epoch: bigint, pool: readonly Uint8Array[], round: number) => readonly Uint8Array[],
): boolean {
  return pools.some((pool) => {
    if (pool.length === 0) return false
    let expected: readonly Uint8Array[]
    try {
      expected = electable(e.electionEpoch, pool, e.retryRound)
    } catch {
      return false
    }
    return sameMembers(expected, e.proposedStewards)
  })
}
