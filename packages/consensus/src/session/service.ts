import { type Proposal, type Vote, bytesEqual, toHex } from '@demls/wire'
import {
  AlreadyVotedError,
  ClockSkewError,
  InvalidConsensusArgumentError,
  InvalidProposalError,
  InvalidVoteError,
  ProposalExpiredError,
  SessionLimitError,
  SessionNotActiveError,
  SessionNotFoundError,
  SessionQuotaError,
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
import type {
  AcceptedResult,
  ClockSkewTolerance,
  ProposalPriority,
  ReceiveOptions,
  ReceiveProposalResult,
  ReceiveVoteResult,
  TimeoutResult,
} from './results.js'
import { nowSeconds } from './time.js'
import { VoteIndexes } from './vote-index.js'

/** Default cap on sessions per scope (de-mls `max_consensus_sessions`). */
export const DEFAULT_MAX_SESSIONS_PER_SCOPE = 10
/** Default number of resolved proposal ids remembered per scope. */
export const DEFAULT_RESOLVED_CACHE_SIZE = 256
/** Default number of votes held per scope while their proposal is unknown. */
export const DEFAULT_PENDING_VOTE_LIMIT = 64
/** Default byte budget of the votes held per scope while their proposal is unknown. */
export const DEFAULT_PENDING_VOTE_MAX_BYTES = 64 * 1024

/**
 * The most normal sessions one owner can hold under `quotas` (see
 * {@link checkSessionQuota}): its share, or the pool less the share kept
 * for the others when that is more.
 *
 * @example
 * ```ts
 * import { maxOwnerNormalSessions, recommendedSessionQuotas } from '@demls/consensus'
 * maxOwnerNormalSessions(10, recommendedSessionQuotas(10)) // how many normal proposals one member may hold open
 * ```
 */
export function maxOwnerNormalSessions(cap: number, quotas: SessionQuotas): number {
  const pool = cap - quotas.reservedPrioritySessions
  return Math.min(pool, Math.max(quotas.maxSessionsPerOwner, pool - quotas.maxSessionsPerOwner))
}

/**
 * Per-owner shares of a scope's sessions and the reserve for priority proposals.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, type SessionQuotas, defaultConsensusPlugin } from '@demls/consensus'
 * const quotas: SessionQuotas = { maxSessionsPerOwner: 3, maxPrioritySessionsPerOwner: 1, reservedPrioritySessions: 2 }
 * const service = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))), maxSessionsPerScope: 10, ...quotas })
 * ```
 */
export interface SessionQuotas {
  /** Active normal sessions one proposal owner may hold. */
  maxSessionsPerOwner: number
  /** Active priority sessions one proposal owner may hold. */
  maxPrioritySessionsPerOwner: number
  /** Sessions only priority proposals may take (normal ones stop at `cap − reserved`). */
  reservedPrioritySessions: number
}

/**
 * The recommended quotas for a session cap (what `@demls/session` uses):
 * a quarter of the cap per owner (at least 1), two priority sessions per
 * owner, and three sessions reserved for priority proposals (one more than
 * an owner's priority share; fewer when the cap is under 4). With the
 * default cap of 10 (a pool of 7 and a reserve of 3), see
 * {@link checkSessionQuota}: one owner holds at most 5 normal sessions
 * (the pool less the 2 kept for the others) and 2 priority ones; whatever
 * it does, the other members can still open 2 normal proposals, and a
 * priority proposal of another member (an emergency against it) always
 * finds a reserved session. The guarantees need
 * `cap ≥ reserve + 2 × share`.
 *
 * @throws {InvalidConsensusArgumentError} when `cap` is not a positive integer
 *
 * @example
 * ```ts
 * import { recommendedSessionQuotas } from '@demls/consensus'
 * const { maxSessionsPerOwner, reservedPrioritySessions } = recommendedSessionQuotas(10)
 * ```
 */
export function recommendedSessionQuotas(cap: number): SessionQuotas {
  if (!Number.isInteger(cap) || cap < 1) throw new InvalidConsensusArgumentError('cap must be a positive integer')
  return {
    maxSessionsPerOwner: Math.max(1, Math.floor(cap / 4)),
    maxPrioritySessionsPerOwner: 2,
    reservedPrioritySessions: Math.min(3, cap - 1),
  }
}

/**
 * Whether a new session of `priority` owned by `owner` may be opened next
 * to the scope's `active` sessions (a pure function of the quotas). The
 * cap is split into a normal pool (`cap − reservedPrioritySessions`) and
 * the reserve; priority sessions fill the reserve first and overflow into
 * the pool.
 *
 * - normal: refused (`reserve`) when the pool is full; refused (`owner`)
 *   when the owner already holds `maxSessionsPerOwner` normal sessions
 *   *and* opening one more would leave fewer than `maxSessionsPerOwner`
 *   pool sessions free for the other owners. So one owner may use more
 *   than its share while the scope is quiet (an epoch steward proposing a
 *   batch of joins), but never the last `maxSessionsPerOwner` sessions of
 *   the pool, nor the reserve.
 * - priority: refused (`owner`) when the owner already holds
 *   `maxPrioritySessionsPerOwner` priority sessions.
 *
 * A share as large as the cap is no quota (the crate's behaviour); the cap
 * itself is checked separately (resolved sessions may be evicted for it).
 *
 * @returns the refusal, or `undefined` when it fits
 *
 * @example
 * ```ts
 * import { checkSessionQuota, recommendedSessionQuotas } from '@demls/consensus'
 * const owner = new Uint8Array(20).fill(2)
 * const err = checkSessionQuota('chat', [], owner, 'normal', 10, recommendedSessionQuotas(10))
 * console.log(err) // undefined: there is room
 * ```
 */
export function checkSessionQuota(
  scope: string,
  active: readonly { owner: Uint8Array; priority: ProposalPriority }[],
  owner: Uint8Array,
  priority: ProposalPriority,
  cap: number,
  quotas: SessionQuotas,
): SessionQuotaError | undefined {
  const reserved = quotas.reservedPrioritySessions
  let own = 0
  let normal = 0
  for (const s of active) {
    if (s.priority === 'normal') normal++
    if (s.priority === priority && bytesEqual(s.owner, owner)) own++
  }
  if (priority === 'priority') {
    const share = quotas.maxPrioritySessionsPerOwner
    return own >= share && share < cap ? new SessionQuotaError(scope, 'owner', share) : undefined
  }
  const pool = cap - reserved
  const used = normal + Math.max(0, active.length - normal - reserved)
  if (reserved > 0 && used >= pool) return new SessionQuotaError(scope, 'reserve', reserved)
  const share = quotas.maxSessionsPerOwner
  if (share < cap && own >= share && pool - (used + 1) < share) return new SessionQuotaError(scope, 'owner', share)
  return undefined
}

/**
 * Check a received proposal's creation `timestamp` (whole Unix seconds)
 * against local time `nowSec`: at most `futureSeconds` ahead and at most
 * `pastSeconds` behind.
 *
 * @returns the refusal, or `undefined` when within tolerance
 *
 * @example
 * ```ts
 * import { checkProposalClock, nowSeconds } from '@demls/consensus'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * const err = checkProposalClock(proposal.proposalId, proposal.timestamp, nowSeconds(Date.now()), { futureSeconds: 30, pastSeconds: 600 })
 * if (err) console.log('refused:', err.shortMessage)
 * ```
 */
export function checkProposalClock(
  proposalId: number,
  timestamp: bigint,
  nowSec: bigint,
  tolerance: ClockSkewTolerance,
): ClockSkewError | undefined {
  if (timestamp > nowSec + BigInt(tolerance.futureSeconds)) return new ClockSkewError(proposalId, 'future', Number(timestamp - nowSec))
  if (timestamp + BigInt(tolerance.pastSeconds) < nowSec) return new ClockSkewError(proposalId, 'past', Number(nowSec - timestamp))
  return undefined
}

/**
 * Bytes a buffered vote holds: its byte fields plus a fixed overhead for the rest.
 *
 * @example
 * ```ts
 * import { voteByteSize } from '@demls/consensus'
 * import type { Vote } from '@demls/wire'
 * declare const vote: Vote
 * if (voteByteSize(vote) > 1024) console.log('oversized vote')
 * ```
 */
export function voteByteSize(vote: Vote): number {
  return (
    64 +
    vote.voteOwner.length +
    vote.parentHash.length +
    vote.receivedHash.length +
    vote.voteHash.length +
    vote.signature.length
  )
}

/**
 * Options of {@link ConsensusService}.
 *
 * @example
 * ```ts
 * import { ConsensusService, type ConsensusServiceInit, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * const init: ConsensusServiceInit = {
 *   plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))),
 *   maxSessionsPerScope: 20,
 *   pendingVoteLimit: 128,
 * }
 * const service = new ConsensusService(init)
 * ```
 */
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
   * Byte budget (see {@link voteByteSize}) of the votes held per scope
   * whose proposal has not arrived yet. Over it (or over
   * `pendingVoteLimit`), the oldest vote of the voter holding the most
   * bytes is dropped first, so a flooding voter pushes out its own votes
   * before anyone else's. A vote alone over the budget is refused
   * ({@link InvalidVoteError} `oversized`).
   * @default 65_536
   */
  pendingVoteMaxBytes?: number
  /**
   * Beyond the crate: a vote (single or embedded in a proposal) larger
   * than this ({@link voteByteSize}) is refused ({@link InvalidVoteError}
   * `oversized`), so the votes a session holds stay within
   * `expectedVotersCount × maxVoteBytes`. An honest vote is about 250
   * bytes (the hash-link fields are signed but otherwise unchecked, so a
   * voter could make them any size).
   * @default Infinity (no limit)
   */
  maxVoteBytes?: number
  /**
   * Active normal sessions one proposal owner may hold per scope; one more
   * is refused with {@link SessionQuotaError} (nothing is evicted). The
   * crate has no such limit. See {@link recommendedSessionQuotas}.
   * @default maxSessionsPerScope (no per-owner limit)
   */
  maxSessionsPerOwner?: number
  /**
   * Active priority sessions (`ReceiveOptions.priority`) one owner may hold per scope.
   * @default maxSessionsPerScope (no per-owner limit)
   */
  maxPrioritySessionsPerOwner?: number
  /**
   * Sessions of the cap only priority proposals may take: a normal
   * proposal is refused ({@link SessionQuotaError} `reserve`) when
   * `maxSessionsPerScope − reservedPrioritySessions` sessions are active.
   * Must be below the cap.
   * @default 0
   */
  reservedPrioritySessions?: number
  /**
   * Random source for proposal and vote ids.
   * @default crypto.getRandomValues
   */
  random?: RandomSource
}

