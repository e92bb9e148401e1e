import type { ConversationSync } from '@demls/wire'
import { InvalidSyncError } from '../errors.js'
import { toHex } from '../util/bytes.js'

/**
 * Why a `ConversationSync` was rejected (a benign, logged drop).
 *
 * @example
 * ```ts
 * import { type SyncRejectReason, type SyncValidationContext, validateSync } from '@demls/session/rules'
 * import type { ConversationSync } from '@demls/wire'
 * declare const sync: ConversationSync
 * declare const ctx: SyncValidationContext
 * const r = validateSync(sync, ctx)
 * const reason: SyncRejectReason | undefined = r.ok ? undefined : r.reason
 * ```
 */
export type SyncRejectReason =
  | 'future-election-epoch'
  | 'no-steward-is-member'
  | 'invalid-steward-order'
  | 'zero-timing-field'
  | 'threshold-not-below-default-score'

/**
 * What validation needs to know about the joiner's view.
 *
 * @example
 * ```ts
 * import { type SyncValidationContext, validateSync } from '@demls/session/rules'
 * import { validateStewardList } from '@demls/steward'
 * import type { ConversationSync } from '@demls/wire'
 * declare const sync: ConversationSync
 * const ctx: SyncValidationContext = {
 *   currentEpoch: 4n,
 *   isMember: () => true,
 *   localDefaultScore: 100n,
 *   validateOrder: ({ proposed, epoch, retryRound, snMin, snMax }) => validateStewardList({ proposed, epoch, retryRound, pool: proposed, conversationId: 'chat', config: { snMin, snMax } }),
 * }
 * validateSync(sync, ctx)
 * ```
 */
export interface SyncValidationContext {
  /** The joiner's MLS epoch after processing the Welcome. */
  currentEpoch: bigint
  /** Whether a member id (hex) is in the joiner's MLS group. */
  isMember(memberIdHex: string): boolean
  /** The joiner's local default peer score. */
  localDefaultScore: bigint
  /**
   * Regenerate-and-compare check of the steward order (pool = the listed
   * stewards, bounds from the sync), e.g. `@demls/steward`'s
   * `validateStewardList`. May throw on bad bounds.
   */
  validateOrder(init: {
    proposed: readonly Uint8Array[]
    epoch: bigint
    retryRound: number
    snMin: number
    snMax: number
  }): boolean
}

/**
 * Validate a `ConversationSync` received by a joiner
 * (`reference-architecture.md` §6.6): the election epoch is not in the
 * future, at least one listed steward is a current member, the order is
 * what deterministic generation yields, no zero in the mandatory timing
 * fields (voting inactivity may be 0), and the synced threshold is strictly
 * below our default score.
 *
 * @throws {InvalidSyncError} for the reference's hard errors: an empty
 * steward list or an invalid `sn_min`/`sn_max` pair
 *
 * @example
 * ```ts
 * import { type SyncValidationContext, validateSync } from '@demls/session/rules'
 * import type { ConversationSync } from '@demls/wire'
 * declare const sync: ConversationSync
 * declare const ctx: SyncValidationContext
 * const r = validateSync(sync, ctx)
 * if (!r.ok) console.log('refused sync:', r.reason)
 * ```
 */
export function validateSync(
  sync: ConversationSync,
  ctx: SyncValidationContext,
): { ok: true } | { ok: false; reason: SyncRejectReason } {
  if (sync.stewardMembers.length === 0) throw new InvalidSyncError('empty steward list')
  if (sync.snMin < 1 || sync.snMin > sync.snMax) {
    throw new InvalidSyncError(`invalid steward bounds (${sync.snMin}, ${sync.snMax})`)
  }
  if (sync.electionEpoch > ctx.currentEpoch) return { ok: false, reason: 'future-election-epoch' }
  if (!sync.stewardMembers.some((m) => ctx.isMember(toHex(m)))) return { ok: false, reason: 'no-steward-is-member' }
  let ordered: boolean
  try {
    ordered = ctx.validateOrder({
      proposed: sync.stewardMembers,
      epoch: sync.electionEpoch,
      retryRound: sync.retryRound,
      snMin: sync.snMin,
      snMax: sync.snMax,
    })
  } catch {
    ordered = false
  }
  if (!ordered) return { ok: false, reason: 'invalid-steward-order' }
  const t = sync.timing
  if (
    t === undefined ||
    t.commitInactivityDurationMs === 0n ||
    t.freezeDurationMs === 0n ||
    t.proposalExpirationMs === 0n ||
    t.consensusTimeoutMs === 0n ||
    t.recoveryInactivityDurationMs === 0n
  ) {
    return { ok: false, reason: 'zero-timing-field' }
  }
  if (!(ctx.localDefaultScore > sync.thresholdPeerScore)) return { ok: false, reason: 'threshold-not-below-default-score' }
  return { ok: true }
}
