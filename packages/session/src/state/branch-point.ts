import type { MlsSnapshot } from '@demls/mls'
import type { PeerScoreEntry } from '@demls/scoring'
import type { StewardListSnapshot } from '@demls/steward'
import type { ApprovalCertificate } from '@demls/wire'
import type { QueueWork } from '../core/queues.js'

/**
 * Everything needed to undo the last merge: the MLS state and the session
 * state just before it, and the hash of the commit merged from there
 * (fork healing, beyond the reference; landscape §2.1.4).
 *
 * @internal
 */
export interface BranchPoint {
  /** Epoch before the merge. */
  epoch: bigint
  /**
   * `MlsService.snapshot()` before the merge: the immutable MLS state
   * itself, serialised only if it is saved (`persist/branch.ts`, or a kept
   * own candidate); bytes in a branch point restored from a saved state.
   * Opened with `sync/own-candidates.ts openState`.
   */
  mlsState: MlsSnapshot | Uint8Array
  /** Hex SHA-256 of our own candidate pending in {@link BranchPoint.mlsState}, if one was. */
  pendingHashHex?: string
  /** Hex SHA-256 of the commit merged from this point. */
  hashHex: string
  /** MLS-authenticated committer of that commit (ranked by the fork choice). */
  committer: Uint8Array
  /**
   * Hex ids of the members at the branch point: the electorate whose
   * majority settles the fork (`BranchClaim.majority`). Absent in branch
   * points captured before this field (the fork choice then ranks only).
   */
  members?: ReadonlySet<string>
  /** The session slices as they were before the merge ({@link SessionRollback}). */
  session: SessionRollback
}

/**
 * What a fork switch rolls back besides the MLS state: one entry per
 * session slice, each its slice's copy as `sync/rollback.ts ROLLBACK_SLICES`
 * captures it before a merge and puts it back on a switch. A slice added
 * here must get its capture and restore there (the registry's type lists
 * every key); a field added to a slice that has one goes into that
 * slice's copy (`test/rollback.test.ts` checks the queues and the core).
 *
 * @internal
 */
export interface SessionRollback {
  /** The work the next commit must carry ({@link QueueWork}). */
  queues: QueueWork
  /** When each member joined (hex → epoch). */
  joinEpochs: [string, bigint][]
  /** Peer scores of the members at the branch point. */
  scores: PeerScoreEntry[]
  /** The installed steward list, if any. */
  steward: StewardListSnapshot | undefined
  /**
   * The certificates of our approved, uncommitted work (by target key): a
   * merge hands those of the work it carries to the commit log, so a switch
   * back must restore them with the work, or our next commit of that work
   * carries no certificate for members that lack the approval.
   */
  approvedCertificates: [string, ApprovalCertificate][]
}
