import type { MlsClient, MlsService, MlsSnapshot } from '@demls/mls'
import type { CommitCandidate } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { evictOldest } from '../state/bounded.js'
import type { BranchPoint } from '../state/branch-point.js'
import type { OwnCandidate } from '../state/catch-up-state.js'

/**
 * What keeping our lost candidates needs: the table of them (catch-up
 * state) and the MLS client that restores one (from its snapshot, or
 * imports it from the bytes a saved state held).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { OwnCandidatesComponents } from '../sync/own-candidates.js'
 * declare const core: ConversationCore
 * const slices: OwnCandidatesComponents = { catchUp: core.catchUp, plugins: { mls: core.plugins.mls } }
 * ```
 */
export interface OwnCandidatesComponents {
  readonly catchUp: Pick<ConversationCore['catchUp'], 'ownCandidates' | 'minted'>
  readonly plugins: { readonly mls: Pick<ConversationCore['plugins']['mls'], 'importGroup' | 'restoreGroup'> }
}

/** Own candidates kept after losing their round (a steward re-mints at most a few times per epoch). */
const OWN_CANDIDATES_KEPT = 4

/** Distinct change sets we remember having signed a commit for at one epoch (retry rounds of one epoch are few). */
const MINTED_KEPT = 64

/**
 * Our candidate `hashHex` lost its round at `epoch`: keep the MLS state
 * that has it pending (the branch point captured before the round), in
 * case the group merged it anyway. States of epochs before the previous
 * one are dropped.
 */
export function keepOwnCandidate(
  core: OwnCandidatesComponents,
  branch: Pick<BranchPoint, 'epoch' | 'mlsState' | 'pendingHashHex'>,
  joinerIds: Uint8Array[],
  sent?: { candidate: CommitCandidate; changesKey: string },
  branchHex?: string,
): void {
  const own = core.catchUp.ownCandidates
  for (const [k, v] of own) if (v.epoch + 1n < branch.epoch) own.delete(k)
  if (branch.pendingHashHex === undefined) return
  own.set(branch.pendingHashHex, { epoch: branch.epoch, mlsState: branch.mlsState, joinerIds, ...(sent ?? {}), ...(branchHex !== undefined ? { branchHex } : {}) })
  evictOldest(own, OWN_CANDIDATES_KEPT)
}

/**
 * We signed commit `hashHex` with changes `changesKey` at `epoch`: remember
 * it (the memory of earlier epochs goes), so that we never sign another
 * commit with the same changes at that epoch.
 */
export function noteMinted(core: OwnCandidatesComponents, epoch: bigint, changesKey: string, hashHex: string): void {
  if (core.catchUp.minted?.epoch !== epoch) core.catchUp.minted = { epoch, byChanges: new Map() }
  const byChanges = core.catchUp.minted.byChanges
  if (!byChanges.has(changesKey)) byChanges.set(changesKey, hashHex)
  evictOldest(byChanges, MINTED_KEPT)
}

/**
 * Before minting at `epoch` a commit with changes `changesKey` (issue 15: a
 * committer that signs two commits with the same changes at one epoch has
 * equivocated): `'mint'` when we signed none; the earlier candidate to
 * offer again when we still hold it (and, when kept from a branch a fork
 * switch left, `branchHex` is that branch); `'abstain'` when we signed one
 * and no longer hold its state (evicted), or the memory of which is full.
 */
export function reusableCandidate(
  core: OwnCandidatesComponents,
  epoch: bigint,
  changesKey: string,
  branchHex?: string,
): 'mint' | 'abstain' | (OwnCandidate & { hashHex: string; candidate: CommitCandidate }) {
  const minted = core.catchUp.minted
  if (minted?.epoch !== epoch) return 'mint'
  const hashHex = minted.byChanges.get(changesKey)
  if (hashHex === undefined) return minted.byChanges.size >= MINTED_KEPT ? 'abstain' : 'mint'
  const kept = core.catchUp.ownCandidates.get(hashHex)
  if (kept?.epoch !== epoch || kept.candidate === undefined) return 'abstain'
  // Minted on a branch of this epoch we have left: its members may merge it, but it is no commit for ours.
  if (kept.branchHex !== undefined && branchHex !== undefined && kept.branchHex !== branchHex) return 'abstain'
  return { ...kept, hashHex, candidate: kept.candidate }
}

/**
 * The MLS state, at `epoch`, with our own commit `hashHex` pending: from the
 * branch point if that was the pending one, else from a lost round. A
 * restored instance (the caller adopts it as `core.mls` once it merged), or
 * undefined when we no longer hold it.
 */
export async function ownCandidateState(
  core: OwnCandidatesComponents,
  epoch: bigint,
  hashHex: string,
  branch: Pick<BranchPoint, 'epoch' | 'mlsState' | 'pendingHashHex'> | undefined,
): Promise<{ mls: MlsService; joinerIds: Uint8Array[]; branchHex?: string } | undefined> {
  const kept = core.catchUp.ownCandidates.get(hashHex)
  const fromBranch = branch?.epoch === epoch && branch.pendingHashHex === hashHex
  const state = fromBranch ? branch.mlsState : kept?.epoch === epoch ? kept.mlsState : undefined
  if (state === undefined) return undefined
  const mls = await openState(core.plugins.mls, state)
  if (!mls.hasPendingCommit()) return undefined
  const branchHex = fromBranch ? undefined : kept?.branchHex
  return { mls, joinerIds: kept?.joinerIds ?? [], ...(branchHex !== undefined ? { branchHex } : {}) }
}

/** A kept MLS state as a group of its own: restored from the snapshot, or imported from the bytes a saved state held. */
export function openState(client: Pick<MlsClient, 'importGroup' | 'restoreGroup'>, state: MlsSnapshot | Uint8Array): Promise<MlsService> {
  return state instanceof Uint8Array ? client.importGroup(state) : client.restoreGroup(state)
}

/** The bytes of a kept MLS state, for a saved state: serialised here (once; the snapshot keeps them) when it is a snapshot. */
export function exportedState(state: MlsSnapshot | Uint8Array): Uint8Array {
  return state instanceof Uint8Array ? state : state.exportState()
}
