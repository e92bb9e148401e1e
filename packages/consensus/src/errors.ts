import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/** Why a vote was rejected; stable strings, one per crate check. */
export type InvalidVoteReason =
  | 'empty-owner'
  | 'empty-hash'
  | 'empty-signature'
  | 'hash-mismatch'
  | 'proposal-id-mismatch'
  | 'timestamp-before-proposal'
  | 'timestamp-after-expiration'
  | 'duplicate-owner'

/**
 * A vote failed validation (empty field, wrong hash, timestamp outside the
 * proposal's `[timestamp, expiration]` window, wrong proposal id, two votes of
 * one owner inside a proposal). Code `INVALID_VOTE`.
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

/** No session for this scope and proposal id. Code `SESSION_NOT_FOUND`. */
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

/** This member has already voted on the proposal. Code `ALREADY_VOTED`. */
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
 * A hardening check requested through the receive options failed: the
 * proposal's expected voter count differs from the member count, or a vote's
 * owner is not a member or not the authenticated sender. Code
 * `UNAUTHORIZED`.
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
 */
export class InvalidConsensusArgumentError extends DemlsError {
  constructor(message: string) {
    super(message, 'CONSENSUS_INVALID_ARGUMENT')
    this.name = 'InvalidConsensusArgumentError'
  }
}
