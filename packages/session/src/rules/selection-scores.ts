import { type ScoreOp, ScoreEvent } from '@demls/scoring'
import type { StagedCommit } from '@demls/mls'
import { bytesEqual } from '@demls/wire'

/**
 * What a staged remote candidate is judged against (besides the staged commit itself).
 *
 * @example
 * ```ts
 * import { type StagedJudgement, judgeStaged } from '@demls/session/rules'
 * import type { StagedCommit } from '@demls/mls'
 * declare const staged: StagedCommit
 * const j: StagedJudgement = { claimed: staged.committer, recovery: false, listKnown: true, isSteward: () => true, coversPrefix: () => true, lateView: () => false }
 * const verdict = judgeStaged(staged, j) // 'ok' or the ScoreOp that penalises the committer
 * ```
 */
export interface StagedJudgement {
  /** The steward the candidate claims as its committer. */
  claimed: Uint8Array
  /** Recovery mode: anyone may commit. */
  recovery: boolean
  /** Whether we hold a steward list (without one, anyone may commit). */
  listKnown: boolean
  /** Whether a member is on our steward list. */
  isSteward: (memberId: Uint8Array) => boolean
  /** Whether the staged changes cover the commit prefix (called last, only when needed). */
  coversPrefix: () => boolean
  /**
   * Whether every change the candidate carries beyond our prefix targets a
   * proposal still open in our view: we may only lack its result (called
   * only when the prefix is not covered).
   */
  lateView: () => boolean
}

/**
 * A staged remote candidate's verdict during selection: `'ok'`, or the
 * penalty its committer earns (reference §9.4): a broken bundle or a
 * committer other than the claimed steward is a broken commit; a committer
 * off our list (outside recovery) a misbehaving commit; non add/remove
 * proposals or changes that do not cover the prefix a broken MLS proposal.
 * Beyond the reference, changes that do not cover the prefix because the
 * candidate carries work whose proposal is still open in our view are
 * `'late'`: not merged, and no penalty, since the committer may simply have
 * seen that proposal's result before us (approvals reach members at
 * different times while many joins run at once).
 *
 * @example
 * ```ts
 * import { judgeStaged } from '@demls/session/rules'
 * import type { StagedCommit } from '@demls/mls'
 * declare const staged: StagedCommit
 * const verdict = judgeStaged(staged, { claimed: staged.committer, recovery: false, listKnown: true, isSteward: () => false, coversPrefix: () => true, lateView: () => false })
 * if (verdict !== 'ok' && verdict !== 'late') console.log(`penalise: ${verdict.event}`)
 * ```
 */
export function judgeStaged(staged: StagedCommit, j: StagedJudgement): ScoreOp | 'ok' | 'late' {
  if (staged.bundleSenderMismatch) return { memberId: staged.committer, event: ScoreEvent.BrokenCommit }
  if (!bytesEqual(staged.committer, j.claimed)) return { memberId: staged.committer, event: ScoreEvent.BrokenCommit }
  if (!j.recovery && j.listKnown && !j.isSteward(staged.committer)) {
    return { memberId: staged.committer, event: ScoreEvent.MisbehavingCommit }
  }
  if (staged.otherProposals > 0) return { memberId: staged.committer, event: ScoreEvent.BrokenMlsProposal }
  if (!j.coversPrefix()) return j.lateView() ? 'late' : { memberId: staged.committer, event: ScoreEvent.BrokenMlsProposal }
  return 'ok'
}

/**
 * The epoch steward to penalise for censorship, if any: it did its job when
 * it sent a candidate (even one our view of the approvals filtered out),
 * unless that candidate earned a penalty in this selection. Beyond the
 * reference, one that sent no candidate is not penalised when nothing
 * shows that it held the work (`workHeld` false: see {@link heldWork}; the
 * caller also counts a steward we have not heard from lately as holding
 * it, so a silent one is penalised as in the reference): our own timer is
 * no evidence that a live steward which never saw the proposal withheld it.
 *
 * @param sentCandidate - whether the epoch steward sent a candidate this round
 * @param penalties - the penalties of this selection so far
 * @param workHeld - whether it provably held some of the work due ({@link heldWork})
 *
 * @example
 * ```ts
 * import { censorshipSuspect } from '@demls/session/rules'
 * const epochSteward = new Uint8Array(20).fill(2)
 * censorshipSuspect(epochSteward, false, []) // the epoch steward: it sent no candidate
 * censorshipSuspect(epochSteward, false, [], false) // undefined: a live steward, nothing shows it held the work
 * ```
 */
export function censorshipSuspect(
  epochSteward: Uint8Array | undefined,
  sentCandidate: boolean,
  penalties: readonly ScoreOp[],
  workHeld = true,
): Uint8Array | undefined {
  if (epochSteward === undefined || (!sentCandidate && !workHeld)) return undefined
  const submitted = sentCandidate && !penalties.some((p) => bytesEqual(p.memberId, epochSteward))
  return submitted ? undefined : epochSteward
}

