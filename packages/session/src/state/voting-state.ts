import type { StewardElectionProposal, Vote, ViolationEvidence } from '@demls/wire'
import type { ProposalId } from '../core/queues.js'
import type { ConversationUpdateRequest } from '@demls/wire'
import type { EquivocationEvidence } from '../rules/equivocation.js'
import { evictOldest } from './bounded.js'
import { DeadlineTable } from './deadlines.js'

/** How many of our own signed votes {@link VotingState.ownVotes} keeps. */
export const OWN_VOTES_KEPT = 64
/** Equivocation evidence kept (two votes of at most a few hundred bytes each). */
export const EQUIVOCATIONS_KEPT = 64
/** Voided proposals whose late signed votes {@link VotingState.lateVotes} keeps (at most one vote per member each). */
export const LATE_VOTES_KEPT = 32

/**
 * A scheduled auto-vote (its time is its entry's deadline in
 * {@link VotingState.autoVotes}).
 *
 * @internal
 */
export interface AutoVote {
  choice: boolean
  /** A removal for inactivity of this member: the choice is judged when the vote fires. */
  judgeInactive?: Uint8Array
  /** A score-removal emergency against this member: judged from our own scores when the vote fires. */
  judgeScore?: Uint8Array
  /** A join of this member under invite admission: judged from the vouches we hold when the vote fires. */
  judgeAdmission?: Uint8Array
  /** Another emergency: judged from our own observation of its evidence when the vote fires (`judgeEvidence`). */
  judgeEvidence?: ViolationEvidence
  /** Another member's plain removal of this member in a closed group: judged from our own observation when the vote fires. */
  judgeRemoval?: Uint8Array
  /** A steward election: YES only if it is the election we would propose ourselves (`judgeElection`). */
  judgeElection?: StewardElectionProposal
  /** We waited in reserve (`reserveVoters`): `choice` is the one judged then, sent now if the proposal is still open. */
  reserveWaited?: true
}

/**
 * The voting slice: what the session keeps about open proposals and votes
 * beside the consensus service (`voting/`). Proposals and votes are not
 * per branch, so a fork switch keeps all of it; only our own signed votes
 * are saved (the rest is rebuilt from the saved open proposals).
 *
 * @example
 * ```ts
 * import { VotingState } from '../state/voting-state.js'
 * const voting = new VotingState()
 * voting.timeouts.set(7, Date.now() + 30_000) // proposal 7 times out in 30 s
 * ```
 *
 * @internal
 */
export class VotingState {
  /** Due auto-votes by proposal id. */
  readonly autoVotes = new DeadlineTable<ProposalId, AutoVote>()
  /** Our votes to send once more if still needed at their deadline (see `castVote`). */
  readonly voteEchoes = new DeadlineTable<ProposalId, Vote>()
  /**
   * The votes we signed, by proposal (the last {@link OWN_VOTES_KEPT}): saved
   * with the state, so that after a restart we send the same vote again
   * instead of casting another one (`persist/`).
   */
  readonly ownVotes = new Map<ProposalId, Vote>()
  /** Consensus timeouts of every open proposal (ours and peers'). */
  readonly timeouts = new DeadlineTable<ProposalId>()
  /** Decoded requests of the proposals we know that have not resolved yet, by id. */
  readonly requests = new Map<ProposalId, ConversationUpdateRequest | undefined>()
  /**
   * Members we saw vote both ways on a proposal, with the two signed votes
   * (`voting/equivocation.ts`), by `voter hex:proposal id`; the newest
   * {@link EQUIVOCATIONS_KEPT}.
   */
  readonly equivocations = new Map<string, EquivocationEvidence>()
  /**
   * Proposals an epoch change voided here (`voting/crossed-proposals.ts`),
   * the newest few hundred: we answer no `ProposalRequest` for them.
   */
  readonly voided = new Set<ProposalId>()
  /**
   * Open adds and removals a commit crossed (opened at an epoch we have
   * left), the newest few hundred: signed votes may still decide them,
   * their timeout voids them (`voting/crossed-proposals.ts`).
   */
  readonly crossed = new Set<ProposalId>()
  /**
   * Voided work of ours left to the member (hex) that opens buffered
   * updates at once (the acting epoch steward, or the head of a due
   * election's list), which holds it buffered, by target key, until the
   * end of the wait: opened by us only if no proposal for it is open here
   * by then (`voting/crossed-proposals.ts reproposeDeferred`). Not saved:
   * after a restart every steward still holds the work buffered.
   */
  readonly deferredReproposals = new DeadlineTable<string, { voided: DeferredVoided; steward: string }>()
  /**
   * Signed votes that reached us after we voided their proposal, by
   * proposal and voter (hex), each with its binding; the newest
   * {@link LATE_VOTES_KEPT} proposals (`voting/late-approval.ts`).
   */
  readonly lateVotes = new Map<ProposalId, Map<string, { vote: Vote; binding: Uint8Array }>>()
  /**
   * Proposals approved here at their consensus timeout (silent voters
   * counted), the newest {@link LATE_VOTES_KEPT}: their late signed votes
   * are kept too, and may prove the approval at the next epoch change
   * (`voting/late-approval.ts`).
   */
  readonly timedOut = new Set<ProposalId>()
}

/**
 * Record that `proposalId` was approved at its consensus timeout
 * ({@link VotingState.timedOut}), keeping the newest few.
 *
 * @example
 * ```ts
 * import { VotingState, noteTimedOut } from '../state/voting-state.js'
 * const voting = new VotingState()
 * noteTimedOut(voting, 7)
 * ```
 *
 * @internal
 */
export function noteTimedOut(voting: VotingState, proposalId: ProposalId): void {
  voting.timedOut.add(proposalId)
  evictOldest(voting.timedOut, LATE_VOTES_KEPT)
}

/**
 * What {@link VotingState.deferredReproposals} keeps of a voided proposal
 * to open it again (`VoidedProposal` of `voting/crossed-proposals.ts`).
 *
 * @internal
 */
export interface DeferredVoided {
  readonly proposalId: ProposalId
  readonly request: ConversationUpdateRequest
  readonly name: string | undefined
  readonly livenessCriteriaYes: boolean
  readonly votedYes: boolean
}
