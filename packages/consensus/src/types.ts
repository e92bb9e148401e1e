import type { Proposal } from '@demls/wire'
import type { ConsensusAggregation } from './plugin/aggregation.js'

/**
 * Outcome of a consensus evaluation: decided `'yes'` / `'no'`, still
 * `'undecided'`, or `'failed'` (undecided when the timeout was applied).
 *
 * @example
 * ```ts
 * import { type ConsensusOutcome, consensusResult } from '@demls/consensus'
 * const outcome: ConsensusOutcome = consensusResult({ expectedVoters: 4, yes: 3, no: 0, livenessCriteriaYes: true, timedOut: false })
 * if (outcome === 'yes' || outcome === 'no') console.log('decided')
 * ```
 */
export type ConsensusOutcome = 'yes' | 'no' | 'undecided' | 'failed'

/**
 * What a {@link ConsensusRule} sees: the tally of one proposal.
 *
 * @example
 * ```ts
 * import { type ConsensusTally, consensusResult } from '@demls/consensus'
 * const tally: ConsensusTally = { expectedVoters: 5, yes: 2, no: 1, livenessCriteriaYes: false, timedOut: true }
 * consensusResult(tally) // the outcome the default rule gives at the timeout
 * ```
 */
export interface ConsensusTally {
  /** `expected_voters_count` of the proposal (n). */
  expectedVoters: number
  /** Distinct YES votes received. */
  yes: number
  /** Distinct NO votes received. */
  no: number
  /** `liveness_criteria_yes`: silent voters weigh on the YES side when true. */
  livenessCriteriaYes: boolean
  /** Whether the consensus timeout has been reached (silent voters are counted). */
  timedOut: boolean
}

/**
 * A result rule: a pure function from the tally to the outcome. Must be
 * deterministic and identical on every member of a group.
 *
 * @example
 * ```ts
 * import { type ConsensusRule, consensusResult } from '@demls/consensus'
 * // a veto: any NO rejects; otherwise the default rule
 * const veto: ConsensusRule = (tally) => (tally.no > 0 ? 'no' : consensusResult(tally))
 * ```
 */
export type ConsensusRule = (tally: ConsensusTally) => ConsensusOutcome

/**
 * Fills a buffer with cryptographically strong random bytes (the shape of
 * `crypto.getRandomValues`). Inject a seeded one for deterministic tests.
 *
 * @example
 * ```ts
 * import { type RandomSource, randomId } from '@demls/consensus'
 * let n = 0
 * const counter: RandomSource = (bytes) => bytes.fill(n++) // reproducible ids in a simulation
 * randomId(counter)
 * ```
 */
export type RandomSource = (bytes: Uint8Array) => unknown

/**
 * The vote signature scheme and this member's key. The default is
 * {@link EthereumSigner} (EIP-191 personal-message signing, secp256k1,
 * identity = 20-byte Ethereum address). All members of a group must use the
 * same scheme.
 *
 * @example
 * ```ts
 * import { type ConsensusSigner, EthereumSigner } from '@demls/consensus'
 * const signer: ConsensusSigner = new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))
 * const payload = new TextEncoder().encode('vote')
 * signer.verify(signer.identity, payload, signer.sign(payload)) // true
 * ```
 */