/**
 * Input of {@link ConsensusService.createProposal}: a {@link ProposalInit} minus the owner.
 *
 * @example
 * ```ts
 * import { ConsensusService, type CreateProposalInit, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const init: CreateProposalInit = { name: 'add carol', payload: new Uint8Array([1]), expectedVotersCount: 3, vote: true }
 * const proposal = alice.createProposal('chat', init, Date.now()) // owner and its vote filled in
 * ```
 */
export interface CreateProposalInit extends Omit<ProposalInit, 'owner' | 'random'> {
  /**
   * Bundle this member's vote with this choice in the proposal (de-mls
   * `CreatorVote::Yes`); omit to send a bare proposal and vote later.
   * @default undefined
   */
  vote?: boolean
  /**
   * The proposal's class for the session quotas (see `ReceiveOptions.priority`).
   * @default 'normal'
   */
  priority?: ProposalPriority
}

interface PendingVote {
  vote: Vote
  options: ReceiveOptions
  bytes: number
}

/** Index of the oldest buffered vote of the voter whose buffered votes hold the most bytes. */
function heaviestVotersOldest(pending: readonly PendingVote[]): number {
  const bytesOf = new Map<string, number>()
  const key = (v: Vote) => toHex(v.voteOwner)
  for (const p of pending) bytesOf.set(key(p.vote), (bytesOf.get(key(p.vote)) ?? 0) + p.bytes)
  let heaviest = ''
  let most = -1
  for (const [k, b] of bytesOf) {
    if (b > most) {
      heaviest = k
      most = b
    }
  }
  return pending.findIndex((p) => key(p.vote) === heaviest)
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
 * import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * const aliceKey = crypto.getRandomValues(new Uint8Array(32))
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(aliceKey)) })
 * const payload = new TextEncoder().encode('remove bob')
 * const proposal = alice.createProposal('chat', { payload, expectedVotersCount: 3, vote: true }, Date.now())
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
  readonly #pendingMaxBytes: number
  readonly #maxVoteBytes: number
  readonly #quotas: SessionQuotas
  /** Class of each session opened here, by scope and proposal id (normal when absent). */
  readonly #priority = new Map<string, Set<number>>()
  readonly #random: RandomSource
  readonly #events: ConsensusEvent[] = []
  readonly #resolved = new Map<string, Set<number>>()
  readonly #pending = new Map<string, PendingVote[]>()
  readonly #votes = new VoteIndexes()

  constructor(init: ConsensusServiceInit) {
    this.plugin = init.plugin
    this.#storage = init.plugin.storage
    this.#signer = init.plugin.signer
    this.#rule = init.plugin.rule
    this.#maxSessions = init.maxSessionsPerScope ?? DEFAULT_MAX_SESSIONS_PER_SCOPE
    this.#resolvedCacheSize = init.resolvedCacheSize ?? DEFAULT_RESOLVED_CACHE_SIZE
    this.#pendingLimit = init.pendingVoteLimit ?? DEFAULT_PENDING_VOTE_LIMIT
    this.#pendingMaxBytes = init.pendingVoteMaxBytes ?? DEFAULT_PENDING_VOTE_MAX_BYTES
    this.#maxVoteBytes = init.maxVoteBytes ?? Number.POSITIVE_INFINITY
    if (!(this.#maxVoteBytes >= 1)) throw new InvalidConsensusArgumentError('maxVoteBytes must be ≥ 1')
    this.#random = init.random ?? defaultRandom
    if (!Number.isInteger(this.#maxSessions) || this.#maxSessions < 1) {
      throw new InvalidConsensusArgumentError('maxSessionsPerScope must be a positive integer')
    }
    this.#quotas = {
      maxSessionsPerOwner: init.maxSessionsPerOwner ?? this.#maxSessions,
      maxPrioritySessionsPerOwner: init.maxPrioritySessionsPerOwner ?? this.#maxSessions,
      reservedPrioritySessions: init.reservedPrioritySessions ?? 0,
    }
    const { maxSessionsPerOwner, maxPrioritySessionsPerOwner, reservedPrioritySessions } = this.#quotas
    for (const [name, v, min] of [
      ['maxSessionsPerOwner', maxSessionsPerOwner, 1],
      ['maxPrioritySessionsPerOwner', maxPrioritySessionsPerOwner, 1],
      ['reservedPrioritySessions', reservedPrioritySessions, 0],
      ['pendingVoteMaxBytes', this.#pendingMaxBytes, 1],
    ] as const) {
      if (!Number.isInteger(v) || v < min) throw new InvalidConsensusArgumentError(`${name} must be an integer ≥ ${min}`)
    }
    if (reservedPrioritySessions >= this.#maxSessions) {
      throw new InvalidConsensusArgumentError('reservedPrioritySessions must be below maxSessionsPerScope')
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
   * @throws {SessionQuotaError} when this member holds its share of them, or only reserved ones are left
   */
  createProposal(scope: string, init: CreateProposalInit, now: number): Proposal {
    const proposal = createProposal({ ...init, owner: this.#signer.identity, random: this.#random }, now)
    const nowSec = proposal.timestamp
    if (this.#storage.getSession(scope, proposal.proposalId) !== undefined) {
      throw new InvalidProposalError(`proposal ${proposal.proposalId} already exists in scope "${scope}"`)
    }
    const priority = init.priority ?? 'normal'
    this.#checkQuota(scope, proposal.proposalOwner, priority)
    this.#makeRoom(scope)
    const session: ConsensusSession = { scope, proposal, state: 'active', createdAt: Number(nowSec) }
    this.#setPriority(scope, proposal.proposalId, priority)
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
   * @throws {SessionQuotaError} when the owner holds its share of them, or only reserved ones are left
   * @throws {ClockSkewError} when `options.clockSkew` is set and the timestamp is outside it
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
    for (const vote of proposal.votes) {
      this.#checkVoter(vote, options)
      this.#checkVoteSize(vote)
    }
    const n = proposal.expectedVotersCount
    if (n < 1) throw new InvalidProposalError('proposal expects zero voters')
    if (proposal.votes.length > n) {
      throw new InvalidProposalError(`proposal carries ${proposal.votes.length} votes for ${n} expected voters`)
    }
    if (nowSec >= proposal.expirationTimestamp) throw new ProposalExpiredError(id)
    if (options.clockSkew !== undefined) {
      const skew = checkProposalClock(id, proposal.timestamp, nowSec, options.clockSkew)
      if (skew !== undefined) throw skew
    }
    const owners = new Set<string>()
    for (const vote of proposal.votes) {
      validateVote(vote, proposal, nowSec, this.#signer)
      const owner = toHex(vote.voteOwner)
      if (owners.has(owner)) throw new InvalidVoteError('duplicate-owner')
      owners.add(owner)
    }
    validateVoteChain(proposal.votes)
    const priority = options.priority ?? 'normal'
    this.#checkQuota(scope, proposal.proposalOwner, priority)
    this.#makeRoom(scope)
    this.#setPriority(scope, id, priority)
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
      this.#checkVoteSize(vote)
      verifyVoteIntegrity(vote, this.#signer)
      if (voteByteSize(vote) > this.#pendingMaxBytes) {
        throw new InvalidVoteError('oversized', `vote of ${voteByteSize(vote)} bytes exceeds the ${this.#pendingMaxBytes}-byte buffer`)
      }
      this.#buffer(scope, vote, options)
      return { status: 'buffered' }
    }
    if (session.state !== 'active') return { status: 'late' }
    const existing = this.#voteOf(session, vote.voteOwner)
    // Same owner and hash = the same vote (the hash covers every field but the signature).
    if (existing !== undefined && bytesEqual(existing.voteHash, vote.voteHash)) return { status: 'duplicate' }
    this.#checkVoter(vote, options)
    this.#checkVoteSize(vote)
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
   * Record an outcome proved outside this service: an aggregated proof of
   * the proposal's signed votes (`ConsensusAggregation.verifyProof`) that
   * the caller has verified against the proposal it holds. An active
   * session becomes `reached` with `result` and emits `ConsensusReached`
   * like a decision from individual votes; a resolved one is left as it is
   * (its own outcome stands, and nothing is emitted twice). Returns the
   * session's state afterwards, or `undefined` when the proposal is not
   * held.
   *
   * Never call it with an unverified claim: the service cannot check an
   * aggregate proof itself (its scheme belongs to the plug-in).
   *
   * @example
   * ```ts
   * import { ConsensusService } from '@demls/consensus'
   * declare const service: ConsensusService
   * declare const proposalId: number
   * // after `aggregation.verifyProof(proof, ctx, keys)` returned { ok: true, outcome: 'yes' }
   * service.recordProvenOutcome('chat', proposalId, true, Date.now())
   * ```
   */
  recordProvenOutcome(scope: string, proposalId: number, result: boolean, now: number): 'reached' | 'failed' | 'active' | undefined {
    const session = this.#storage.getSession(scope, proposalId)
    if (session === undefined) return undefined
    if (session.state === 'active') {
      const timestamp = Number(nowSeconds(now))
      session.state = 'reached'
      session.result = result
      session.resolvedAt = timestamp
      this.#events.push({ type: 'ConsensusReached', scope, proposalId, result, timestamp })
      this.#rememberResolved(scope, proposalId)
      this.#storage.saveSession(session)
    }
    return session.state
  }

  /**
   * Close an active session without an outcome: it becomes `failed` and
   * emits nothing (no `ConsensusFailed`: the caller ended it, not the
   * votes or the timer). Later votes on it are `late` and a copy of the
   * proposal is a duplicate, as for any resolved session, and it no longer
   * holds one of the scope's session slots. For a caller whose own rules
   * end a vote, for example a proposal the next MLS epoch made moot.
   * Returns whether the session was active (false for a resolved or
   * unknown one, which is left as it is).
   *
   * @example
   * ```ts
   * import { ConsensusService } from '@demls/consensus'
   * declare const service: ConsensusService
   * declare const proposalId: number
   * if (service.abandonProposal('chat', proposalId, Date.now())) console.log('closed without an outcome')
   * ```
   */
  abandonProposal(scope: string, proposalId: number, now: number): boolean {
    const session = this.#storage.getSession(scope, proposalId)
    if (session === undefined || session.state !== 'active') return false
    session.state = 'failed'
    session.resolvedAt = Number(nowSeconds(now))
    this.#rememberResolved(scope, proposalId)
    this.#storage.saveSession(session)
    return true
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
    this.#priority.delete(scope)
  }

  /** Bytes of the votes held for the scope while their proposal is unknown. */
  pendingVoteBytes(scope: string): number {
    let total = 0
    for (const p of this.#pending.get(scope) ?? []) total += p.bytes
    return total
  }

  #setPriority(scope: string, proposalId: number, priority: ProposalPriority): void {
    let ids = this.#priority.get(scope)
    if (priority === 'normal') {
      ids?.delete(proposalId)
      return
    }
    if (ids === undefined) {
      ids = new Set()
      this.#priority.set(scope, ids)
    }
    ids.add(proposalId)
  }

  #checkVoteSize(vote: Vote): void {
    const size = voteByteSize(vote)
    if (size > this.#maxVoteBytes) throw new InvalidVoteError('oversized', `vote of ${size} bytes exceeds ${this.#maxVoteBytes} bytes`)
  }

  #checkQuota(scope: string, owner: Uint8Array, priority: ProposalPriority): void {
    const ids = this.#priority.get(scope)
    const active = this.#storage
      .listScopeSessions(scope)
      .filter((s) => s.state === 'active')
      .map((s) => ({
        owner: s.proposal.proposalOwner,
        priority: ids?.has(s.proposal.proposalId) === true ? ('priority' as const) : ('normal' as const),
      }))
    const refusal = checkSessionQuota(scope, active, owner, priority, this.#maxSessions, this.#quotas)
    if (refusal !== undefined) throw refusal
  }

  #voteOf(session: ConsensusSession, owner: Uint8Array): Vote | undefined {
    return this.#votes.of(session, session.proposal.votes).voteOf(owner)
  }

  #addVote(session: ConsensusSession, vote: Vote): void {
    const index = this.#votes.of(session, session.proposal.votes)
    session.proposal.votes.push(vote)
    index.add(vote)
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
    const { yes, no } = this.#votes.of(session, session.proposal.votes)
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
      this.#priority.get(scope)?.delete(s.proposal.proposalId)
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
    const bytes = voteByteSize(vote)
    pending.push({ vote, options, bytes })
    let total = 0
    for (const p of pending) total += p.bytes
    while (pending.length > this.#pendingLimit || total > this.#pendingMaxBytes) {
      const i = heaviestVotersOldest(pending)
      total -= pending[i]!.bytes
      pending.splice(i, 1)
    }
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
