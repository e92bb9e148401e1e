import { isListExhausted } from '@demls/steward'
import { compareBytes, toHex } from '@demls/wire'

/**
 * One side of a fork: the commit merged from an epoch, as the fork-choice
 * rule sees it.
 *
 * @example
 * ```ts
 * import { type BranchClaim, winsFork } from '@demls/session/rules'
 * const ours: BranchClaim = { committerRank: 1, commitHash: new Uint8Array(32).fill(2) }
 * const theirs: BranchClaim = { committerRank: 0, commitHash: new Uint8Array(32).fill(9) }
 * winsFork(theirs, ours) // true
 * ```
 */
export interface BranchClaim {
  /** The committer's rank on the steward list of the epoch the commit left ({@link committerRank}). */
  committerRank: number
  /** SHA-256 of the commit. */
  commitHash: Uint8Array
  /**
   * A strict majority of the members at the branch point signed (their
   * latest attestation of that epoch) that they merged this commit. Absent
   * = not known to be merged by a majority.
   */
  majority?: boolean
}

/**
 * The list a rank is read from (a `StewardList` of `@demls/steward`).
 *
 * @example
 * ```ts
 * import { type RankList, committerRank } from '@demls/session/rules'
 * const list: RankList = { members: [new Uint8Array(20).fill(1), new Uint8Array(20).fill(2)], electionEpoch: 4n }
 * committerRank(list, 5n, new Uint8Array(20).fill(2)) // 0
 * ```
 */
export interface RankList {
  /** Stewards in rotation order. */
  readonly members: readonly Uint8Array[]
  /** First epoch the list serves. */
  readonly electionEpoch: bigint
}

/**
 * A committer's rank for a commit leaving `epoch`: its distance, walking
 * the rotation forward, from the slot that serves `epoch` (0 = the epoch
 * steward's slot, 1 = the next …). `Infinity` when there is no list, the
 * list does not serve `epoch`, or the committer is not on it (recovery
 * commits). Every member holding the same list computes the same rank, and
 * a committer cannot change its own.
 *
 * @example
 * ```ts
 * import { committerRank } from '@demls/session/rules'
 * const a = new Uint8Array(20).fill(1)
 * const b = new Uint8Array(20).fill(2)
 * const c = new Uint8Array(20).fill(3)
 * committerRank({ members: [a, b, c], electionEpoch: 10n }, 11n, b) // 0: b serves epoch 11
 * committerRank({ members: [a, b, c], electionEpoch: 10n }, 11n, a) // 2
 * ```
 */
export function committerRank(list: RankList | undefined, epoch: bigint, committer: Uint8Array | undefined): number {
  if (list === undefined || committer === undefined || committer.length === 0) return Number.POSITIVE_INFINITY
  if (isListExhausted(list, epoch)) return Number.POSITIVE_INFINITY
  const len = list.members.length
  const index = list.members.findIndex((m) => toHex(m) === toHex(committer))
  if (index < 0) return Number.POSITIVE_INFINITY
  const slot = Number(epoch - list.electionEpoch) % len
  return (index - slot + len) % len
}

/**
 * The fork-choice rule (fork healing, beyond the reference; landscape
 * §2.1.4): of two commits merged from the same epoch, one that a strict
 * majority of the members signed they merged wins over one that is not
 * ({@link BranchClaim.majority}: the group has settled on it, and a late
 * commit, even the epoch steward's, must not pull the majority back);
 * otherwise the one whose committer ranks first on that epoch's steward
 * list wins ({@link committerRank}); between equal ranks (two recovery
 * commits, or one committer that signed two commits) the smaller SHA-256
 * commit hash wins. The hash alone would let a committer regenerate its
 * commit until it wins; its rank it cannot change; a majority it cannot
 * sign for. The only place the session compares two branches.
 *
 * @returns whether branch `a` beats branch `b`
 *
 * @example
 * ```ts
 * import { winsFork } from '@demls/session/rules'
 * const a = { committerRank: 0, commitHash: new Uint8Array(32).fill(9) }
 * const b = { committerRank: 1, commitHash: new Uint8Array(32).fill(1) }
 * winsFork(a, b) // true: the better-ranked committer wins whatever the hash
 * winsFork(a, b) !== winsFork(b, a) // true: every member picks the same branch
 * winsFork({ ...b, majority: true }, a) // true: the branch a majority merged wins whatever the rank
 * ```
 */
export function winsFork(a: BranchClaim, b: BranchClaim): boolean {
  if ((a.majority === true) !== (b.majority === true)) return a.majority === true
  if (a.committerRank !== b.committerRank) return a.committerRank < b.committerRank
  return compareBytes(a.commitHash, b.commitHash) < 0
}

/**
 * Where we branched: the epoch we merged from and the commit we merged.
 *
 * @example
 * ```ts
 * import { type BranchTip, prefersAttested } from '@demls/session/rules'
 * const ours: BranchTip = { epoch: 8n, committerRank: 1, commitHash: new Uint8Array(32).fill(0xaa) }
 * prefersAttested(ours, 9n, 9n, { committerRank: 0, commitHash: new Uint8Array(32).fill(0x11) }) // true: a better-ranked committer
 * ```
 */
export interface BranchTip extends BranchClaim {
  /** Epoch before our last merge. */
  epoch: bigint
}

/**
 * Whether an attested commit that reached `attestedEpoch` should replace
 * the one we merged to reach `currentEpoch`: it must leave the same epoch
 * as ours, be another commit, and win the fork choice ({@link winsFork}).
 * The attested rank is the attester's claim: it only decides whether we
 * fetch that commit; the switch itself ranks the committer MLS
 * authenticates.
 *
 * @param tip - our last merge, if we kept its branch point
 *
 * @example
 * ```ts
 * import { prefersAttested } from '@demls/session/rules'
 * declare const attestedHash: Uint8Array // from a member's signed attestation of epoch 9
 * const ours = { epoch: 8n, committerRank: 1, commitHash: new Uint8Array(32).fill(0xaa) }
 * if (prefersAttested(ours, 9n, 9n, { committerRank: 0, commitHash: attestedHash })) console.log('fetch the attested branch')
 * ```
 */
export function prefersAttested(tip: BranchTip | undefined, currentEpoch: bigint, attestedEpoch: bigint, attested: BranchClaim): boolean {
  return tip !== undefined && attestedEpoch === currentEpoch && tip.epoch + 1n === attestedEpoch && winsFork(attested, tip)
}