export interface ConsensusSigner {
  /** This member's identity, written to `voteOwner` / `proposalOwner`. */
  readonly identity: Uint8Array
  /** Sign `payload` (the protobuf encoding of a Vote with an empty signature). */
  sign(payload: Uint8Array): Uint8Array
  /**
   * Whether `signature` over `payload` was produced by `identity`. Must not
   * throw on malformed input: return `false`.
   */
  verify(identity: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean
}

/**
 * Lifecycle of a consensus session.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, type SessionState, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const { proposalId } = alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 2 }, Date.now())
 * const state: SessionState | undefined = alice.getSession('chat', proposalId)?.state // 'active'
 * ```
 */
export type SessionState = 'active' | 'reached' | 'failed'

/**
 * One proposal's consensus state within a scope. `proposal.votes` holds the
 * accepted votes in the order they were accepted locally (the last one is
 * what the next local vote's `receivedHash` points to).
 *
 * @example
 * ```ts
 * import { ConsensusService, type ConsensusSession, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const { proposalId } = alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 3 }, Date.now())
 * const session: Readonly<ConsensusSession> | undefined = alice.getSession('chat', proposalId)
 * console.log(session?.state, session?.proposal.votes.length) // 'active' 0
 * ```
 */
export interface ConsensusSession {
  /** Scope (conversation id). */
  scope: string
  /** The proposal, with the accepted votes. `round` is 1 without votes and 2 with. */
  proposal: Proposal
  /** `'active'` until decided, then `'reached'` or `'failed'`. */
  state: SessionState
  /** The decided value when `state === 'reached'`. */
  result?: boolean
  /** When the session was created locally, Unix seconds. */
  createdAt: number
  /** When the session was resolved locally, Unix seconds. */
  resolvedAt?: number
}

/**
 * Where sessions live. Synchronous; one storage may be shared by several
 * services of one member (sessions are keyed by scope and proposal id).
 * Returned sessions may be live objects: the service always calls
 * {@link ConsensusStorage.saveSession} after changing one.
 *
 * @example
 * ```ts
 * import { type ConsensusStorage, InMemoryConsensusStorage } from '@demls/consensus'
 * function activeIn(storage: ConsensusStorage, scope: string): number {
 *   return storage.listScopeSessions(scope).filter((s) => s.state === 'active').length
 * }
 * activeIn(new InMemoryConsensusStorage(), 'chat') // 0
 * ```
 */
export interface ConsensusStorage {
  /** Insert or replace a session (keyed by `session.scope` and `session.proposal.proposalId`). */
  saveSession(session: ConsensusSession): void
  /** The session, if any. */
  getSession(scope: string, proposalId: number): ConsensusSession | undefined
  /** Remove a session; returns whether it existed. */
  removeSession(scope: string, proposalId: number): boolean
  /** Every session of a scope, in no particular order. */
  listScopeSessions(scope: string): ConsensusSession[]
  /** Every scope that holds at least one session. */
  listScopes(): string[]
  /** Remove every session of a scope. */
  deleteScope(scope: string): void
}

/**
 * The consensus plug-in `@demls/session` consumes: the protocol decisions
 * (result rule, signature scheme) plus where sessions are stored. `id` and
 * `version` travel in the group's sync data; members whose plug-ins differ
 * must not share a group.
 *
 * @example
 * ```ts
 * import { type ConsensusPlugin, EthereumSigner, InMemoryConsensusStorage } from '@demls/consensus'
 * // a simple-majority rule; every member of a group must run the same plug-in
 * const majority: ConsensusPlugin = {
 *   id: 'simple-majority',
 *   version: '1.0.0',
 *   storage: new InMemoryConsensusStorage(),
 *   signer: new EthereumSigner(crypto.getRandomValues(new Uint8Array(32))),
 *   rule: ({ expectedVoters, yes, no, timedOut }) => (yes * 2 > expectedVoters ? 'yes' : no * 2 >= expectedVoters ? 'no' : timedOut ? 'failed' : 'undecided'),
 * }
 * ```
 */
export interface ConsensusPlugin {
  /** Stable identifier of the protocol decisions, e.g. `hashgraph-like`. */
  readonly id: string
  /** Version of those decisions (changes whenever outcomes could differ). */
  readonly version: string
  /** Session storage. */
  readonly storage: ConsensusStorage
  /** This member's signer and the group's verification scheme. */
  readonly signer: ConsensusSigner
  /** The result rule every session is evaluated with. */
  readonly rule: ConsensusRule
  /**
   * Optional: votes that aggregate into one proof per proposal
   * ({@link ConsensusAggregation}). Absent on the default plug-in (the
   * reference path: every vote its own message).
   */
  readonly aggregation?: ConsensusAggregation
}

/**
 * A proposal was decided. `timestamp` is Unix seconds.
 *
 * @example
 * ```ts
 * import { ConsensusService, type ConsensusReachedEvent, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 1, vote: true }, Date.now())
 * const [reached] = alice.drainEvents() as ConsensusReachedEvent[]
 * console.log(reached?.result) // true
 * ```
 */
export interface ConsensusReachedEvent {
  /** Discriminant. */
  type: 'ConsensusReached'
  /** Scope of the session. */
  scope: string
  /** The decided proposal. */
  proposalId: number
  /** `true` = YES. */
  result: boolean
  /** When it was decided locally, Unix seconds. */
  timestamp: number
}

/**
 * A proposal timed out undecided. `timestamp` is Unix seconds.
 *
 * @example
 * ```ts
 * import { ConsensusService, type ConsensusFailedEvent, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const failed: ConsensusFailedEvent[] = alice.drainEvents().filter((e): e is ConsensusFailedEvent => e.type === 'ConsensusFailed')
 * ```
 */
export interface ConsensusFailedEvent {
  /** Discriminant. */
  type: 'ConsensusFailed'
  /** Scope of the session. */
  scope: string
  /** The failed proposal. */
  proposalId: number
  /** When it failed locally, Unix seconds. */
  timestamp: number
}

/**
 * An outcome event, emitted once per session.
 *
 * @example
 * ```ts
 * import { ConsensusService, type ConsensusEvent, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * const alice = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) })
 * const events: ConsensusEvent[] = alice.drainEvents()
 * for (const e of events) console.log(e.type === 'ConsensusReached' ? `${e.proposalId}: ${e.result}` : `${e.proposalId} failed`)
 * ```
 */
export type ConsensusEvent = ConsensusReachedEvent | ConsensusFailedEvent


