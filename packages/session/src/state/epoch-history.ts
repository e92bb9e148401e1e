/**
 * Who was in the group at an epoch, and when each member joined.
 *
 * @example
 * ```ts
 * import type { EpochMembership, StewardListContext } from '@demls/session/rules'
 * const history = new Map<bigint, EpochMembership>()
 * history.set(5n, { members: [new Uint8Array(20).fill(1)], joinEpochs: new Map([['01'.repeat(20), 0n]]) })
 * const membershipAt: StewardListContext['membershipAt'] = (epoch) => history.get(epoch)
 * ```
 */
export interface EpochMembership {
  members: Uint8Array[]
  joinEpochs: Map<string, bigint>
}
