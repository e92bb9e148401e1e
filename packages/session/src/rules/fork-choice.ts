import { compareBytes } from '@demls/wire'

/**
 * The fork-choice rule (fork healing, beyond the reference; landscape
 * §2.1.4): of two commits merged from the same epoch, the one with the
 * smaller SHA-256 commit hash wins, on every member alike. The only place
 * the session compares two branches.
 *
 * @returns whether the branch of `hash` beats the branch of `other`
 */
export function winsFork(hash: Uint8Array, other: Uint8Array): boolean {
  return compareBytes(hash, other) < 0
}

/** Where we branched: the epoch we merged from and the hash of the commit we merged. */
export interface BranchTip {
  /** Epoch before our last merge. */
  epoch: bigint
  /** SHA-256 of the commit we merged from `epoch`. */
  commitHash: Uint8Array
}

/**
 * Whether an attested commit that reached `attestedEpoch` should replace
 * the one we merged to reach `currentEpoch`: it must leave the same epoch
 * as ours and win the fork choice ({@link winsFork}).
 *
 * @param tip - our last merge, if we kept its branch point
 */
export function prefersAttested(tip: BranchTip | undefined, currentEpoch: bigint, attestedEpoch: bigint, commitHash: Uint8Array): boolean {
  return tip !== undefined && attestedEpoch === currentEpoch && tip.epoch + 1n === attestedEpoch && winsFork(commitHash, tip.commitHash)
}
