import type { PeerScoreEntry } from '@demls/scoring'
import type { StewardListSnapshot } from '@demls/steward'
import {
  decodeApprovalCertificate,
  decodeConversationUpdateRequest,
  encodeApprovalCertificate,
  encodeConversationUpdateRequest,
  fromHex,
} from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import type { ProposalId } from '../core/queues.js'
import type { BranchPoint } from '../state/branch-point.js'
import { mergedByMajority } from '../sync/catch-up.js'
import { exportedState } from '../sync/own-candidates.js'

/**
 * The fork branch point in a saved state ({@link BranchPoint}, its MLS
 * state serialised and its requests encoded): a member that merged the
 * losing commit of a fork and crashed before it heard of the winning one
 * resumes able to switch, as it would have without the crash.
 *
 * @internal
 */
export interface SavedBranch {
  epoch: bigint
  hashHex: string
  committer: Uint8Array
  pendingHashHex?: string
  members?: string[]
  /** The MLS state before the merge (`MlsSnapshot.exportState`, serialised once per snapshot). */
  mlsState: Uint8Array
  session: {
    approved: [ProposalId, Uint8Array][]
    urgentTarget: string | undefined
    pendingUpdates: [string, { request: Uint8Array; firstSeenEpoch: bigint; announcedAt?: number }][]
    pendingRemovalTargets: string[]
    joinEpochs: [string, bigint][]
    scores: PeerScoreEntry[]
    steward: StewardListSnapshot | undefined
    approvedCertificates: [string, Uint8Array][]
  }
}

/**
 * The branch point to save, while it may still be needed: until a strict
 * majority of the members at the branch point attested (signed) that they
 * merged our commit too, a branch that wins the fork choice can reach us
 * (after that no other commit of the epoch can gather a majority, and ours
 * wins; `rules/fork-choice.ts winsFork`).
 */
export function savedBranch(core: ConversationCore): SavedBranch | undefined {
  const bp = core.branch
  if (bp === undefined || bp.epoch + 1n !== core.epoch() || mergedByMajority(core, fromHex(bp.hashHex))) return undefined
  const s = bp.session
  return {
    epoch: bp.epoch,
    hashHex: bp.hashHex,
    committer: bp.committer,
    ...(bp.pendingHashHex !== undefined ? { pendingHashHex: bp.pendingHashHex } : {}),
    ...(bp.members !== undefined ? { members: [...bp.members] } : {}),
    mlsState: exportedState(bp.mlsState),
    session: {
      approved: s.queues.approved.map(([id, r]) => [id, encodeConversationUpdateRequest(r)]),
      urgentTarget: s.queues.urgentTarget,
      pendingUpdates: s.queues.pendingUpdates.map(([key, u]) => [key, { ...u, request: encodeConversationUpdateRequest(u.request) }]),
      pendingRemovalTargets: s.queues.pendingRemovalTargets,
      joinEpochs: s.joinEpochs,
      scores: s.scores,
      steward: s.steward,
      approvedCertificates: s.approvedCertificates.map(([key, c]) => [key, encodeApprovalCertificate(c)]),
    },
  }
}

/** Decode a {@link SavedBranch} (the inverse of {@link savedBranch}); its MLS state stays bytes until a switch restores it. */
export function restoredBranch(saved: SavedBranch): BranchPoint {
  const s = saved.session
  return {
    epoch: saved.epoch,
    hashHex: saved.hashHex,
    committer: saved.committer,
    ...(saved.pendingHashHex !== undefined ? { pendingHashHex: saved.pendingHashHex } : {}),
    ...(saved.members !== undefined ? { members: new Set(saved.members) } : {}),
    mlsState: saved.mlsState,
    session: {
      queues: {
        approved: s.approved.map(([id, r]) => [id, decodeConversationUpdateRequest(r)]),
        urgentTarget: s.urgentTarget,
        pendingUpdates: s.pendingUpdates.map(([key, u]) => [key, { ...u, request: decodeConversationUpdateRequest(u.request) }]),
        pendingRemovalTargets: s.pendingRemovalTargets,
      },
      joinEpochs: s.joinEpochs,
      scores: s.scores,
      steward: s.steward,
      approvedCertificates: s.approvedCertificates.map(([key, c]) => [key, decodeApprovalCertificate(c)]),
    },
  }
}
