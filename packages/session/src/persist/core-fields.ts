import type { ConversationCore } from '../core/core.js'
import type { SessionRollback } from '../state/branch-point.js'
import type { SavedConversation } from './snapshot.js'

/** The data fields of {@link ConversationCore} (its methods excluded). */
export type CoreField = { [K in keyof ConversationCore]: ConversationCore[K] extends (...args: never[]) => unknown ? never : K }[keyof ConversationCore]

/**
 * What happens to one field of the core on a fork switch and in a saved
 * state, decided once, where the field is declared to both mechanisms.
 *
 * @internal
 */
export interface FieldFate {
  /**
   * On a fork switch: the {@link SessionRollback} slices that copy it at
   * the branch point (`sync/rollback.ts ROLLBACK_SLICES`), or why it is
   * kept as it is.
   */
  forkSwitch: { rollback: readonly (keyof SessionRollback)[] } | { kept: string }
  /**
   * In the saved state: the {@link SavedConversation} entries that hold it
   * (`'mls'`: the binary section), or why it is not saved.
   */
  save: { saved: readonly (keyof SavedConversation | 'mls')[] } | { notSaved: string }
}

const IDENTITY = 'who we are and which conversation: the same on every branch'
const SERVICE = 'a plug-in service, given again when the conversation is restored'
const NOT_PER_BRANCH = 'proposals and votes are not per branch: a vote counts on whichever branch its proposal is committed'
const LOCAL_TIMING = 'a local timer or observation, not a fact about the group'

/**
 * Every data field of `ConversationCore` with its fate on a fork switch
 * and in a saved state. The type lists every field, so a field added to
 * the core does not compile until it is given both fates here; a field
 * that must roll back goes into a {@link SessionRollback} slice (and its
 * `ROLLBACK_SLICES` entry), one that must survive a restart into
 * {@link SavedConversation} (`saveConversation` and `restoreInto`).
 * `test/rollback.test.ts` checks the table against a live core.
 *
 * @example
 * ```ts
 * import { CORE_FIELDS } from '../persist/core-fields.js'
 * console.log(CORE_FIELDS.membership) // join epochs rolled back; join epochs and epoch history saved
 * ```
 *
 * @internal
 */
export const CORE_FIELDS: { readonly [K in CoreField]: FieldFate } = {
  id: { forkSwitch: { kept: IDENTITY }, save: { saved: ['id'] } },
  idBytes: { forkSwitch: { kept: IDENTITY }, save: { notSaved: 'derived from the id' } },
  memberId: { forkSwitch: { kept: IDENTITY }, save: { saved: ['memberId'] } },
  memberHex: { forkSwitch: { kept: IDENTITY }, save: { notSaved: 'derived from the member id' } },
  config: { forkSwitch: { kept: 'the configuration is the group’s, not a branch’s (a sync may replace it)' }, save: { saved: ['config'] } },
  plugins: { forkSwitch: { kept: SERVICE }, save: { notSaved: SERVICE } },
  mls: { forkSwitch: { kept: 'replaced by the group restored from BranchPoint.mlsState' }, save: { saved: ['mls'] } },
  consensus: { forkSwitch: { kept: NOT_PER_BRANCH }, save: { saved: ['open'] } },
  steward: { forkSwitch: { rollback: ['steward'] }, save: { saved: ['steward'] } },
  scoring: { forkSwitch: { rollback: ['scores'] }, save: { saved: ['scores'] } },
  queues: {
    // The rest of the queues is kept (QUEUE_FIELDS_KEPT_ACROSS_FORKS says why).
    forkSwitch: { rollback: ['queues'] },
    // Buffered updates and announcements are not saved: their members announce again.
    save: { saved: ['approved', 'urgentTarget', 'pendingRemovalTargets', 'refusedRemovals'] },
  },
  rounds: { forkSwitch: { kept: 'the round of the epoch we leave; the transition after the switch closes it' }, save: { saved: ['round'] } },
  catchUp: { forkSwitch: { kept: 'the commit log, attestations and kept candidates describe the group, not our branch' }, save: { saved: ['log', 'own'] } },
  certificates: { forkSwitch: { rollback: ['approvedCertificates'] }, save: { saved: ['certificates'] } },
  history: { forkSwitch: { kept: 'chat kept for members that were away' }, save: { notSaved: 'memory only: a restarted member asks the group for what it missed' } },
  invitations: { forkSwitch: { kept: 'signed invitations are valid on either branch' }, save: { saved: ['invitations'] } },
  inviteLinks: { forkSwitch: { kept: 'signed link records and revocations are valid on either branch; uses count from the membership' }, save: { saved: ['inviteLinks'] } },
  joinResponder: { forkSwitch: { kept: LOCAL_TIMING }, save: { notSaved: 'rate limits and delayed probe answers start afresh' } },
  sm: { forkSwitch: { kept: 'the transition after the switch sets the phase' }, save: { saved: ['mode'] } },
  wakeups: { forkSwitch: { kept: 'written from the other fields at the end of every step' }, save: { notSaved: 'written from the other fields at the end of every step' } },
  left: { forkSwitch: { kept: 'a member whose removal merged switches no more' }, save: { notSaved: 'a member that left saves nothing more' } },
  outbox: { forkSwitch: { kept: 'packets already produced are sent, events already reported' }, save: { saved: ['outbox'] } },
  voting: {
    forkSwitch: { kept: NOT_PER_BRANCH },
    // Auto-votes, timeouts and decoded requests are rebuilt from the saved open proposals; echoes from our saved votes.
    save: { saved: ['ownVotes', 'open'] },
  },
  liveness: { forkSwitch: { kept: LOCAL_TIMING }, save: { notSaved: 'every member gets a fresh grace period after a restart' } },
  membership: {
    // Only the join epochs: the epochs up to the branch point are the same on both branches, and our electorate at join is ours on either.
    forkSwitch: { rollback: ['joinEpochs'] },
    // Not our electorate at join: only for proposals opened before we joined, which a restart abandons.
    save: { saved: ['joinEpochs', 'epochHistory'] },
  },
  stewardship: { forkSwitch: { kept: LOCAL_TIMING }, save: { notSaved: 'a restarted member learns the list from the group' } },
  branch: { forkSwitch: { kept: 'replaced by the transition after the switch' }, save: { saved: ['branch'] } },
  priorBranches: {
    forkSwitch: { kept: 'the transition after the switch keeps those before its branch point' },
    save: { notSaved: 'memory only (MLS states held by reference); a restart heals from the last branch point alone' },
  },
  provisional: { forkSwitch: { kept: 'our own join, which a re-join replaces' }, save: { notSaved: 'a restart ends the provisional window' } },
  now: { forkSwitch: { kept: LOCAL_TIMING }, save: { saved: ['savedAt'] } },
  aggregate: {
    forkSwitch: { kept: 'collected votes and proofs name their epoch and proposal: a switch leaves them unusable, never wrong' },
    save: { notSaved: 'in-flight aggregation; our broadcast vote (saved with the open proposals) is the fallback after a restart' },
  },
  blsBindings: { forkSwitch: { kept: 'signed bindings hold on either branch; the transition after the switch settles them on its members' }, save: { saved: ['blsBindings'] } },
  commitEvidence: { forkSwitch: { kept: 'signed evidence holds on either branch' }, save: { notSaved: 'memory only; what a restart must not re-sign is saved with our candidates (own)' } },
}
