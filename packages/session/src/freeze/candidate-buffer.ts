import { type CommitCandidate, bytesEqual } from '@demls/wire'
import type { CandidateDropReason } from '../rules/candidate-check.js'
import type { CommitAction, RankedCandidate } from '../rules/selection-order.js'
import { AVAILABILITY_LIMITS } from '../sync/limits.js'

/** A commit candidate held for the current freeze round. */
export interface BufferedCandidate extends RankedCandidate {
  /**
   * (From {@link RankedCandidate}) for a received candidate, the committer
   * MLS authenticated, never the id the candidate claims
   * (`candidate.stewardMemberId`).
   */
  stewardMemberId: Uint8Array
  candidate: CommitCandidate
  /** Hex of {@link RankedCandidate.commitHash}. */
  hashHex: string
  /** Built by us (our pending commit), not received. */
  isLocal: boolean
  /** Our own Welcome and joiner ids, for a local candidate that adds members. */
  welcome?: Uint8Array
  joinerIds?: Uint8Array[]
  /** For a local candidate: the key of its changes (`actionSetKey`), to offer it again in a later round of the epoch. */
  changesKey?: string
  /** For a local candidate: the changes it carries. */
  changes?: readonly CommitAction[]
}

/** Outcome of {@link FreezeRounds.offer}. */
export type OfferOutcome =
  | { kind: 'buffered'; stewardMemberId: Uint8Array; opened: boolean }
  | { kind: 'stashed-early' }
  | { kind: 'dropped'; reason: CandidateDropReason }

/** At most this many distinct candidates are echoed per epoch (more means a flood, not a freeze round). */
export const ECHO_MEMORY = 64

/** The open freeze round of one epoch. */
interface Round {
  epoch: bigint
  candidates: Map<string, BufferedCandidate>
  /** Candidates that failed when tried before the freeze ended. */
  triedEarly: Set<string>
}

/**
 * The freeze round of the current epoch plus the stash of candidates that
 * arrived before we saw any approved work (replayed after every consensus
 * outcome). Both are capped at the member count.
 */
export class FreezeRounds {
  /** The last freeze-progress count reported (`freeze-progress` events are sent on change). */
  lastProgress = -1
  #round: Round | undefined
  #stash: { epoch: bigint; items: Map<string, BufferedCandidate> } | undefined
  /** Candidates echoed at one epoch (kept across rounds: a cleared round must not echo them again). */
  #echoed: { epoch: bigint; hashes: Set<string> } = { epoch: -1n, hashes: new Set() }

