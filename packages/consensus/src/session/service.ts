import { type Proposal, type Vote, bytesEqual } from '@demls/wire'
import {
  AlreadyVotedError,
  InvalidConsensusArgumentError,
  InvalidProposalError,
  InvalidVoteError,
  ProposalExpiredError,
  SessionLimitError,
  SessionNotActiveError,
  SessionNotFoundError,
  UnauthorizedError,
} from '../errors.js'
import { defaultRandom } from '../ids/random-id.js'
import { type ProposalInit, createProposal } from '../proposal/create-proposal.js'
import type {
  ConsensusEvent,
  ConsensusPlugin,
  ConsensusSession,
  ConsensusSigner,
  ConsensusStorage,
  ConsensusRule,
  RandomSource,
} from '../types.js'
import { buildVote } from '../vote/build-vote.js'
import { checkVoteWindow, validateVote, validateVoteChain, verifyVoteIntegrity } from '../vote/validate-vote.js'
import type { AcceptedResult, ReceiveOptions, ReceiveProposalResult, ReceiveVoteResult, TimeoutResult } from './results.js'
import { nowSeconds } from './time.js'

/** Default cap on sessions per scope (de-mls `max_consensus_sessions`). */
export const DEFAULT_MAX_SESSIONS_PER_SCOPE = 10
/** Default number of resolved proposal ids remembered per scope. */
export const DEFAULT_RESOLVED_CACHE_SIZE = 256
/** Default number of votes held per scope while their proposal is unknown. */
export const DEFAULT_PENDING_VOTE_LIMIT = 64

/** Options of {@link ConsensusService}. */
export interface ConsensusServiceInit {
  /** Storage, signer and result rule (see {@link defaultConsensusPlugin}). */
  plugin: ConsensusPlugin
  /**
   * Sessions kept per scope. When full, the oldest resolved session is
   * evicted; an active session is never evicted (a new one is refused with
   * {@link SessionLimitError} instead).
   * @default 10
   */
  maxSessionsPerScope?: number
  /**
   * Resolved proposal ids remembered per scope, so that deliveries for an
   * evicted session are classified `late` instead of re-opening it.
   * @default 256
   */
  resolvedCacheSize?: number
  /**
   * Votes held per scope whose proposal has not arrived yet (oldest dropped first).
   * @default 64
   */
  pendingVoteLimit?: number
  /**
   * Random source for proposal and vote ids.
   * @default crypto.getRandomValues
   */
  random?: RandomSource
}

/** Input of {@link ConsensusService.createProposal}: a {@link ProposalInit} minus the owner. */
export interface CreateProposalInit extends Omit<ProposalInit, 'owner' | 'random'> {
  /**
   * Bundle this member's vote with this choice in the proposal (de-mls
   * `CreatorVote::Yes`); omit to send a bare proposal and vote later.
   * @default undefined
   */
  vote?: boolean
}

interface PendingVote {
  vote: Vote
  options: ReceiveOptions
}

function snapshot(proposal: Proposal): Proposal {
  return { ...proposal, votes: proposal.votes.slice() }
}

/**
 * Consensus sessions of one member, keyed by scope (conversation id) and
 * proposal id. Sans-I/O and synchronous: every time-dependent call takes
 * `now` (milliseconds since the Unix epoch); wire timestamps are whole Unix
 * seconds. Outcome events queue up until {@link ConsensusService.drainEvents}.
 *
 * @example
 * ```ts
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(aliceKey)) })
 * const proposal = alice.createProposal('chat', { payload, expectedVotersCount: 3, vote: true }, now)
 * // … broadcast encodeProposal(proposal); peers call receiveProposal / castVote / receiveVote
 * ```
 */
export class ConsensusService {
  /** The plug-in in use. */
  readonly plugin: ConsensusPlugin
  readonly #storage: ConsensusStorage
  readonly #signer: ConsensusSigner
  readonly #rule: ConsensusRule
  readonly #maxSessions: number
  readonly #resolvedCacheSize: number
  readonly #pendingLimit: number
  readonly #random: RandomSource
  readonly #events: ConsensusEvent[] = []
  readonly #resolved = new Map<string, Set<number>>()
  readonly #pending = new Map<string, PendingVote[]>()

