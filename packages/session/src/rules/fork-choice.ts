import { compareBytes } from '@demls/wire'

/**
 * The fork-choice rule (fork healing, beyond the reference; landscape
 * §2.1.4): of two commits merged from the same epoch, the one with the
 * smaller SHA-256 commit hash wins, on every member alike. The only place
 * the session compares two branches.
 *
 * @returns whether the branch of `hash` beats the branch of `other`
 *
 * @example
 * ```ts
 * import { winsFork } from '@demls/session/rules'
 * const a = new Uint8Array(32).fill(1)
 * const b = new Uint8Array(32).fill(2)
 * winsFork(a, b) !== winsFork(b, a) // true: every member picks the same branch
 * ```
 */
export function winsFork(hash: Uint8Array, other: Uint8Array): boolean {
  return compareBytes(hash, other) < 0
}

/**
 * Where we branched: the epoch we merged from and the hash of the commit we merged.
 *
 * @example
 * ```ts
 * import { type BranchTip, prefersAttested } from '@demls/session/rules'
 * const ours: BranchTip = { epoch: 8n, commitHash: new Uint8Array(32).fill(0xaa) }
 * prefersAttested(ours, 8n, 8n, new Uint8Array(32).fill(0x11)) // whether to switch to the attested branch
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { prefersAttested } from '@demls/session/rules'
 * declare const attestedHash: Uint8Array // from members' signed attestations of epoch 9
 * if (prefersAttested(undefined, 9n, 9n, attestedHash)) console.log('catch up onto the attested branch')
 * ```
 */
export function prefersAttested(tip: BranchTip | undefined, currentEpoch: bigint, attestedEpoch: bigint, commitHash: Uint8Array): boolean {
  return tip !== undefined && attestedEpoch === currentEpoch && tip.epoch + 1n === attestedEpoch && winsFork(commitHash, tip.commitHash)
}
