import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * Why a vote was rejected; stable strings, one per crate check.
 *
 * @example
 * ```ts
 * import { InvalidVoteError, type InvalidVoteReason } from '@demls/consensus'
 * const malicious: InvalidVoteReason[] = ['hash-mismatch', 'duplicate-owner', 'oversized']
 * function isHostile(err: unknown): boolean {
 *   return err instanceof InvalidVoteError && malicious.includes(err.reason)
 * }
 * ```
 */
export type InvalidVoteReason =
  | 'empty-owner'
  | 'empty-hash'
  | 'empty-signature'
  | 'hash-mismatch'
  | 'proposal-id-mismatch'
  | 'timestamp-before-proposal'
  | 'timestamp-after-expiration'
  | 'duplicate-owner'
  | 'oversized'

/**
 * A vote failed validation (empty field, wrong hash, timestamp outside the
 * proposal's `[timestamp, expiration]` window, wrong proposal id, two votes of
 * one owner inside a proposal). Code `INVALID_VOTE`.
 *
 * @example
 * ```ts
 * import { InvalidVoteError, checkVoteWindow, nowSeconds } from '@demls/consensus'
 * import type { Proposal, Vote } from '@demls/wire'
 * declare const vote: Vote
 * declare const proposal: Proposal
 * try {
 *   checkVoteWindow(vote, proposal, nowSeconds(Date.now()))
 * } catch (err) {
 *   if (err instanceof InvalidVoteError) console.log(err.reason) // e.g. 'timestamp-after-expiration'
 * }
 * ```
 */
export class InvalidVoteError extends DemlsError {
  /** Which check failed. */
  readonly reason: InvalidVoteReason

  constructor(reason: InvalidVoteReason, message?: string, options: DemlsErrorOptions = {}) {
    super(message ?? `invalid vote: ${reason}`, 'INVALID_VOTE', options)
    this.name = 'InvalidVoteError'
    this.reason = reason
  }
}

/**
 * A vote's signature is malformed or does not verify against its
 * `voteOwner`. Code `INVALID_SIGNATURE`.
 *
 * @example
 * ```ts
 * import { InvalidSignatureError, EthereumSigner, verifyVoteIntegrity } from '@demls/consensus'
 * import type { Vote } from '@demls/wire'
 * declare const vote: Vote
 * try {
 *   verifyVoteIntegrity(vote, new EthereumSigner(crypto.getRandomValues(new Uint8Array(32))))
 * } catch (err) {
 *   if (err instanceof InvalidSignatureError) console.log(err.code) // 'INVALID_SIGNATURE': forged or corrupted
 * }
 * ```
 */
export class InvalidSignatureError extends DemlsError {
  constructor(message = 'vote signature does not verify against its owner', options: DemlsErrorOptions = {}) {
    super(message, 'INVALID_SIGNATURE', options)
    this.name = 'InvalidSignatureError'
  }
}

/**
 * The votes embedded in a proposal do not form a valid chain: a non-empty
 * `receivedHash` differs from the previous vote's hash (or that vote is
 * later), or a non-empty `parentHash` does not point to an earlier vote of
 * the same owner. Code `INVALID_HASH_CHAIN`.
 *
 * @example
 * ```ts
 * import { InvalidHashChainError, validateVoteChain } from '@demls/consensus'
 * import type { Vote } from '@demls/wire'
 * declare const votes: Vote[] // a proposal's votes, as received
 * try {
 *   validateVoteChain(votes)
 * } catch (err) {
 *   if (err instanceof InvalidHashChainError) console.log(`broken ${err.link} link`) // 'received-hash' | 'parent-hash'
 * }
 * ```
 */
export class InvalidHashChainError extends DemlsError {
  /** Which link failed. */
  readonly link: 'received-hash' | 'parent-hash'

  constructor(link: 'received-hash' | 'parent-hash', message?: string) {
    super(message ?? `invalid vote chain: ${link} mismatch`, 'INVALID_HASH_CHAIN')
    this.name = 'InvalidHashChainError'
    this.link = link
  }
}

/**
 * A proposal is malformed: zero expected voters, expiration not after its
 * timestamp, or more embedded votes than expected voters. Code
 * `INVALID_PROPOSAL`.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, InvalidProposalError, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Proposal } from '@demls/wire'
 * declare const received: Proposal
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * try {
 *   bob.receiveProposal('chat', received, Date.now())
 * } catch (err) {
 *   if (err instanceof InvalidProposalError) console.log('dropped:', err.shortMessage) // 'INVALID_PROPOSAL'
 * }
 * ```
 */