  constructor(init: ConsensusServiceInit) {
    this.plugin = init.plugin
    this.#storage = init.plugin.storage
    this.#signer = init.plugin.signer
    this.#rule = init.plugin.rule
    this.#maxSessions = init.maxSessionsPerScope ?? DEFAULT_MAX_SESSIONS_PER_SCOPE
    this.#resolvedCacheSize = init.resolvedCacheSize ?? DEFAULT_RESOLVED_CACHE_SIZE
    this.#pendingLimit = init.pendingVoteLimit ?? DEFAULT_PENDING_VOTE_LIMIT
    this.#random = init.random ?? defaultRandom
    if (!Number.isInteger(this.#maxSessions) || this.#maxSessions < 1) {
      throw new InvalidConsensusArgumentError('maxSessionsPerScope must be a positive integer')
    }
  }

  /** This member's identity (the signer's). */
  get identity(): Uint8Array {
    return this.#signer.identity
  }

  /**
   * Open a proposal owned by this member, optionally with this member's vote
   * bundled (which may decide it at once, e.g. n = 1). Returns the proposal
   * to broadcast.
   *
   * @throws {InvalidProposalError} on zero expected voters or a bad lifetime
   * @throws {SessionLimitError} when the scope is full of active sessions
   */
  createProposal(scope: string, init: CreateProposalInit, now: number): Proposal {
    const proposal = createProposal({ ...init, owner: this.#signer.identity, random: this.#random }, now)
    const nowSec = proposal.timestamp
    if (this.#storage.getSession(scope, proposal.proposalId) !== undefined) {
      throw new InvalidProposalError(`proposal ${proposal.proposalId} already exists in scope "${scope}"`)
    }
    this.#makeRoom(scope)
    const session: ConsensusSession = { scope, proposal, state: 'active', createdAt: Number(nowSec) }
    if (init.vote !== undefined) {
      const vote = buildVote({ proposal, choice: init.vote, signer: this.#signer, now, random: this.#random })
      this.#addVote(session, vote)
    }
    this.#evaluate(session, false, nowSec)
    this.#storage.saveSession(session)
    this.#flushPending(session, nowSec)
    return snapshot(session.proposal)
  }

  /**
   * Cast this member's vote on an open proposal. Returns the vote to
   * broadcast.
   *
   * @throws {SessionNotFoundError} when the proposal is unknown
   * @throws {SessionNotActiveError} when it is already resolved
   * @throws {ProposalExpiredError} when `now` is at or past its expiration
   * @throws {AlreadyVotedError} when this member already voted on it
   */
  castVote(scope: string, proposalId: number, choice: boolean, now: number): Vote {
    const nowSec = nowSeconds(now)
    const session = this.#storage.getSession(scope, proposalId)
    if (session === undefined) throw new SessionNotFoundError(scope, proposalId)
    if (session.state !== 'active') throw new SessionNotActiveError(proposalId)
    if (nowSec >= session.proposal.expirationTimestamp) throw new ProposalExpiredError(proposalId)
    if (this.#voteOf(session, this.#signer.identity) !== undefined) throw new AlreadyVotedError(proposalId)
    const vote = buildVote({ proposal: session.proposal, choice, signer: this.#signer, now, random: this.#random })
    this.#addVote(session, vote)
    this.#evaluate(session, false, nowSec)
    this.#storage.saveSession(session)
    return vote
  }

  /**
   * Like {@link ConsensusService.castVote} but returns the proposal with
   * every vote held locally, including the new one (a "round 2" rebroadcast).
   */
  castVoteAndGetProposal(scope: string, proposalId: number, choice: boolean, now: number): Proposal {
    this.castVote(scope, proposalId, choice, now)
    return snapshot(this.#storage.getSession(scope, proposalId)!.proposal)
  }

  /**
   * Accept a peer's proposal with its embedded votes after full validation:
   * `expectedVotersCount ≥ 1`, at most that many embedded votes, not
   * expired (`now < expiration`), every vote valid (proposal id, hash,
   * signature, time window), one vote per owner, and a valid hash chain.
   * May decide at once (and emit).
   *
   * A proposal already known is `duplicate`; one already resolved (even if
   * evicted since) is `late`.
   *
   * @throws {UnauthorizedError} when a requested hardening check fails
   * @throws {InvalidProposalError} on zero expected voters or too many votes
   * @throws {ProposalExpiredError} when `now` is at or past its expiration
   * @throws {InvalidVoteError | InvalidSignatureError | InvalidHashChainError} on a bad embedded vote
   * @throws {SessionLimitError} when the scope is full of active sessions
   */
  receiveProposal(scope: string, proposal: Proposal, now: number, options: ReceiveOptions = {}): ReceiveProposalResult {
    const nowSec = nowSeconds(now)
    const id = proposal.proposalId
    if (this.#storage.getSession(scope, id) !== undefined) return { status: 'duplicate' }
    if (this.#resolved.get(scope)?.has(id) === true) return { status: 'late' }
    if (options.expectedMemberCount !== undefined && proposal.expectedVotersCount !== options.expectedMemberCount) {
      throw new UnauthorizedError(
        'expected-voters',
        `proposal expects ${proposal.expectedVotersCount} voters, the group has ${options.expectedMemberCount} members`,
      )
    }
    if (options.sender !== undefined && !bytesEqual(proposal.proposalOwner, options.sender)) {
      throw new UnauthorizedError('sender-mismatch', 'proposal owner is not the authenticated sender')
    }
    for (const vote of proposal.votes) this.#checkVoter(vote, options)
    const n = proposal.expectedVotersCount
    if (n < 1) throw new InvalidProposalError('proposal expects zero voters')
    if (proposal.votes.length > n) {
      throw new InvalidProposalError(`proposal carries ${proposal.votes.length} votes for ${n} expected voters`)
    }
    if (nowSec >= proposal.expirationTimestamp) throw new ProposalExpiredError(id)
    for (let i = 0; i < proposal.votes.length; i++) {
      const vote = proposal.votes[i]!
      validateVote(vote, proposal, nowSec, this.#signer)
      for (let j = 0; j < i; j++) {
        if (bytesEqual(proposal.votes[j]!.voteOwner, vote.voteOwner)) throw new InvalidVoteError('duplicate-owner')
      }
    }
    validateVoteChain(proposal.votes)
    this.#makeRoom(scope)
    const session: ConsensusSession = {
      scope,
      proposal: { ...proposal, votes: proposal.votes.slice(), round: proposal.votes.length > 0 ? 2 : 1 },
      state: 'active',
      createdAt: Number(nowSec),
    }
    this.#evaluate(session, false, nowSec)
    this.#storage.saveSession(session)
    this.#flushPending(session, nowSec)
    return this.#accepted(session)
  }

  /**
   * Accept a peer's single vote: hash, signature and time window are
   * validated (no chain check, as in the crate); the first vote per owner
   * wins. Typed no-ops instead of errors: `duplicate` (same vote again),
   * `conflicting` (a different valid vote of an owner who already voted),
   * `late` (session resolved — never re-emits), `buffered` (proposal not
   * known yet; applied when it arrives).
   *
   * @throws {UnauthorizedError} when a requested hardening check fails
   * @throws {ProposalExpiredError} when `now` is at or past the expiration
   * @throws {InvalidVoteError | InvalidSignatureError} on an invalid vote
   */
  receiveVote(scope: string, vote: Vote, now: number, options: ReceiveOptions = {}): ReceiveVoteResult {
    const nowSec = nowSeconds(now)
    const session = this.#storage.getSession(scope, vote.proposalId)
    if (session === undefined) {
      if (this.#resolved.get(scope)?.has(vote.proposalId) === true) return { status: 'late' }
      this.#checkVoter(vote, options)
      verifyVoteIntegrity(vote, this.#signer)
      this.#buffer(scope, vote, options)
      return { status: 'buffered' }
    }
    if (session.state !== 'active') return { status: 'late' }
    const existing = this.#voteOf(session, vote.voteOwner)
    // Same owner and hash = the same vote (the hash covers every field but the signature).
    if (existing !== undefined && bytesEqual(existing.voteHash, vote.voteHash)) return { status: 'duplicate' }
    this.#checkVoter(vote, options)
    if (existing !== undefined) {
      validateVote(vote, session.proposal, nowSec, this.#signer)
      return { status: 'conflicting', existing }
    }
    if (nowSec >= session.proposal.expirationTimestamp) throw new ProposalExpiredError(vote.proposalId)
    validateVote(vote, session.proposal, nowSec, this.#signer)
    this.#addVote(session, vote)
    this.#evaluate(session, false, nowSec)
    this.#storage.saveSession(session)
    return this.#accepted(session)
  }

  /**
   * Apply the consensus timeout (call it when the proposal's timer fires):
   * evaluate with silent voters counted; decided → `reached`, else `failed`.
   * Idempotent: a resolved session returns its outcome without emitting
   * again.
   *
   * @throws {SessionNotFoundError} when the proposal is unknown
   */
  handleTimeout(scope: string, proposalId: number, now: number): TimeoutResult {
    const nowSec = nowSeconds(now)
    const session = this.#storage.getSession(scope, proposalId)
    if (session === undefined) throw new SessionNotFoundError(scope, proposalId)
    if (session.state === 'active') {
      this.#evaluate(session, true, nowSec)
      this.#storage.saveSession(session)
    }
    return session.state === 'reached' ? { status: 'reached', result: session.result === true } : { status: 'failed' }
  }

  /** Take every queued outcome event, oldest first. */
  drainEvents(): ConsensusEvent[] {
    return this.#events.splice(0, this.#events.length)
  }

  /** The session, if held (a live object: do not mutate). */
  getSession(scope: string, proposalId: number): Readonly<ConsensusSession> | undefined {
    return this.#storage.getSession(scope, proposalId)
  }

  /** A copy of the proposal with every vote held locally, if held. */
  getProposal(scope: string, proposalId: number): Proposal | undefined {
    const session = this.#storage.getSession(scope, proposalId)
    return session === undefined ? undefined : snapshot(session.proposal)
  }

  /** The decided value, or `undefined` while active, failed or unknown. */
  getResult(scope: string, proposalId: number): boolean | undefined {
    const session = this.#storage.getSession(scope, proposalId)
    return session?.state === 'reached' ? session.result : undefined
  }

  /** Copies of the scope's proposals still active. */
  activeProposals(scope: string): Proposal[] {
    return this.#storage
      .listScopeSessions(scope)
      .filter((s) => s.state === 'active')
      .map((s) => snapshot(s.proposal))
  }

  /** Proposal id → decided value, for the scope's reached sessions. */
  reachedProposals(scope: string): Map<number, boolean> {
    const out = new Map<number, boolean>()
    for (const s of this.#storage.listScopeSessions(scope)) {
      if (s.state === 'reached') out.set(s.proposal.proposalId, s.result === true)
    }
    return out
  }

  /** Drop every session, buffered vote and cached id of a scope. */
  deleteScope(scope: string): void {
    this.#storage.deleteScope(scope)
    this.#resolved.delete(scope)
    this.#pending.delete(scope)
  }

  #voteOf(session: ConsensusSession, owner: Uint8Array): Vote | undefined {
    for (const v of session.proposal.votes) if (bytesEqual(v.voteOwner, owner)) return v
    return undefined
  }

  #addVote(session: ConsensusSession, vote: Vote): void {
    session.proposal.votes.push(vote)
    session.proposal.round = 2
  }

  #checkVoter(vote: Vote, options: ReceiveOptions): void {
    const { members, sender } = options
    if (sender !== undefined && !bytesEqual(vote.voteOwner, sender)) {
      throw new UnauthorizedError('sender-mismatch', 'vote owner is not the authenticated sender')
    }
    if (members !== undefined) {
      const ok =
        typeof members === 'function' ? members(vote.voteOwner) : members.some((m) => bytesEqual(m, vote.voteOwner))
      if (!ok) throw new UnauthorizedError('not-a-member', 'vote owner is not a member')
    }
  }

  #evaluate(session: ConsensusSession, timedOut: boolean, nowSec: bigint): void {
    if (session.state !== 'active') return
    let yes = 0
    let no = 0
    for (const v of session.proposal.votes) {
      if (v.vote) yes++
      else no++
    }
    const outcome = this.#rule({
      expectedVoters: session.proposal.expectedVotersCount,
      yes,
      no,
      livenessCriteriaYes: session.proposal.livenessCriteriaYes,
      timedOut,
    })
    const timestamp = Number(nowSec)
    const { scope } = session
    const proposalId = session.proposal.proposalId
    if (outcome === 'yes' || outcome === 'no') {
      session.state = 'reached'
      session.result = outcome === 'yes'
      session.resolvedAt = timestamp
      this.#events.push({ type: 'ConsensusReached', scope, proposalId, result: session.result, timestamp })
      this.#rememberResolved(scope, proposalId)
    } else if (outcome === 'failed' || timedOut) {
      session.state = 'failed'
      session.resolvedAt = timestamp
      this.#events.push({ type: 'ConsensusFailed', scope, proposalId, timestamp })
      this.#rememberResolved(scope, proposalId)
    }
  }

  #accepted(session: ConsensusSession): AcceptedResult {
    return session.state === 'reached'
      ? { status: 'accepted', state: session.state, result: session.result === true }
      : { status: 'accepted', state: session.state }
  }

  #rememberResolved(scope: string, proposalId: number): void {
    let ids = this.#resolved.get(scope)
    if (ids === undefined) {
      ids = new Set()
      this.#resolved.set(scope, ids)
    }
    ids.delete(proposalId)
    ids.add(proposalId)
    while (ids.size > this.#resolvedCacheSize) {
      const oldest = ids.values().next().value
      if (oldest === undefined) break
      ids.delete(oldest)
    }
    const pending = this.#pending.get(scope)
    if (pending !== undefined) {
      const rest = pending.filter((p) => p.vote.proposalId !== proposalId)
      if (rest.length === 0) this.#pending.delete(scope)
      else this.#pending.set(scope, rest)
    }
  }

  /** Evict the oldest resolved sessions until a new one fits; never an active one. */
  #makeRoom(scope: string): void {
    const sessions = this.#storage.listScopeSessions(scope)
    if (sessions.length < this.#maxSessions) return
    const resolved = sessions
      .filter((s) => s.state !== 'active')
      .sort((a, b) => a.createdAt - b.createdAt || (a.resolvedAt ?? 0) - (b.resolvedAt ?? 0))
    let count = sessions.length
    for (const s of resolved) {
      if (count < this.#maxSessions) break
      this.#storage.removeSession(scope, s.proposal.proposalId)
      this.#rememberResolved(scope, s.proposal.proposalId)
      count--
    }
    if (count >= this.#maxSessions) throw new SessionLimitError(scope, this.#maxSessions)
  }

  #buffer(scope: string, vote: Vote, options: ReceiveOptions): void {
    let pending = this.#pending.get(scope)
    if (pending === undefined) {
      pending = []
      this.#pending.set(scope, pending)
    }
    if (pending.some((p) => p.vote.proposalId === vote.proposalId && bytesEqual(p.vote.voteHash, vote.voteHash))) return
    pending.push({ vote, options })
    while (pending.length > this.#pendingLimit) pending.shift()
  }

  /** Apply buffered votes of a newly opened session, in arrival order; invalid ones are dropped. */
  #flushPending(session: ConsensusSession, nowSec: bigint): void {
    const pending = this.#pending.get(session.scope)
    if (pending === undefined) return
    const id = session.proposal.proposalId
    const mine = pending.filter((p) => p.vote.proposalId === id)
    if (mine.length === 0) return
    const rest = pending.filter((p) => p.vote.proposalId !== id)
    if (rest.length === 0) this.#pending.delete(session.scope)
    else this.#pending.set(session.scope, rest)
    let changed = false
    for (const { vote } of mine) {
      if (session.state !== 'active') break
      if (this.#voteOf(session, vote.voteOwner) !== undefined) continue
      try {
        if (nowSec >= session.proposal.expirationTimestamp) break
        checkVoteWindow(vote, session.proposal, nowSec)
      } catch {
        continue
      }
      this.#addVote(session, vote)
      this.#evaluate(session, false, nowSec)
      changed = true
    }
    if (changed) this.#storage.saveSession(session)
  }
}
