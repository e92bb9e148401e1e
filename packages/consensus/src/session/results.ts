import type { Vote } from '@demls/wire'
import type { SessionState } from '../types.js'

/**
 * The input changed the session; `state`/`result` tell where it stands now.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Vote } from '@demls/wire'
 * declare const vote: Vote
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const r = bob.receiveVote('chat', vote, Date.now())
 * if (r.status === 'accepted' && r.state === 'reached') console.log('decided:', r.result)
 * ```
 */
export interface AcceptedResult {
  /** Discriminant. */
  status: 'accepted'
  /** Session state after the input. */
  state: SessionState
  /** The decided value when `state === 'reached'`. */
  result?: boolean
}

/**
 * The very same proposal or vote was already accepted: nothing changed.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * bob.receiveProposal('chat', proposal, Date.now())
 * bob.receiveProposal('chat', proposal, Date.now()).status // 'duplicate': a gossip echo, ignored
 * ```
 */
export interface DuplicateResult {
  /** Discriminant. */
  status: 'duplicate'
}

/**
 * The session is already resolved (or was, and has been evicted): nothing changed, nothing re-emitted.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Vote } from '@demls/wire'
 * declare const vote: Vote
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * if (bob.receiveVote('chat', vote, Date.now()).status === 'late') console.log('already decided; ignored')
 * ```
 */
export interface LateResult {
  /** Discriminant. */
  status: 'late'
}

/**
 * The owner already voted differently on this proposal (first vote wins);
 * the new vote is valid and signed, so `existing` and the new vote together
 * are evidence of equivocation. Nothing changed.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Vote } from '@demls/wire'
 * declare const vote: Vote
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const r = bob.receiveVote('chat', vote, Date.now())
 * if (r.status === 'conflicting') console.log('equivocation; first vote was', r.existing.vote)
 * ```
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
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Vote } from '@demls/wire'
 * declare const voteBeforeProposal: Vote
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const r = bob.receiveVote('chat', voteBeforeProposal, Date.now())
 * if (r.status === 'buffered') console.log('kept until its proposal arrives')
 * ```
 */
export interface BufferedResult {
  /** Discriminant. */
  status: 'buffered'
}

/**
 * Result of {@link ConsensusService.receiveVote}.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, type ReceiveVoteResult, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Vote } from '@demls/wire'
 * declare const vote: Vote
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const r: ReceiveVoteResult = bob.receiveVote('chat', vote, Date.now())
 * console.log(r.status) // 'accepted' | 'duplicate' | 'conflicting' | 'late' | 'buffered'
 * ```
 */
export type ReceiveVoteResult = AcceptedResult | DuplicateResult | ConflictingResult | LateResult | BufferedResult

/**
 * Result of {@link ConsensusService.receiveProposal}.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, type ReceiveProposalResult, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const r: ReceiveProposalResult = bob.receiveProposal('chat', proposal, Date.now())
 * if (r.status === 'accepted' && r.state === 'active') bob.castVote('chat', proposal.proposalId, true, Date.now())
 * ```
 */
export type ReceiveProposalResult = AcceptedResult | DuplicateResult | LateResult

/**
 * Result of {@link ConsensusService.handleTimeout}.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, type TimeoutResult, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const t0 = Date.now()
 * const { proposalId } = alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 3, vote: true }, t0)
 * const r: TimeoutResult = alice.handleTimeout('chat', proposalId, t0 + 600_000)
 * console.log(r.status === 'reached' ? `decided ${r.result}` : 'failed')
 * ```
 */
export type TimeoutResult = { status: 'reached'; result: boolean } | { status: 'failed' }

/**
 * Hardening checks a receiver may ask for (all off by default, which is the
 * crate's behaviour). See ARCHITECTURE §5.4 / protocol-spec §1.6.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, type ReceiveOptions, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * declare const members: Uint8Array[]
 * const options: ReceiveOptions = { members, expectedMemberCount: members.length, clockSkew: { futureSeconds: 30, pastSeconds: 600 } }
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * bob.receiveProposal('chat', proposal, Date.now(), options)
 * ```
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

/**
 * Class of a proposal for the session quotas: `priority` may use the reserved sessions.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, type ProposalPriority, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const priority: ProposalPriority = 'priority' // emergency proposals use the reserved sessions
 * alice.createProposal('chat', { payload: new Uint8Array([9]), expectedVotersCount: 4, priority }, Date.now())
 * ```
 */
export type ProposalPriority = 'normal' | 'priority'

/**
 * How far a received proposal's timestamp may be from local time, in whole seconds.
 *
 * @example
 * ```ts
 * import { type ClockSkewTolerance, checkProposalClock, nowSeconds } from '@demls/consensus'
 * const tolerance: ClockSkewTolerance = { futureSeconds: 30, pastSeconds: 900 }
 * const now = nowSeconds(Date.now())
 * checkProposalClock(1, now - 60n, now, tolerance) // undefined: within tolerance
 * ```
 */
export interface ClockSkewTolerance {
  /** At most this many seconds ahead of local time. */
  futureSeconds: number
  /** At most this many seconds behind local time. */
  pastSeconds: number
}