export class InvalidProposalError extends DemlsError {
  constructor(message: string, options: DemlsErrorOptions = {}) {
    super(message, 'INVALID_PROPOSAL', options)
    this.name = 'InvalidProposalError'
  }
}

/**
 * The proposal has expired: `now ≥ expirationTimestamp` (Unix seconds).
 * Code `PROPOSAL_EXPIRED`.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, ProposalExpiredError, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const t0 = Date.now()
 * const { proposalId } = alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 2, expirationSeconds: 60 }, t0)
 * try {
 *   alice.castVote('chat', proposalId, true, t0 + 120_000) // two minutes later
 * } catch (err) {
 *   if (err instanceof ProposalExpiredError) console.log(err.code) // 'PROPOSAL_EXPIRED'
 * }
 * ```
 */
export class ProposalExpiredError extends DemlsError {
  /** The proposal's id. */
  readonly proposalId: number

  constructor(proposalId: number, message?: string) {
    super(message ?? `proposal ${proposalId} has expired`, 'PROPOSAL_EXPIRED')
    this.name = 'ProposalExpiredError'
    this.proposalId = proposalId
  }
}

/**
 * No session for this scope and proposal id. Code `SESSION_NOT_FOUND`.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, SessionNotFoundError, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * try {
 *   alice.castVote('chat', 12345, true, Date.now())
 * } catch (err) {
 *   if (err instanceof SessionNotFoundError) console.log(err.scope, err.proposalId) // 'chat' 12345
 * }
 * ```
 */
export class SessionNotFoundError extends DemlsError {
  /** The scope searched. */
  readonly scope: string
  /** The proposal id searched. */
  readonly proposalId: number

  constructor(scope: string, proposalId: number) {
    super(`no consensus session for proposal ${proposalId} in scope "${scope}"`, 'SESSION_NOT_FOUND')
    this.name = 'SessionNotFoundError'
    this.scope = scope
    this.proposalId = proposalId
  }
}

/**
 * A local operation needs an active session but the session is already
 * resolved (reached or failed). Code `SESSION_NOT_ACTIVE`.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, SessionNotActiveError, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const { proposalId } = alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 1, vote: true }, Date.now())
 * try {
 *   alice.castVote('chat', proposalId, true, Date.now()) // already decided by the owner's vote
 * } catch (err) {
 *   if (err instanceof SessionNotActiveError) console.log(err.code) // 'SESSION_NOT_ACTIVE'
 * }
 * ```
 */
export class SessionNotActiveError extends DemlsError {
  /** The proposal id. */
  readonly proposalId: number

  constructor(proposalId: number) {
    super(`consensus session for proposal ${proposalId} is no longer active`, 'SESSION_NOT_ACTIVE')
    this.name = 'SessionNotActiveError'
    this.proposalId = proposalId
  }
}

/**
 * This member has already voted on the proposal. Code `ALREADY_VOTED`.
 *
 * @example
 * ```ts
 * import { AlreadyVotedError, ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const { proposalId } = alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 3, vote: true }, Date.now())
 * try {
 *   alice.castVote('chat', proposalId, false, Date.now()) // the owner voted when creating it
 * } catch (err) {
 *   if (err instanceof AlreadyVotedError) console.log(err.code, err.proposalId) // 'ALREADY_VOTED' …
 * }
 * ```
 */
export class AlreadyVotedError extends DemlsError {
  /** The proposal id. */
  readonly proposalId: number

  constructor(proposalId: number) {
    super(`already voted on proposal ${proposalId}`, 'ALREADY_VOTED')
    this.name = 'AlreadyVotedError'
    this.proposalId = proposalId
  }
}

/**
 * The scope already holds `maxSessionsPerScope` sessions and none of them is
 * resolved, so none can be evicted. Code `SESSION_LIMIT`.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, SessionLimitError, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))), maxSessionsPerScope: 1 })
 * alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 3 }, Date.now())
 * try {
 *   alice.createProposal('chat', { payload: new Uint8Array([2]), expectedVotersCount: 3 }, Date.now())
 * } catch (err) {
 *   if (err instanceof SessionLimitError) console.log(err.scope, err.limit) // 'chat' 1
 * }
 * ```
 */
export class SessionLimitError extends DemlsError {
  /** The scope. */
  readonly scope: string
  /** The configured cap. */
  readonly limit: number

  constructor(scope: string, limit: number) {
    super(`scope "${scope}" already has ${limit} active consensus sessions`, 'SESSION_LIMIT')
    this.name = 'SessionLimitError'
    this.scope = scope
    this.limit = limit
  }
}