  /**
   * Whether to echo the candidate `hashHex` of `epoch`: true the first time
   * only (recorded), false for every later copy, and false once
   * {@link ECHO_MEMORY} candidates were echoed at this epoch. Each copy of
   * a re-sent candidate has new wire bytes, so gossipsub's seen cache does
   * not stop a second echo: without this, a refused candidate was echoed
   * again for every copy that came back after its round was cleared.
   */
  firstEcho(hashHex: string, epoch: bigint): boolean {
    if (this.#echoed.epoch !== epoch) this.#echoed = { epoch, hashes: new Set() }
    const hashes = this.#echoed.hashes
    if (hashes.has(hashHex) || hashes.size >= ECHO_MEMORY) return false
    hashes.add(hashHex)
    return true
  }

  /** Candidates refused by a selection at one epoch, with the view they were judged in (see {@link FreezeRounds.noteRefused}). */
  #refused: { epoch: bigint; byHash: Map<string, string> } = { epoch: -1n, byHash: new Map() }

  /**
   * Record that a selection at `epoch` refused the candidate `hashHex` in
   * the view `view` (our commit prefix, steward list and mode): a copy of
   * it (its echoers send one each, and a peer may re-send it) is judged
   * again only once that view changed, instead of opening a freeze round,
   * staging the commit and failing into reelection once per copy. At most
   * {@link ECHO_MEMORY} candidates are remembered per epoch.
   */
  noteRefused(hashHex: string, epoch: bigint, view: string): void {
    if (this.#refused.epoch !== epoch) this.#refused = { epoch, byHash: new Map() }
    const byHash = this.#refused.byHash
    if (!byHash.has(hashHex) && byHash.size >= ECHO_MEMORY) return
    byHash.set(hashHex, view)
  }

  /** The view in which a selection at `epoch` refused the candidate `hashHex`, if one did. */
  refusedView(hashHex: string, epoch: bigint): string | undefined {
    return this.#refused.epoch === epoch ? this.#refused.byHash.get(hashHex) : undefined
  }

  /** Whether the open round or the stash of `epoch` holds the candidate whose commit hash is `hashHex`. */
  holds(hashHex: string, epoch: bigint): boolean {
    return (this.#round?.epoch === epoch && this.#round.candidates.has(hashHex)) || (this.#stash?.epoch === epoch && this.#stash.items.has(hashHex))
  }

  /** The open round's epoch, if a round is open. */
  get openEpoch(): bigint | undefined {
    return this.#round?.epoch
  }

  /** Candidates of the open round for `epoch` (empty otherwise). */
  candidates(epoch: bigint): BufferedCandidate[] {
    return this.#round?.epoch === epoch ? [...this.#round.candidates.values()] : []
  }

  /** Number of candidates in the open round for `epoch`. */
  count(epoch: bigint): number {
    return this.#round?.epoch === epoch ? this.#round.candidates.size : 0
  }

  /** Open (or keep) the round for `epoch`; a round of another epoch is discarded. */
  open(epoch: bigint): void {
    if (this.#round?.epoch !== epoch) this.#round = { epoch, candidates: new Map(), triedEarly: new Set() }
  }

  /**
   * Record that the open round's candidate `hashHex` failed when tried
   * before the freeze ended (`freezeEndsOnBestCandidate`): it is not tried
   * early again, and the round's selection judges it with the others.
   */
  noteTriedEarly(hashHex: string): void {
    this.#round?.triedEarly.add(hashHex)
  }

  /** Whether {@link FreezeRounds.noteTriedEarly} recorded `hashHex` in the open round. */
  triedEarly(hashHex: string): boolean {
    return this.#round?.triedEarly.has(hashHex) === true
  }

  /** Close the round. */
  clear(): void {
    this.#round = undefined
  }

  /**
   * Offer a pre-checked candidate at `epoch`. Without an open round it is
   * buffered into a new round when approved work exists, else stashed.
   */
  offer(b: BufferedCandidate, epoch: bigint, cap: number, hasApprovedWork: boolean): OfferOutcome {
    let opened = false
    if (this.#round?.epoch !== epoch) {
      if (!hasApprovedWork) return this.#stashEarly(b, epoch, cap)
      this.open(epoch)
      opened = true
    }
    const round = this.#round as Round
    if (round.candidates.has(b.hashHex)) return { kind: 'dropped', reason: 'duplicate' }
    if (heldFromCommitter(round.candidates, b)) return { kind: 'dropped', reason: 'committer-has-candidate' }
    if (round.candidates.size >= Math.max(1, cap) || overBytes(round.candidates, b)) return { kind: 'dropped', reason: 'buffer-full' }
    round.candidates.set(b.hashHex, b)
    return { kind: 'buffered', stewardMemberId: b.stewardMemberId, opened }
  }

  /** Take the stashed candidates of `epoch` (stale epochs are dropped). */
  takeStashed(epoch: bigint): BufferedCandidate[] {
    const s = this.#stash
    this.#stash = undefined
    return s?.epoch === epoch ? [...s.items.values()] : []
  }

  /** Number of stashed candidates (any epoch). */
  get stashedCount(): number {
    return this.#stash?.items.size ?? 0
  }

  #stashEarly(b: BufferedCandidate, epoch: bigint, cap: number): OfferOutcome {
    if (this.#stash?.epoch !== epoch) this.#stash = { epoch, items: new Map() }
    const items = this.#stash.items
    if (items.has(b.hashHex)) return { kind: 'dropped', reason: 'duplicate' }
    if (heldFromCommitter(items, b)) return { kind: 'dropped', reason: 'committer-has-candidate' }
    if (items.size >= Math.max(1, cap) || overBytes(items, b)) return { kind: 'dropped', reason: 'buffer-full' }
    items.set(b.hashHex, b)
    return { kind: 'stashed-early' }
  }
}

/**
 * Whether a received candidate's (authenticated) committer already has one
 * held: a member mints one candidate per round, so a second is a flood,
 * and the round (capped at the member count plus one) stays open to every
 * other member's.
 */
function heldFromCommitter(held: Map<string, BufferedCandidate>, b: BufferedCandidate): boolean {
  if (b.isLocal) return false
  for (const c of held.values()) if (!c.isLocal && bytesEqual(c.stewardMemberId, b.stewardMemberId)) return true
  return false
}

/** Bytes a buffered candidate holds. */
function candidateBytes(b: BufferedCandidate): number {
  return b.candidate.commitMessage.length + b.candidate.mlsProposals.reduce((n, p) => n + p.length, 0) + (b.welcome?.length ?? 0)
}

/** Whether adding `b` would take the candidates held past {@link AVAILABILITY_LIMITS.roundBytes}. */
function overBytes(held: Map<string, BufferedCandidate>, b: BufferedCandidate): boolean {
  let total = candidateBytes(b)
  for (const c of held.values()) total += candidateBytes(c)
  return total > AVAILABILITY_LIMITS.roundBytes
}
