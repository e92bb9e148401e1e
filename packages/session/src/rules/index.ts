/**
 * `@demls/session/rules`: the pure decisions of a de-MLS conversation, for
 * tools, simulators and tests. Every function here is deterministic and
 * does no I/O: it reads the inputs it is given (no clock, no network, no
 * MLS group) and returns a decision; only {@link applyConsensusResult}
 * changes its argument (the queues it is given).
 *
 * - Candidate checks and selection: {@link precheckCandidate}, who echoes
 *   a candidate ({@link isCandidateEchoer}; the few members picked for a
 *   target, {@link isAmongClosest}),
 *   {@link commitPrefix}, {@link orderCandidates}, {@link coversPrefix},
 *   {@link judgeStaged} and the score deltas of a selection
 *   ({@link appliedScores}, {@link noCandidateScores}, {@link censorshipSuspect}).
 * - Fork choice: {@link winsFork}, {@link committerRank},
 *   {@link prefersAttested}; replayed commits: {@link checkReplay};
 *   approval certificates: {@link verifyCertificate}, {@link verifyVoteBinding},
 *   those an aggregate proof makes ({@link verifyAggregateCertificate},
 *   {@link verifyAggregateApproval} for any request; what
 *   signed votes settle: {@link settledBySignedVotes}; what a vote and its
 *   proof sign: {@link aggregateProofContext}),
 *   the tally of their votes ({@link tallyVotes}),
 *   the proof of an outcome that overrides a member's own view ({@link verifyGroupOutcome});
 *   votes cast both ways: {@link equivocationOf}, {@link verifyEquivocation};
 *   a joiner's branch: {@link judgeJoinedBranch}, {@link authenticatorHash};
 *   who attests a merged commit at once: {@link attestsMergeAtOnce}.
 * - Timing: {@link freezeEntryWindowFor}, {@link probeAnswerDelay}; whether
 *   the group merged past our epoch: {@link groupAhead}; votes:
 *   {@link isVotePivotal}, {@link applyConsensusResult}; who votes at once
 *   and who waits in reserve: {@link isReserveVoter}, {@link primaryVoterCount}.
 * - Membership targets: {@link targetOf}, {@link targetSatisfied}, {@link decodeRequest}, {@link isSelfLeave}.
 * - Received state: {@link validateSync}, {@link stewardListRefusal}.
 *
 * @packageDocumentation
 */
export {
  type AggregateCertificateContext,
  type AggregateCertificateRefusal,
  aggregateProofContext,
  settledBySignedVotes,
  verifyAggregateApproval,
  verifyAggregateCertificate,
} from './aggregate-certificate.js'
export { MEMBER_ANSWER_SPREAD, type AnswerDelayInput, probeAnswerDelay } from './answer-delay.js'
export { type ConsensusApplyResult, applyConsensusResult } from './apply-result.js'
export { type CandidateDropReason, type MlsMessageKind, commitHashOf, precheckCandidate } from './candidate-check.js'
export { isCandidateEchoer } from './candidate-echo.js'
export { type MemberIds, isAmongClosest } from './closest-members.js'
export {
  type CertificateContext,
  type CertificateRefusal,
  MAX_CERTIFICATE_VOTES,
  certificateVoteLimit,
  VOTE_BINDING_DOMAIN,
  proposalDigest,
  verifyApproval,
  verifyCertificate,
  verifyGroupOutcome,
  tallyVotes,
  verifyVoteBinding,
  voteBindingPayload,
} from './certificate.js'
export { type EquivocationEvidence, equivocationOf, equivocationsIn, verifyEquivocation } from './equivocation.js'
export { type BranchClaim, type BranchTip, type RankList, committerRank, prefersAttested, winsFork } from './fork-choice.js'
export { type FreezeRole, freezeEntryWindowFor, selectionAwaitsOpenWork } from './freeze-window.js'
export { type AheadClaim, honestQuorum, groupAhead } from './group-ahead.js'
export {
  AUTHENTICATOR_HASH_DOMAIN,
  type AttestedState,
  type JoinedBranchVerdict,
  authenticatorHash,
  judgeJoinedBranch,
} from './joined-branch.js'
export { MERGE_ATTEST_MARGIN, attestsMergeAtOnce, mergeAttesterCount } from './merge-attesters.js'
export { type ElectableList, checkReplay } from './replay-check.js'
export {
  type CommitAction,
  type CommitPrefixInit,
  KEY_PACKAGE_EXPIRY_TOLERANCE_MS,
  type PrefixEntry,
  type RankedCandidate,
  actionSetKey,
  commitPrefix,
  coversPrefix,
  deferredAdds,
  expiredAdds,
  lagsRecentApprovals,
  orderCandidates,
} from './selection-order.js'
export {
  type AppliedSelection,
  type RankedSteward,
  type StagedJudgement,
  type WorkEvidence,
  appliedScores,
  censorshipSuspect,
  heldWork,
  judgeStaged,
  noCandidateScores,
} from './selection-scores.js'
export { type StewardListContext, electionRegenerates, listNewer, sameMembers, stewardListRefusal } from './steward-list.js'
export { type Target, type TargetAction, decodeRequest, isSelfLeave, keyOfTarget, targetKey, targetMemberId, targetOf, targetSatisfied } from './targets.js'
export { type SyncRejectReason, type SyncValidationContext, validateSync } from './validate-sync.js'
export { type PivotalityInput, isVotePivotal } from './vote-pivotality.js'
export {
  type ReserveVoterInput,
  isReserveVoter,
  primaryVoterCount,
  primaryVoterMargin,
  primaryVoterTarget,
} from './primary-voters.js'
export { type ProposalKind, isLowerPriority, proposalKindOf } from '../core/proposal-kind.js'
// State types the rules above read.
export { ConversationQueues, type PendingUpdate, type ProposalId, type QueueWork, QUEUE_FIELDS_KEPT_ACROSS_FORKS } from '../core/queues.js'
export { BoundedSet } from '../state/bounded.js'
export type { EpochMembership } from '../state/epoch-history.js'