/**
 * The proposal's owner already holds its share of the scope's active
 * sessions (`maxSessionsPerOwner` for normal proposals,
 * `maxPrioritySessionsPerOwner` for priority ones), or a normal proposal
 * would take one of the sessions reserved for priority proposals. Nothing
 * is evicted. Code `SESSION_QUOTA`.
 *
 * @example
 * ```ts
 * import { SessionQuotaError, checkSessionQuota, recommendedSessionQuotas } from '@demls/consensus'
 * const owner = new Uint8Array(20).fill(1)
 * const active = Array.from({ length: 9 }, () => ({ owner, priority: 'normal' as const }))
 * const err = checkSessionQuota('chat', active, owner, 'normal', 10, recommendedSessionQuotas(10))
 * if (err instanceof SessionQuotaError) console.log(err.quota, err.limit) // one owner cannot fill the scope
 * ```
 */
export class SessionQuotaError extends DemlsError {
  /** The scope. */
  readonly scope: string
  /** Which rule refused it: the owner's share, or the priority reserve. */
  readonly quota: 'owner' | 'reserve'
  /** The limit that was reached. */
  readonly limit: number

  constructor(scope: string, quota: 'owner' | 'reserve', limit: number) {
    super(
      quota === 'owner'
        ? `the proposal owner already holds ${limit} active consensus sessions in scope "${scope}"`
        : `the ${limit} remaining consensus sessions of scope "${scope}" are reserved for priority proposals`,
      'SESSION_QUOTA',
    )
    this.name = 'SessionQuotaError'
    this.scope = scope
    this.quota = quota
    this.limit = limit
  }
}

/**
 * A received proposal's `timestamp` is further from local time than the
 * receiver tolerates (see `ReceiveOptions.clockSkew`): more than
 * `futureSeconds` ahead, or more than `pastSeconds` behind. Code
 * `CLOCK_SKEW`.
 *
 * @example
 * ```ts
 * import { ClockSkewError, checkProposalClock, nowSeconds } from '@demls/consensus'
 * const now = nowSeconds(Date.now())
 * const err = checkProposalClock(42, now + 3_600n, now, { futureSeconds: 60, pastSeconds: 600 })
 * if (err instanceof ClockSkewError) console.log(err.direction, err.skewSeconds) // 'future' 3600
 * ```
 */
export class ClockSkewError extends DemlsError {
  /** The proposal's id. */
  readonly proposalId: number
  /** Whether the timestamp is ahead of local time or behind it. */
  readonly direction: 'future' | 'past'
  /** How far from local time, in whole seconds. */
  readonly skewSeconds: number

  constructor(proposalId: number, direction: 'future' | 'past', skewSeconds: number) {
    super(`proposal ${proposalId} is dated ${skewSeconds} s in the ${direction}`, 'CLOCK_SKEW')
    this.name = 'ClockSkewError'
    this.proposalId = proposalId
    this.direction = direction
    this.skewSeconds = skewSeconds
  }
}

/**
 * A hardening check requested through the receive options failed: the
 * proposal's expected voter count differs from the member count, or a vote's
 * owner is not a member or not the authenticated sender. Code
 * `UNAUTHORIZED`.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, UnauthorizedError, defaultConsensusPlugin } from '@demls/consensus'
 * import type { Proposal } from '@demls/wire'
 * declare const received: Proposal
 * declare const members: Uint8Array[]
 * const bob = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * try {
 *   bob.receiveProposal('chat', received, Date.now(), { members, expectedMemberCount: members.length })
 * } catch (err) {
 *   if (err instanceof UnauthorizedError) console.log(err.check) // e.g. 'not-a-member'
 * }
 * ```
 */
export class UnauthorizedError extends DemlsError {
  /** Which check failed. */
  readonly check: 'expected-voters' | 'not-a-member' | 'sender-mismatch'

  constructor(check: 'expected-voters' | 'not-a-member' | 'sender-mismatch', message: string) {
    super(message, 'UNAUTHORIZED')
    this.name = 'UnauthorizedError'
    this.check = check
  }
}

/**
 * An argument is outside its domain (negative count, non-integer, `now` not
 * a finite number of milliseconds). Code `CONSENSUS_INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { InvalidConsensusArgumentError, nowSeconds } from '@demls/consensus'
 * try {
 *   nowSeconds(-1)
 * } catch (err) {
 *   if (err instanceof InvalidConsensusArgumentError) console.log(err.code) // 'CONSENSUS_INVALID_ARGUMENT'
 * }
 * ```
 */
export class InvalidConsensusArgumentError extends DemlsError {
  constructor(message: string) {
    super(message, 'CONSENSUS_INVALID_ARGUMENT')
    this.name = 'InvalidConsensusArgumentError'
  }
}
