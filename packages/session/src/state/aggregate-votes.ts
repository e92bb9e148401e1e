import type { DemlsAggregateVote } from '@demls/wire'
import { TokenBucket } from './bounded.js'
import { DeadlineTable } from './deadlines.js'

/**
 * Bounds of aggregated voting (`voting/aggregate-votes.ts`), per
 * conversation. Every collection an outsider or a member can grow is
 * capped in entries, and each entry is capped in bytes.
 *
 * @example
 * ```ts
 * import { AGGREGATE_LIMITS } from '../state/aggregate-votes.js'
 * console.log(`an aggregator collects at most ${AGGREGATE_LIMITS.proposals} proposals at once`)
 * ```
 */
export const AGGREGATE_LIMITS = Object.freeze({
  /** Proposals an aggregator collects votes for at once (the oldest is forgotten first). */
  proposals: 64,
  /** Votes held for proposals we have not received yet, over all proposals. */
  pendingVotes: 256,
  /** The longest vote signature accepted, in bytes (a BLS signature is 96). */
  signatureBytes: 256,
  /** Votes kept per member and proposal: a second, different one is an equivocation's evidence; more are dropped. */
  votesPerMember: 2,
  /** Proofs we verify per {@link AGGREGATE_LIMITS}.budgetPeriodMs (each costs a pairing check). */
  proofVerifications: 32,
  budgetPeriodMs: 10_000,
  /** Outcomes remembered (proposal ids decided by a proof, ours or an aggregator's). */
  proven: 256,
  /** A backup aggregator of rank r publishes its proof r × this after the decision, unless one came. */
  backupDelayMs: 400,
  /** Shortest time between two different contacts taken from one aggregator (each new one makes every member dial). */
  contactChangeMs: 10_000,
  /** Aggregator contacts kept (past it, those of members no longer aggregators are forgotten). */
  contacts: 32,
})

/** One aggregatable vote an aggregator holds. */
export interface CollectedVote {
  vote: boolean
  signature: Uint8Array
}

/** The proof that decided a proposal, and the epoch its votes were signed in (the proof's context). */
export interface ProvenBy {
  proof: Uint8Array
  epoch: bigint
}

/** What an aggregator holds for one proposal. */
export interface Collection {
  /** The epoch the votes were signed in (every vote of a proposal is of one epoch). */
  epoch: bigint
  /** Member (hex) → its votes (one, or two when it signed both ways). */
  votes: Map<string, CollectedVote[]>
  /** A proof was built from these votes: later votes change nothing. */
  proved: boolean
}

/**
 * Counters of aggregated voting, for tests and benchmarks.
 *
 * @example
 * ```ts
 * import type { AggregateStats, ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * const stats: Readonly<AggregateStats> = chat.conversation.aggregateStats()
 * console.log(`${stats.proofsTaken} outcomes from proofs, ${stats.fallbacks} broadcast fallbacks`)
 * ```
 */
export interface AggregateStats {
  /** Our votes sent to the aggregators. */
  votesSent: number
  /** Votes we collected as an aggregator (after the cheap checks). */
  votesCollected: number
  /** Proofs we built as an aggregator. */
  proofsBuilt: number
  /** Proofs we published. */
  proofsPublished: number
  /** Outcomes we took from a verified proof (ours or an aggregator's). */
  proofsTaken: number
  /** Proofs refused (not verifying, wrong proposal, stale epoch, no key list). */
  proofsRefused: number
  /** Votes we sent on the broadcast path because no proof came in time. */
  fallbacks: number
  /** Votes we sent again because the aggregators changed (a steward election) before a proof came. */
  resent: number
  /** Valid proofs of the other outcome than the one a proof decided here (needs voters that signed both ways). */
  conflicts: number
}

/**
 * The state of aggregated voting: the votes an aggregator collects, the
 * votes that came before their proposal, the outcomes proofs decided, the
 * proofs backup aggregators publish late, and the proof-check budget.
 *
 * @example
 * ```ts
 * import { AggregateVoteState } from '../state/aggregate-votes.js'
 * const state = new AggregateVoteState()
 * state.noteProven(7, true)
 * console.log(state.proven.get(7)) // true
 * ```
 */
