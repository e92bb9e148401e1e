import type { CommitCandidate } from '@demls/wire'

/**
 * Two different commits one member signed for one epoch, carrying the
 * same changes (issue 15). An honest committer never does this: it offers
 * the commit it already signed again in a later round of the epoch, even
 * after a restart. Any member of that epoch can check the pair with
 * `verifyCommitEquivocation`: MLS authenticates the same committer for
 * both and staging gives the same changes.
 *
 * @example
 * ```ts
 * import type { CommitEquivocation, Conversation } from '@demls/session'
 * declare const conv: Conversation
 * const proofs: CommitEquivocation[] = conv.commitEquivocations()
 * for (const p of proofs) console.log(`epoch ${p.epoch}: two commits by one member`)
 * ```
 */
export interface CommitEquivocation {
  /** The epoch both commits leave. */
  readonly epoch: bigint
  /** The member MLS authenticates as the committer of both. */
  readonly committer: Uint8Array
  /** The two candidates as they arrived (commit message and MLS proposals), the first one seen first. */
  readonly commits: readonly [CommitCandidate, CommitCandidate]
}

/** One commit a committer sent at the epoch, with its changes once staged (`actionSetKey`). */
export interface SeenCommit {
  hashHex: string
  candidate: CommitCandidate
  changesKey?: string
}

/** Distinct commits remembered per committer and epoch (an honest one signs one per change set). */
export const SEEN_COMMITS_PER_COMMITTER = 4
/** Committers remembered per epoch (every member mints in recovery mode). */
export const SEEN_COMMITTERS = 1024
/** Proven commit equivocations kept (two candidates each, bounded by the candidate size limit). */
export const COMMIT_EQUIVOCATIONS_KEPT = 16

/**
 * What a member remembers to catch a committer signing two commits with
 * the same changes at one epoch: the commits each committer sent at our
 * epoch (cleared when the epoch changes), and the proofs found.
 *
 * @internal
 */
export class CommitEvidenceState {
  /** Commits received at `epoch`, by committer (hex, MLS-authenticated). */
  seen: { epoch: bigint; byCommitter: Map<string, SeenCommit[]> } | undefined
  /** Checks of stale candidates against our branch point, at the branch point's epoch (`checkAgainstBranch`). */
  branchChecks: { epoch: bigint; used: number } | undefined
  /** Proofs by `epoch:committer hex`, oldest first. */
  readonly proven = new Map<string, CommitEquivocation>()
}
