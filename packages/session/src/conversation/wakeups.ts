import { resendDue } from '../voting/aggregate-votes.js'
import { contactDue } from '../voting/aggregator-contacts.js'
import { phaseDeadline } from '../freeze/commit-flow.js'
import { joinAnswerDeadline } from '../join/responder.js'
import { rewelcomeDeadline } from '../join/rewelcome.js'
import type { WakeupSource } from '../state/deadlines.js'
import { reelectionDeadline } from '../stewardship/reelection.js'
import { takeoverDeadline } from '../stewardship/stewardship.js'
import { historyDeadline } from '../sync/backfill.js'
import { attestationDeadline, catchUpDeadline } from '../sync/catch-up.js'
import { missingProposalsDeadline } from '../sync/missing-proposals.js'
import type { ConversationCore } from '../core/core.js'

/**
 * The deadline of each wake-up source, read from the state of its flow
 * (`undefined`: nothing scheduled). The type lists every
 * {@link WakeupSource}, so a source cannot be left out of the table; a
 * new timed flow adds its key to `WakeupSource` and its function here
 * (`test/wakeups.test.ts` fails on a `…Deadline` function of `src/` that
 * is not listed). Every function only reads the state, and the step's
 * time it is given (the latest time the conversation was given).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { WAKEUP_SOURCES } from '../conversation/wakeups.js'
 * declare const core: ConversationCore
 * const phase = WAKEUP_SOURCES.phase(core, Date.now()) // when the freeze phase wants a poll, if it does
 * ```
 */
export const WAKEUP_SOURCES: { readonly [K in WakeupSource]: (core: ConversationCore, now: number) => number | undefined } = {
  'auto-votes': (core) => core.voting.autoVotes.next(),
  'vote-echoes': (core) => core.voting.voteEchoes.next(),
  // Due at once when the aggregators changed under our open votes and the step can send them (resendDue).
  'backup-proofs': (core, now) => (resendDue(core) ? now : core.aggregate.backupProofs.next()),
  // Due at once when we aggregate and owe the group our transport contact (new to the list, or members joined since).
  'aggregator-contact': (core, now) => (contactDue(core) ? now : undefined),
  timeouts: (core) => core.voting.timeouts.next(),
  phase: phaseDeadline,
  history: historyDeadline,
  // Deviation 8 can be turned off (the reference ignores the takeover when it sleeps).
  takeover: (core, now) => (core.config.referenceGaps?.wakeupIgnoresTakeover ? undefined : takeoverDeadline(core, now)),
  'catch-up': catchUpDeadline,
  // A vote for a proposal we do not hold: the proposal gets a grace to arrive before we ask for it.
  'proposal-requests': missingProposalsDeadline,
  'awaited-election': (core) => core.stewardship.awaitedElection?.until,
  reelection: reelectionDeadline,
  // Due at once, at the step's time.
  attestation: attestationDeadline,
  'join-probes': joinAnswerDeadline,
  rewelcome: rewelcomeDeadline,
  // Voided work of ours left to the epoch steward: the end of the wait.
  'deferred-reproposals': (core) => core.voting.deferredReproposals.next(),
}

/**
 * Write every source's deadline into `core.wakeups` (set, or clear when
 * it has none; all cleared once we left). `Conversation` calls it at the
 * end of every step and when it is built, so `nextWakeupAt` is
 * `core.wakeups.next()`: the state only changes within steps, and `now`
 * only at a step's start.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { registerWakeups } from '../conversation/wakeups.js'
 * declare const core: ConversationCore
 * registerWakeups(core, Date.now())
 * const wakeAt = core.wakeups.next()
 * ```
 */
export function registerWakeups(core: ConversationCore, now: number): void {
  for (const source of Object.keys(WAKEUP_SOURCES) as WakeupSource[]) {
    const at = core.left ? undefined : WAKEUP_SOURCES[source](core, now)
    if (at === undefined) core.wakeups.clear(source)
    else core.wakeups.set(source, at)
  }
}
