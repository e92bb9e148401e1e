import type { Vote } from '@demls/wire'
import type { SessionState } from '../types.js'

/** The input changed the session; `state`/`result` tell where it stands now. */
export interface AcceptedResult {
  /** Discriminant. */
  status: 'accepted'
  /** Session state after the input. */
  state: SessionState
  /** The decided value when `state === 'reached'`. */
  result?: boolean
}

/** The very same proposal or vote was already accepted: nothing changed. */
export interface DuplicateResult {
  /** Discriminant. */
  status: 'duplicate'
}

/** The session is already resolved (or was, and has been evicted): nothing changed, nothing re-emitted. */
export interface LateResult {
  /** Discriminant. */
  status: 'late'
}

/**
 * The owner already voted differently on this proposal (first vote wins);
 * the new vote is valid and signed, so `existing` and the new vote together
 * are evidence of equivocation. Nothing changed.
 */
export interface ConflictingResult {
  /** Discriminant. */
  status: 'conflicting'
  /** The vote kept (the first one accepted). */
  existing: Vote
}

/**
 * The vote's proposal is not known yet (gossip reordering): the vote's hash
 * and signature were verified and it is held until the proposal arrives.
 */
export interface BufferedResult {
  /** Discriminant. */
  status: 'buffered'
}

/** Result of {@link ConsensusService.receiveVote}. */
export type ReceiveVoteResult = AcceptedResult | DuplicateResult | ConflictingResult | LateResult | BufferedResult

/** Result of {@link ConsensusService.receiveProposal}. */
export type ReceiveProposalResult = AcceptedResult | DuplicateResult | LateResult

/** Result of {@link ConsensusService.handleTimeout}. */
export type TimeoutResult = { status: 'reached'; result: boolean } | { status: 'failed' }

/**
 * Hardening checks a receiver may ask for (all off by default, which is the
 * crate's behaviour). See ARCHITECTURE §5.4 / protocol-spec §1.6.
 */
export interface ReceiveOptions {
  /**
   * Require the proposal's `expectedVotersCount` to equal this member count.
   * @default undefined (no check)
   */
  expectedMemberCount?: number
  /**
   * Require every vote owner to be a current member: a list of member ids or
   * a predicate.
   * @default undefined (no check)
   */
  members?: readonly Uint8Array[] | ((owner: Uint8Array) => boolean)
  /**
   * The authenticated sender of the message carrying the input (e.g. the MLS
   * sender). A single vote's owner must equal it; for a proposal, the
   * proposal owner and the owner of every embedded vote must equal it.
   * @default undefined (no check)
   */
  sender?: Uint8Array
  /**
   * Beyond the crate: refuse a proposal whose `timestamp` is more than
   * `futureSeconds` ahead of local time or more than `pastSeconds` behind
   * it (`ClockSkewError`). See `checkProposalClock`.
   * @default undefined (no check)
   */
  clockSkew?: ClockSkewTolerance
  /**
   * Beyond the crate: the class of the proposal, for the per-owner quotas
   * and the priority reserve of `ConsensusServiceInit`. Priority
   * proposals (steward elections, emergencies) may use the reserved
   * sessions. Ignored by `receiveVote`.
   * @default 'normal'
   */
  priority?: ProposalPriority
}

/** Class of a proposal for the session quotas: `priority` may use the reserved sessions. */
export type ProposalPriority = 'normal' | 'priority'

/** How far a received proposal's timestamp may be from local time, in whole seconds. */
export interface ClockSkewTolerance {
  /** At most this many seconds ahead of local time. */
  futureSeconds: number
  /** At most this many seconds behind local time. */
  pastSeconds: number
}
