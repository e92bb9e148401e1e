import type { MlsService } from '@demls/mls'
import type { ConversationCore } from '../conversation/core.js'
import { evictOldest } from '../state/bounded.js'
import type { BranchPoint } from '../state/branch-point.js'

/**
 * What keeping our lost candidates needs: the table of them (catch-up
 * state) and the MLS client that re-imports one.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../conversation/core.js'
 * import type { OwnCandidatesComponents } from '../sync/own-candidates.js'
 * declare const core: ConversationCore
 * const slices: OwnCandidatesComponents = { catchUp: core.catchUp, plugins: { mls: core.plugins.mls } }
 * ```
 */
export interface OwnCandidatesComponents {
  readonly catchUp: Pick<ConversationCore['catchUp'], 'ownCandidates'>
  readonly plugins: { readonly mls: Pick<ConversationCore['plugins']['mls'], 'importGroup'> }
}

/** Own candidates kept after losing their round (a steward re-mints at most a few times per epoch). */
const OWN_CANDIDATES_KEPT = 4

/**
 * Our candidate `hashHex` lost its round at `epoch`: keep the MLS state
 * that has it pending (the branch point captured before the round), in
 * case the group merged it anyway. States of epochs before the previous
 * one are dropped.
 */
export function keepOwnCandidate(core: OwnCandidatesComponents, branch: Pick<BranchPoint, 'epoch' | 'mlsState' | 'pendingHashHex'>, joinerIds: Uint8Array[]): void {
  const own = core.catchUp.ownCandidates
  for (const [k, v] of own) if (v.epoch + 1n < branch.epoch) own.delete(k)
  if (branch.pendingHashHex === undefined) return
  own.set(branch.pendingHashHex, { epoch: branch.epoch, mlsState: branch.mlsState, joinerIds })
  evictOldest(own, OWN_CANDIDATES_KEPT)
}

/**
 * The MLS state, at `epoch`, with our own commit `hashHex` pending: from the
 * branch point if that was the pending one, else from a lost round. An
 * imported instance (the caller adopts it as `core.mls` once it merged), or
 * undefined when we no longer hold it.
 */
export async function ownCandidateState(
  core: OwnCandidatesComponents,
  epoch: bigint,
  hashHex: string,
  branch: Pick<BranchPoint, 'epoch' | 'mlsState' | 'pendingHashHex'> | undefined,
): Promise<{ mls: MlsService; joinerIds: Uint8Array[] } | undefined> {
  const kept = core.catchUp.ownCandidates.get(hashHex)
  const state = branch?.epoch === epoch && branch.pendingHashHex === hashHex ? branch.mlsState : kept?.epoch === epoch ? kept.mlsState : undefined
  if (state === undefined) return undefined
  const mls = await core.plugins.mls.importGroup(state)
  return mls.hasPendingCommit() ? { mls, joinerIds: kept?.joinerIds ?? [] } : undefined
}
