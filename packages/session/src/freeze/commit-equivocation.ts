import type { MlsService } from '@demls/mls'
import { ScoreEvent } from '@demls/scoring'
import { type CommitCandidate, bytesEqual, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { commitHashOf } from '../rules/candidate-check.js'
import { actionSetKey } from '../rules/selection-order.js'
import { evictOldest } from '../state/bounded.js'
import {
  COMMIT_EQUIVOCATIONS_KEPT,
  type CommitEquivocation,
  SEEN_COMMITS_PER_COMMITTER,
  SEEN_COMMITTERS,
  type SeenCommit,
} from '../state/commit-evidence.js'
import { openState } from '../sync/own-candidates.js'

/**
 * The MLS calls that check a commit: a group at the epoch the commits
 * leave (an `MlsService` of `@demls/mls`).
 *
 * @example
 * ```ts
 * import type { MlsService } from '@demls/mls'
 * import type { CommitChecker } from '@demls/session'
 * declare const group: MlsService
 * const checker: CommitChecker = group
 * ```
 */
export type CommitChecker = Pick<MlsService, 'epoch' | 'stageRemoteCommit' | 'discardStagedCommit' | 'hasStagedCommit'>

/**
 * What the commit-equivocation flow needs: the evidence it keeps, an MLS
 * group at our epoch, scores and events.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { CommitEquivocationComponents } from '../freeze/commit-equivocation.js'
 * declare const core: ConversationCore
 * const slices: CommitEquivocationComponents = core // or just these four members, in a test
 * ```
 */
export interface CommitEquivocationComponents {
  readonly commitEvidence: ConversationCore['commitEvidence']
  readonly mls: CommitChecker
  applyScores: ConversationCore['applyScores']
  emit: ConversationCore['emit']
}

/** Key of a commit's changes under `mls` (the group at its epoch), or undefined when it does not stage as `committer`'s (staging authenticates the committer). */
async function changesOf(mls: CommitChecker, c: CommitCandidate, committer: Uint8Array): Promise<string | undefined> {
  if (mls.hasStagedCommit()) return undefined
  const staged = await mls.stageRemoteCommit({ proposals: c.mlsProposals, commit: c.commitMessage })
  if (staged.status === 'aborted') return undefined
  await mls.discardStagedCommit()
  return bytesEqual(staged.committer, committer) ? actionSetKey(staged.changes) : undefined
}

/**
 * Check a proof of commit equivocation ({@link CommitEquivocation}) with
 * an MLS group at the epoch the two commits leave (a member of that
 * epoch; the group is left as it was): both commits are different, MLS
 * authenticates `committer` as the signer of each, and staging each gives
 * the same changes. Nobody but the committer can sign either, so a proof
 * that verifies cannot frame an honest member.
 *
 * @example
 * ```ts
 * import type { MlsService } from '@demls/mls'
 * import { type Conversation, verifyCommitEquivocation } from '@demls/session'
 * declare const conv: Conversation
 * declare const group: MlsService // our group, still at the proof's epoch
 * for (const proof of conv.commitEquivocations()) {
 *   if (await verifyCommitEquivocation(group, proof)) console.log('proven: two commits for one epoch')
 * }
 * ```
 */
export async function verifyCommitEquivocation(mls: CommitChecker, proof: CommitEquivocation): Promise<boolean> {
  if (mls.epoch() !== proof.epoch) return false
  const [a, b] = proof.commits
  if (bytesEqual(commitHashOf(a.commitMessage), commitHashOf(b.commitMessage))) return false
  const ka = await changesOf(mls, a, proof.committer)
  if (ka === undefined) return false
  return (await changesOf(mls, b, proof.committer)) === ka
}

/** The key of the proofs table: one proof per committer and epoch. */
function provenKey(epoch: bigint, committer: Uint8Array): string {
  return `${epoch}:${toHex(committer)}`
}

/**
 * The first time we hold a proof against its committer at its epoch: keep
 * it (`Conversation.commitEquivocations()`), penalise the committer
 * (`ScoreEvent.EquivocatingCommit`, by default to the score floor, below
 * any removal threshold, so the stewards file its score removal and the members whose
 * own scores agree remove it) and report a `commit-equivocation` event.
 * The caller has verified it. Returns whether it was new.
 */
export function noteCommitEquivocation(core: Omit<CommitEquivocationComponents, 'mls'>, proof: CommitEquivocation): boolean {
  const key = provenKey(proof.epoch, proof.committer)
  const proven = core.commitEvidence.proven
  if (proven.has(key)) return false
  proven.set(key, proof)
  evictOldest(proven, COMMIT_EQUIVOCATIONS_KEPT)
  core.applyScores([{ memberId: proof.committer, event: ScoreEvent.EquivocatingCommit }])
  core.emit({ type: 'commit-equivocation', epoch: proof.epoch, committer: proof.committer, commits: proof.commits })
  return true
}

/**
 * A candidate MLS attributed to `committer` arrived at our epoch: remember
 * it, and when the same committer already sent a different commit here,
 * compare their changes (staging both, only then). Two with the same
 * changes are a proof ({@link noteCommitEquivocation}); different changes
 * are what an honest steward signs when approved work grew between two
 * rounds of one epoch. Returns the proof found, if any.
 */
export async function checkCommitEquivocation(
  core: CommitEquivocationComponents,
  c: CommitCandidate,
  hashHex: string,
  committer: Uint8Array,
): Promise<CommitEquivocation | undefined> {
  const epoch = core.mls.epoch()
  const ev = core.commitEvidence
  if (ev.seen?.epoch !== epoch) ev.seen = { epoch, byCommitter: new Map() }
  const who = toHex(committer)
  const earlier = ev.seen.byCommitter.get(who) ?? []
  if (earlier.some((s) => s.hashHex === hashHex)) return undefined
  const mine: SeenCommit = { hashHex, candidate: c }
  if (earlier.length < SEEN_COMMITS_PER_COMMITTER) {
    ev.seen.byCommitter.set(who, [...earlier, mine])
    evictOldest(ev.seen.byCommitter, SEEN_COMMITTERS)
  }
  if (earlier.length === 0 || ev.proven.has(provenKey(epoch, committer))) return undefined
  mine.changesKey = await changesOf(core.mls, c, committer)
  if (mine.changesKey === undefined) return undefined
  for (const s of earlier) {
    s.changesKey ??= await changesOf(core.mls, s.candidate, committer)
    if (s.changesKey !== mine.changesKey) continue
    const proof: CommitEquivocation = { epoch, committer, commits: [s.candidate, c] }
    noteCommitEquivocation(core, proof)
    return proof
  }
  return undefined
}

/** Stale candidates checked against our branch point per epoch (each check restores the MLS state of the epoch we left). */
export const BRANCH_CHECKS_PER_EPOCH = 2

/**
 * A candidate framed in the epoch we just left arrived: when it claims the
 * committer of the commit we merged from there and is another commit,
 * check the two on the state of our branch point (the second commit of an
 * equivocating steward typically arrives once its first has closed the
 * round). At most {@link BRANCH_CHECKS_PER_EPOCH} such checks per epoch,
 * since each restores a state. Returns whether it proved an equivocation.
 */
export async function checkAgainstBranch(
  core: Omit<CommitEquivocationComponents, 'mls'> & Pick<ConversationCore, 'branch' | 'catchUp' | 'plugins'>,
  c: CommitCandidate,
  hashHex: string,
): Promise<boolean> {
  const bp = core.branch
  if (bp === undefined || bp.hashHex === hashHex || !bytesEqual(c.stewardMemberId, bp.committer)) return false
  const merged = core.catchUp.log.get(bp.epoch.toString())
  if (merged === undefined || core.commitEvidence.proven.has(provenKey(bp.epoch, bp.committer))) return false
  const budget = core.commitEvidence.branchChecks
  if (budget?.epoch !== bp.epoch) core.commitEvidence.branchChecks = { epoch: bp.epoch, used: 0 }
  const checks = core.commitEvidence.branchChecks!
  if (checks.used >= BRANCH_CHECKS_PER_EPOCH) return false
  checks.used++
  return checkSwitchedCommits(core, await openState(core.plugins.mls, bp.mlsState), bp.epoch, bp.committer, merged, c)
}

/**
 * After a fork switch from the commit `abandoned` to `adopted`, both
 * leaving `epoch` and MLS-authenticated to the same committer: check the
 * pair on `mls` (a group restored at `epoch`) and note it when it proves an
 * equivocation.
 */
export async function checkSwitchedCommits(
  core: Omit<CommitEquivocationComponents, 'mls'>,
  mls: CommitChecker,
  epoch: bigint,
  committer: Uint8Array,
  abandoned: CommitCandidate,
  adopted: CommitCandidate,
): Promise<boolean> {
  if (core.commitEvidence.proven.has(provenKey(epoch, committer))) return false
  const proof: CommitEquivocation = { epoch, committer, commits: [abandoned, adopted] }
  return (await verifyCommitEquivocation(mls, proof)) && noteCommitEquivocation(core, proof)
}
