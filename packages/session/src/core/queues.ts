import type { ConversationUpdateRequest } from '@demls/wire'
import { BoundedSet } from '../state/bounded.js'
import { targetKey, targetOf, targetSatisfied } from '../rules/targets.js'

/**
 * A consensus proposal id (u32).
 *
 * @example
 * ```ts
 * import type { ConversationHandle, ProposalId } from '@demls/session'
 * declare const chat: ConversationHandle
 * const id: ProposalId | undefined = await chat.removeMember(new Uint8Array(20).fill(2))
 * if (id !== undefined) console.log(`vote ${id} opened`)
 * ```
 */
export type ProposalId = number

function bytesEqualOrBothMissing(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * An add/remove request seen but not yet proposed (KeyPackage buffering).
 *
 * @example
 * ```ts
 * import { ConversationQueues, type PendingUpdate } from '@demls/session/rules'
 * const queues = new ConversationQueues()
 * for (const [key, u] of queues.pendingUpdates) {
 *   const update: PendingUpdate = u
 *   console.log(key, update.firstSeenEpoch, update.request.payload)
 * }
 * ```
 */
export interface PendingUpdate {
  request: ConversationUpdateRequest
  /** Epoch at which it was first seen. */
  firstSeenEpoch: bigint
  /**
   * Set for a joiner's own key-package announcement (the join queue):
   * when it was last announced (ms). A re-announcement keeps the entry's
   * place and restarts its age (`firstSeenEpoch` too), so a joiner that
   * keeps announcing keeps its place however many commits go by, while one
   * that gave up ages out after `pendingUpdateMaxEpochs` commits, or after
   * `expireAnnouncements` when no commit happens.
   */
  announcedAt?: number
}

/**
 * The part of {@link ConversationQueues} a fork switch rolls back, as
 * {@link ConversationQueues.captureWork} copies it (entries in order).
 *
 * @example
 * ```ts
 * import { ConversationQueues } from '@demls/session/rules'
 * const queues = new ConversationQueues()
 * const work = queues.captureWork()
 * queues.urgentTarget = 'ab'
 * queues.restoreWork(work) // urgentTarget is undefined again
 * ```
 */
export interface QueueWork {
  approved: [ProposalId, ConversationUpdateRequest][]
  urgentTarget: string | undefined
  pendingUpdates: [string, PendingUpdate][]
  pendingRemovalTargets: string[]
}

/**
 * The fields of {@link ConversationQueues} a fork switch keeps as they
 * are, with the reason; every other field is in {@link QueueWork}.
 * `test/rollback.test.ts` fails on a field in neither, so a new field
 * cannot be silently left out of the rollback.
 *
 * @example
 * ```ts
 * import { QUEUE_FIELDS_KEPT_ACROSS_FORKS } from '@demls/session/rules'
 * console.log(QUEUE_FIELDS_KEPT_ACROSS_FORKS.resolved)
 * ```
 */
export const QUEUE_FIELDS_KEPT_ACROSS_FORKS = {
  voting: 'our open proposals stay open on either branch (consensus is not per branch)',
  approvedAt: 'local approval times, pruned to the approved work that remains',
  resolved: 'a proposal resolved is resolved on either branch',
  committedHashes: 'commits we merged, to drop their copies (the abandoned one included)',
  welcomeHashes: 'Welcomes seen, to drop their copies',
  refusedRemovals: 'votes the group took, not part of any commit',
  activeEmergencies: 'open emergency proposals, not part of any commit',
} as const satisfies Partial<Record<keyof ConversationQueues, string>>

/**
 * Every per-conversation queue and dedup cache (the reference's
 * `ConversationQueues`), with no I/O and no clock.
 *
 * @example
 * ```ts
 * import { ConversationQueues } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * const queues = new ConversationQueues()
 * const request: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: new Uint8Array(20).fill(2) } }
 * queues.bufferUpdate(request, 3n) // waits for a vote
 * console.log(queues.pendingUpdates.size) // 1
 * ```
 */
export class ConversationQueues {
  /** Our own open proposals (we are the owner). */
  readonly voting = new Map<ProposalId, ConversationUpdateRequest>()
  /** Approved add/remove work, in approval order. */
  readonly approved = new Map<ProposalId, ConversationUpdateRequest>()
  /**
   * When each entry of {@link approved} was approved here (ms). A local
   * observation, not saved: after a restart the entries count as approved
   * long ago (see `lagsRecentApprovals`). Pruned with {@link pruneApprovedAt}.
   */
  readonly approvedAt = new Map<ProposalId, number>()
  /** Buffered requests keyed by {@link targetKey}. */
  readonly pendingUpdates = new Map<string, PendingUpdate>()
  /** Proposals already resolved (late votes are benign). */
  readonly resolved = new BoundedSet<ProposalId>(256)
  /** SHA-256 (hex) of the last commits merged. */
  readonly committedHashes = new BoundedSet<string>(10)
  /** SHA-256 (hex) of the last welcomes seen. */
  readonly welcomeHashes = new BoundedSet<string>(10)
  /** Member ids (hex) with an in-flight score-removal ECP. */
  readonly pendingRemovalTargets = new Set<string>()
  /**
   * Score removals the group voted down: member id (hex) → our score of the
   * target then. Not filed again until our score of it falls lower (new
   * evidence): re-filing on the same scores costs the filer
   * `EmergencyNoCreator` each time, until the group removes the filer.
   * One entry per current member at most.
   */
  readonly refusedRemovals = new Map<string, bigint>()
  /** Open emergency proposals (ours or observed): the partial freeze. */
  readonly activeEmergencies = new Set<ProposalId>()
  /** Urgent single-target removal (hex member id), if any. */
  urgentTarget: string | undefined

  /**
   * The work a fork switch rolls back (the branch point's copy of this
   * slice): what the next commit must carry. Every other field is kept
   * across a switch ({@link QUEUE_FIELDS_KEPT_ACROSS_FORKS} says why).
   */
  captureWork(): QueueWork {
    return {
      approved: [...this.approved],
      urgentTarget: this.urgentTarget,
      pendingUpdates: [...this.pendingUpdates],
      pendingRemovalTargets: [...this.pendingRemovalTargets],
    }
  }

  /** Put back the work {@link captureWork} took. */
  restoreWork(work: QueueWork): void {
    this.approved.clear()
    for (const [k, v] of work.approved) this.approved.set(k, v)
    this.urgentTarget = work.urgentTarget
    this.pendingUpdates.clear()
    for (const [k, v] of work.pendingUpdates) this.pendingUpdates.set(k, v)
    this.pendingRemovalTargets.clear()
    for (const t of work.pendingRemovalTargets) this.pendingRemovalTargets.add(t)
  }

  /** Record that `proposalId` entered {@link approved} at `now` (no-op if it did not). */
  noteApproved(proposalId: ProposalId, now: number): void {
    if (this.approved.has(proposalId) && !this.approvedAt.has(proposalId)) this.approvedAt.set(proposalId, now)
  }

  /** Forget approval times of entries no longer approved. */
  pruneApprovedAt(): void {
    for (const id of this.approvedAt.keys()) if (!this.approved.has(id)) this.approvedAt.delete(id)
  }

  /** Whether an add/remove for this target is already approved. */
  isApprovedTarget(key: string): boolean {
    for (const r of this.approved.values()) if (targetKey(r) === key) return true
    return false
  }

  /** Whether an add/remove for this target is one of our open proposals. */
  isVotingTarget(key: string): boolean {
    for (const r of this.voting.values()) if (targetKey(r) === key) return true
    return false
  }

  /** Approved add/remove entries (the MLS-producing work), in approval order. */
  approvedMlsWork(): [ProposalId, ConversationUpdateRequest][] {
    return [...this.approved].filter(([, r]) => r.payload === 'memberInvite' || r.payload === 'removeMember')
  }

  /** Buffer a request seen at `epoch` (first sighting wins). */
  bufferUpdate(request: ConversationUpdateRequest, epoch: bigint): boolean {
    const key = targetKey(request)
    if (key === undefined || this.pendingUpdates.has(key)) return false
    this.pendingUpdates.set(key, { request, firstSeenEpoch: epoch })
    return true
  }

  /**
   * Queue a joiner's announcement (arrival order, one entry per joiner:
   * a re-announcement of the same key package keeps the first one's place
   * and refreshes it; another key package for a queued id is ignored).
   * Returns false when already queued.
   */
  queueAnnouncement(request: ConversationUpdateRequest, epoch: bigint, now: number): boolean {
    const key = targetKey(request)
    if (key === undefined) return false
    const existing = this.pendingUpdates.get(key)
    if (existing !== undefined) {
      // The same announcement again: it keeps its place, and its age restarts.
      // Another key package for the same id does not refresh it (the queued one ages out).
      const same = bytesEqualOrBothMissing(existing.request.memberInvite?.keyPackageBytes, request.memberInvite?.keyPackageBytes)
      if (same) {
        existing.announcedAt = now
        existing.firstSeenEpoch = epoch
      }
      return false
    }
    this.pendingUpdates.set(key, { request, firstSeenEpoch: epoch, announcedAt: now })
    return true
  }

  /**
   * Forget a queued announcement of exactly this request's key package (its
   * add was dropped because that key package expired: proposing it again
   * would only be dropped again). Another key package for the same joiner
   * stays queued.
   */
  forgetAnnouncement(request: ConversationUpdateRequest): boolean {
    const key = targetKey(request)
    const queued = key === undefined ? undefined : this.pendingUpdates.get(key)
    if (queued === undefined || !bytesEqualOrBothMissing(queued.request.memberInvite?.keyPackageBytes, request.memberInvite?.keyPackageBytes)) {
      return false
    }
    return this.pendingUpdates.delete(key!)
  }

  /** Queued announcements: how many, and the bytes of their key packages. */
  announcementLoad(): { count: number; bytes: number } {
    let count = 0
    let bytes = 0
    for (const u of this.pendingUpdates.values()) {
      if (u.announcedAt === undefined) continue
      count++
      bytes += u.request.memberInvite?.keyPackageBytes.length ?? 0
    }
    return { count, bytes }
  }

  /** Drop queued announcements not repeated within `ttlMs` (the joiner gave up). */
  expireAnnouncements(now: number, ttlMs: number): number {
    let dropped = 0
    for (const [key, u] of this.pendingUpdates) {
      if (u.announcedAt !== undefined && now - u.announcedAt > ttlMs) {
        this.pendingUpdates.delete(key)
        dropped++
      }
    }
    return dropped
  }

  /**
   * Drop buffered updates first seen before `epoch − maxEpochs` (the
   * reference's `first_seen < current − max`).
   */
  expireUpdates(epoch: bigint, maxEpochs: number): number {
    let dropped = 0
    for (const [key, u] of this.pendingUpdates) {
      if (u.firstSeenEpoch + BigInt(maxEpochs) < epoch) {
        this.pendingUpdates.delete(key)
        dropped++
      }
    }
    return dropped
  }

  /**
   * Drop buffered updates that the membership already satisfies (adds of
   * members, removes of non-members).
   */
  pruneSatisfiedUpdates(isMember: (memberIdHex: string) => boolean): number {
    let dropped = 0
    for (const [key, u] of this.pendingUpdates) {
      const target = targetOf(u.request)
      if (target !== undefined && targetSatisfied(target, isMember)) {
        this.pendingUpdates.delete(key)
        dropped++
      }
    }
    return dropped
  }

  /** Forget approved removals whose target has left, and their pending and refused marks. */
  dropDepartedRemovals(isMember: (memberIdHex: string) => boolean): void {
    for (const hex of [...this.pendingRemovalTargets]) if (!isMember(hex)) this.pendingRemovalTargets.delete(hex)
    for (const hex of [...this.refusedRemovals.keys()]) if (!isMember(hex)) this.refusedRemovals.delete(hex)
  }

  /** Whether a score removal of `targetHex` may be filed at our current `score` of it (see {@link refusedRemovals}). */
  mayFileRemoval(targetHex: string, score: bigint): boolean {
    const refused = this.refusedRemovals.get(targetHex)
    return refused === undefined || score < refused
  }
}