export class AggregateVoteState {
  readonly collections = new Map<number, Collection>()
  /** Votes (with their MLS sender) for proposals not held yet, by proposal id. */
  readonly pending = new Map<number, { sender: Uint8Array; vote: DemlsAggregateVote }[]>()
  #pendingCount = 0
  /** Proposal id → the outcome a verified proof decided. */
  readonly proven = new Map<number, boolean>()
  /** Proposal id → the proof that decided it and the epoch its votes were signed in (its certificate's proof). */
  readonly proofs = new Map<number, ProvenBy>()
  /** Our aggregatable votes of open proposals, with the aggregators they went to (sent again when those change). */
  readonly sent = new Map<number, { vote: DemlsAggregateVote; to: string }>()
  /** Backup aggregators' proofs (the encoded message, by proposal id), published when due unless a proof came first. */
  readonly backupProofs = new DeadlineTable<number, Uint8Array>()
  readonly proofBudget = new TokenBucket(AGGREGATE_LIMITS.proofVerifications, AGGREGATE_LIMITS.budgetPeriodMs)
  /**
   * The aggregators' transport contacts (`DemlsControl.aggregator_contact`),
   * by member hex, with when each was taken: only from members that were
   * aggregators when it came, read back only for the current ones.
   */
  readonly contacts = new Map<string, { contact: Uint8Array; at: number }>()
  /** Our own transport contact, as the application last gave it (`Conversation.setTransportContact`). */
  ownContact: Uint8Array | undefined
  /** What we last announced as an aggregator: the contact (hex) and the members it went to. */
  contactSent: { contactHex: string; members: ReadonlySet<string> } | undefined
  readonly stats: AggregateStats = { votesSent: 0, votesCollected: 0, proofsBuilt: 0, proofsPublished: 0, proofsTaken: 0, proofsRefused: 0, fallbacks: 0, resent: 0, conflicts: 0 }

  /** The collection of a proposal, opened (evicting the oldest past the bound) when absent. */
  collection(proposalId: number, epoch: bigint): Collection {
    let c = this.collections.get(proposalId)
    if (c === undefined || c.epoch !== epoch) {
      c = { epoch, votes: new Map(), proved: false }
      this.collections.delete(proposalId)
      this.collections.set(proposalId, c)
      while (this.collections.size > AGGREGATE_LIMITS.proposals) this.collections.delete(this.collections.keys().next().value as number)
    }
    return c
  }

  /** Hold a vote that came before its proposal; `false` when the bound is reached. */
  holdPending(proposalId: number, sender: Uint8Array, vote: DemlsAggregateVote): boolean {
    if (this.#pendingCount >= AGGREGATE_LIMITS.pendingVotes) return false
    const list = this.pending.get(proposalId) ?? []
    list.push({ sender, vote })
    this.pending.set(proposalId, list)
    this.#pendingCount++
    return true
  }

  /** Take the votes held for a proposal. */
  takePending(proposalId: number): { sender: Uint8Array; vote: DemlsAggregateVote }[] {
    const list = this.pending.get(proposalId) ?? []
    this.pending.delete(proposalId)
    this.#pendingCount -= list.length
    return list
  }

  /** Remember a proposal's proven outcome (bounded). */
  noteProven(proposalId: number, outcome: boolean, proof?: ProvenBy): void {
    this.proven.delete(proposalId)
    this.proven.set(proposalId, outcome)
    if (proof !== undefined) this.proofs.set(proposalId, proof)
    while (this.proven.size > AGGREGATE_LIMITS.proven) {
      const oldest = this.proven.keys().next().value as number
      this.proven.delete(oldest)
      this.proofs.delete(oldest)
    }
    this.backupProofs.clear(proposalId)
    this.sent.delete(proposalId)
  }

  /** Senders penalised for a forged proof, as `sender:proposal` (bounded like the outcomes). */
  readonly #forgeries = new Set<string>()

  /** Note a forged proof of `proposalId` from `senderHex`; `false` when it was noted already (penalised once). */
  noteForgery(senderHex: string, proposalId: number): boolean {
    const key = `${senderHex}:${proposalId}`
    if (this.#forgeries.has(key)) return false
    this.#forgeries.add(key)
    while (this.#forgeries.size > AGGREGATE_LIMITS.proven) this.#forgeries.delete(this.#forgeries.values().next().value as string)
    return true
  }

  /** Remember our vote and the aggregators it went to (bounded like the collections). */
  noteSent(proposalId: number, vote: DemlsAggregateVote, to: string): void {
    this.sent.delete(proposalId)
    this.sent.set(proposalId, { vote, to })
    while (this.sent.size > AGGREGATE_LIMITS.proposals) this.sent.delete(this.sent.keys().next().value as number)
  }
}
