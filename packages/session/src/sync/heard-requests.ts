import { type CommitRequest, toHex } from '@demls/wire'
import type { CatchUpState } from '../state/catch-up-state.js'
import { evictOldest } from '../state/bounded.js'

/**
 * What holds our requests back a moment (beyond the reference): requests
 * of other members that answer ours, and a commit probably on its way to
 * us ({@link inFlightUntil}). A
 * commit replay and a re-sent proposal go to the whole group, so a member
 * that hears another member ask for the same commit or proposal waits one
 * request interval for that answer before asking itself: under load a
 * whole group that fell behind together asked at once, and every request
 * drew replays of about 25 KiB each to every member.
 *
 * Bounded so that no one can silence us: a heard commit request (signed by
 * a member, checked by the caller) defers our next one at most once per
 * request of our own, by one interval; a heard proposal request (unsigned)
 * defers ours by one interval, and its owner answers whoever asked.
 */

/** How long a heard request stands for ours (our own requests' minimum spacing). */
export const HEARD_REQUEST_MS = 1_000

/**
 * How long the commit that leaves our epoch gets to reach us once the group
 * is one epoch ahead, before we ask for it ({@link inFlightUntil}).
 */
export const IN_FLIGHT_MS = 1_000

/** What a commit request asks for, as a key: the epoch it leaves, and the commit (hex) when it names one. */
function commitKey(fromEpoch: bigint, commitHash: Uint8Array | undefined): string {
  return `${fromEpoch}:${commitHash === undefined || commitHash.length === 0 ? '' : toHex(commitHash)}`
}

/**
 * A member's checked commit request for `fromEpoch` (and `commitHash`)
 * that we would send ourselves: stand back for {@link HEARD_REQUEST_MS},
 * unless a heard request already deferred ours since our last one.
 */
export function noteHeardCommitRequest(c: CatchUpState, req: Pick<CommitRequest, 'fromEpoch' | 'commitHash'>, now: number): void {
  const h = c.heardCommitRequest
  if (h !== undefined && h.at > c.lastRequestAt) return
  c.heardCommitRequest = { key: commitKey(req.fromEpoch, req.commitHash), at: now }
}

/**
 * Until when the last heard request stands for our request of `fromEpoch`
 * (and `commitHash`), which may be past; `undefined` when it asked for
 * something else or there is none.
 */
export function heardCommitRequestUntil(c: CatchUpState, fromEpoch: bigint, commitHash: Uint8Array | undefined): number | undefined {
  const h = c.heardCommitRequest
  return h === undefined || h.key !== commitKey(fromEpoch, commitHash) ? undefined : h.at + HEARD_REQUEST_MS
}

/**
 * Until when the commit that leaves `epoch` (ours) may still be on its way
 * to us, which may be past: {@link IN_FLIGHT_MS} after we first learnt,
 * at that epoch, that the group is one epoch ahead (noted here on that
 * first call). The committer merges its commit and attests the next epoch
 * at once, and the members it reached send in the next epoch at once;
 * either can overtake the commit's candidate on its way to us (a few
 * milliseconds of jitter do it on the memory network; seconds of lag on
 * the real network's 30 peers). We used to ask for the commit at the first
 * such sign: in a wave of 29 joins on the memory network with 20 ms of
 * jitter, no loss and no lag, about 110 requests and 50 replays of about
 * 25 KiB each, all to every member, for commits the askers merged
 * themselves moments later. A group two or more epochs ahead is asked at
 * once, and so is a commit that does not come: one interval later. (The
 * caller applies it to members the group confirmed: a joiner not yet
 * confirmed asks at once, `sync/catch-up.ts`.)
 */
export function inFlightUntil(c: CatchUpState, epoch: bigint, now: number): number {
  if (c.oneBehindSince?.epoch !== epoch) c.oneBehindSince = { epoch, at: now }
  return inFlightEnd(c, epoch) as number
}

/** {@link inFlightUntil} without noting anything: `undefined` when we have not learnt it at `epoch`. */
export function inFlightEnd(c: CatchUpState, epoch: bigint): number | undefined {
  return c.oneBehindSince?.epoch === epoch ? c.oneBehindSince.at + IN_FLIGHT_MS : undefined
}

/** Another member asked for proposal `id`, which we do not hold: its owner's re-send will reach us too. */
export function noteHeardProposalRequest(c: CatchUpState, id: number, now: number): void {
  const m = c.proposalRequestAt
  if ((m.get(id) ?? Number.NEGATIVE_INFINITY) >= now) return
  m.delete(id)
  m.set(id, now)
  evictOldest(m, 256)
}