/**
 * What one approved change due in a commit shows about who held it.
 *
 * @example
 * ```ts
 * import { type WorkEvidence, heldWork } from '@demls/session/rules'
 * const [alice, bob] = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const work: WorkEvidence[] = [{ owner: alice!, voters: [alice!] }]
 * heldWork(bob!, work) // false: bob neither proposed it nor signed a vote on it
 * ```
 */
export interface WorkEvidence {
  /** The proposal's owner. */
  owner: Uint8Array
  /** The members whose signed votes on it we hold. */
  voters: readonly Uint8Array[]
  /** Decided by an aggregate proof, whose signers are not listed: every member counts as having held it. */
  byProof?: boolean
}

/**
 * Whether `member` provably held some of the work due: it owns one of the
 * proposals, or we hold its signed vote on one (or one was decided by an
 * aggregate proof). A steward that missed every proposal and vote under
 * loss did not censor it, and a censorship penalty for each change it
 * missed, as the reference gives, lets the group vote an honest member out
 * (its score falls below the threshold in every member's view alike).
 *
 * @example
 * ```ts
 * import { heldWork } from '@demls/session/rules'
 * const [alice, bob] = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * heldWork(bob!, [{ owner: alice!, voters: [alice!, bob!] }]) // true: bob voted on it
 * ```
 */
export function heldWork(member: Uint8Array, work: readonly WorkEvidence[]): boolean {
  return work.some((w) => w.byProof === true || bytesEqual(w.owner, member) || w.voters.some((v) => bytesEqual(v, member)))
}

/**
 * A candidate of the selection order, as the score rules see it.
 *
 * @example
 * ```ts
 * import { type RankedSteward, appliedScores } from '@demls/session/rules'
 * const [me, s1, s2] = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const after: RankedSteward[] = [{ stewardMemberId: s2!, isLocal: false }] // ranked below the applied one
 * const ops = appliedScores({ penalties: [], suspect: undefined, committer: s1!, self: me!, after, isSteward: () => true })
 * ```
 */
export interface RankedSteward {
  stewardMemberId: Uint8Array
  /** Our own candidate (never scored). */
  isLocal: boolean
}

/**
 * What {@link appliedScores} needs to know about a selection that merged a candidate.
 *
 * @example
 * ```ts
 * import { type AppliedSelection, appliedScores } from '@demls/session/rules'
 * const [me, steward] = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const s: AppliedSelection = { penalties: [], suspect: undefined, committer: steward!, self: me!, after: [], isSteward: () => true }
 * const ops = appliedScores(s) // e.g. SuccessfulCommit for the committer
 * ```
 */
export interface AppliedSelection {
  /** Penalties of the candidates judged before the winner. */
  penalties: readonly ScoreOp[]
  /** The epoch steward to penalise for censorship ({@link censorshipSuspect}). */
  suspect: Uint8Array | undefined
  /** The committer of the merged candidate. */
  committer: Uint8Array
  /** Our member id. */
  self: Uint8Array
  /** Candidates ranked after the winner (never staged). */
  after: readonly RankedSteward[]
  /** Whether a member is on our steward list. */
  isSteward: (memberId: Uint8Array) => boolean
}

/**
 * The score deltas of a selection that merged a candidate (reference §9.4;
 * the committer's `SuccessfulCommit` is applied with the merge): the
 * penalties, censorship for an epoch steward that neither committed nor
 * sent a candidate (never ourselves), and for every remote candidate ranked
 * after the winner an honest attempt (a steward) or a misbehaving commit.
 *
 * @example
 * ```ts
 * import { appliedScores } from '@demls/session/rules'
 * import { PeerScoringService } from '@demls/scoring'
 * const [me, steward] = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const scoring = new PeerScoringService()
 * scoring.applyOps(appliedScores({ penalties: [], suspect: undefined, committer: steward!, self: me!, after: [], isSteward: () => true }))
 * ```
 */
export function appliedScores(s: AppliedSelection): ScoreOp[] {
  const ops: ScoreOp[] = [...s.penalties]
  if (s.suspect !== undefined && !bytesEqual(s.suspect, s.committer) && !bytesEqual(s.suspect, s.self)) {
    ops.push({ memberId: s.suspect, event: ScoreEvent.CensorshipInactivity })
  }
  for (const c of s.after) {
    if (c.isLocal) continue
    ops.push({ memberId: c.stewardMemberId, event: s.isSteward(c.stewardMemberId) ? ScoreEvent.HonestCommitAttempt : ScoreEvent.MisbehavingCommit })
  }
  return ops
}

/**
 * The censorship penalty of a selection that merged nothing although
 * approved work was due (Layer 2): the suspect epoch steward's, unless it
 * is ourselves. Empty when there was no work.
 *
 * @example
 * ```ts
 * import { noCandidateScores } from '@demls/session/rules'
 * const me = new Uint8Array(20).fill(1)
 * const ops = noCandidateScores(true, new Uint8Array(20).fill(2), me) // work was due, nobody committed
 * ```
 */
export function noCandidateScores(hadWork: boolean, suspect: Uint8Array | undefined, self: Uint8Array): ScoreOp[] {
  if (!hadWork || suspect === undefined || bytesEqual(suspect, self)) return []
  return [{ memberId: suspect, event: ScoreEvent.CensorshipInactivity }]
}
