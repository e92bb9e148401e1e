import { toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import type { SessionRollback } from '../state/branch-point.js'

/**
 * How one session slice is copied before a merge and put back on a fork
 * switch. `restore` takes exactly what `capture` returned (the registry's
 * type pairs them), so the two cannot disagree on a field.
 *
 * @internal
 */
export interface SliceRollback<S> {
  /** Copy the slice (nothing the copy holds may change with the live slice). */
  capture(core: ConversationCore): S
  /** Put the copy back into the live slice. */
  restore(core: ConversationCore, saved: S): void
}

/**
 * Every slice a fork switch rolls back, by its key in
 * {@link SessionRollback}: the type requires one entry per key, so a slice
 * added to the branch point's copy cannot be captured without a restore
 * or restored without a capture.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { ROLLBACK_SLICES } from '../sync/rollback.js'
 * declare const core: ConversationCore
 * const work = ROLLBACK_SLICES.queues.capture(core)
 * ROLLBACK_SLICES.queues.restore(core, work)
 * ```
 *
 * @internal
 */
export const ROLLBACK_SLICES: { readonly [K in keyof SessionRollback]: SliceRollback<SessionRollback[K]> } = {
  queues: {
    capture: (core) => core.queues.captureWork(),
    restore: (core, work) => core.queues.restoreWork(work),
  },
  joinEpochs: {
    capture: (core) => [...core.membership.joinEpochs],
    restore: (core, saved) => {
      core.membership.joinEpochs.clear()
      for (const [k, v] of saved) core.membership.joinEpochs.set(k, v)
    },
  },
  scores: {
    capture: (core) => core.scoring.allMembersWithScores(),
    restore: (core, saved) => {
      const keep = new Set(saved.map((e) => toHex(e.memberId)))
      for (const e of core.scoring.allMembersWithScores()) if (!keep.has(toHex(e.memberId))) core.scoring.removeMember(e.memberId)
      core.scoring.applySnapshot(saved)
    },
  },
  steward: {
    capture: (core) => core.stewardSnapshot(),
    restore: (core, saved) => {
      if (saved) core.steward.restore(saved)
    },
  },
  approvedCertificates: {
    capture: (core) => [...core.certificates.approved],
    // The certificates of the work the abandoned merge carried come back with that work (those approved since stay).
    restore: (core, saved) => {
      for (const [key, cert] of saved) if (!core.certificates.approved.has(key)) core.certificates.keepApproved(key, cert)
    },
  },
}

/** Copy every slice of {@link ROLLBACK_SLICES} (call before staging or merging). */
export function captureSession(core: ConversationCore): SessionRollback {
  const out: Partial<Record<keyof SessionRollback, unknown>> = {}
  for (const key of Object.keys(ROLLBACK_SLICES) as (keyof SessionRollback)[]) out[key] = ROLLBACK_SLICES[key].capture(core)
  return out as SessionRollback
}

/** Put every slice of `saved` back (the MLS state is the caller's). */
export function restoreSession(core: ConversationCore, saved: SessionRollback): void {
  for (const key of Object.keys(ROLLBACK_SLICES) as (keyof SessionRollback)[]) {
    ;(ROLLBACK_SLICES[key] as SliceRollback<unknown>).restore(core, saved[key])
  }
}
