import type { EpochMembership } from './epoch-history.js'

/**
 * The membership slice: when each member joined, who was in the group at
 * recent epochs, and who voted before we joined. A fork switch rolls back
 * the join epochs only (`sync/rollback.ts`); the epochs up to the branch
 * point are the same on both branches, and our electorate at join is
 * ours whichever branch we are on.
 *
 * @example
 * ```ts
 * import { MembershipState } from '../state/membership-state.js'
 * const membership = new MembershipState()
 * membership.joinEpochs.set('ab'.repeat(20), 3n) // joined at epoch 3
 * ```
 *
 * @internal
 */
export class MembershipState {
  /** Epoch at which each member (hex) joined, recorded from merged adds. */
  readonly joinEpochs = new Map<string, bigint>()
  /** Membership of recent epochs, to validate steward lists sent by peers (`sync/steward-sync.ts`). */
  readonly epochHistory = new Map<bigint, EpochMembership>()
  /**
   * The members of the epoch before the one we joined at, as our Welcome
   * shows them (the members minus its joiners): who voted on proposals
   * opened before we joined and committed after (`voting/certificates.ts`
   * `electoratesOf`). A claim of the committer that welcomed us, as our whole
   * view of the group is at first; a member that also left in that commit
   * is missing, so such a set matches no certificate.
   */
  joinElectorate: ReadonlySet<string> | undefined
}
