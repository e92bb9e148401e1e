import { type CommitRequest, toHex } from '@demls/wire'
import type { CatchUpState } from '../state/catch-up-state.js'
import { evictOldest } from '../state/bounded.js'

/**
 * Requests of other members that answer ours (beyond the reference). A
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

/** Another member asked for proposal `id`, which we do not hold: its owner's re-send will reach us too. */
export function noteHeardProposalRequest(c: CatchUpState, id: number, now: number): void {
  const m = c.proposalRequestAt
  if ((m.get(id) ?? Number.NEGATIVE_INFINITY) >= now) return
  m.delete(id)
  m.set(id, now)
  evictOldest(m, 256)
}
