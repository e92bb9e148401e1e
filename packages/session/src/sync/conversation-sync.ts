import type { ConversationSync, ConversationSyncInit, PluginVersion, PluginVersionInit } from '@demls/wire'
import { applyTiming, toTiming } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { pluginVersions } from '../core/plugins.js'
import { PluginMismatchError } from '../errors.js'
import { type SyncRejectReason, validateSync } from '../rules/validate-sync.js'
import { admissionFromWire, admissionToWire } from '../voting/admission.js'
import { type InviteComponents, invitationsForSync } from '../join/invite.js'
import { type InviteLinkComponents, inviteLinksForSync } from '../join/invite-link.js'

/**
 * What building and applying the governance sync needs: our id and the
 * conversation id, the epoch and membership, the configuration (which
 * {@link applySync} replaces), the plug-ins with the steward-list and
 * scoring services, and the invitations a joiner gets.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { type ConversationSyncComponents, buildSync } from '../sync/conversation-sync.js'
 * declare const core: ConversationCore
 * const slices: ConversationSyncComponents = core // or plain objects with these members, in a test
 * const sync = buildSync(slices, core.now)
 * ```
 */
export type ConversationSyncComponents = Pick<
  ConversationCore,
  'memberId' | 'idBytes' | 'epoch' | 'memberSet' | 'config' | 'plugins' | 'steward' | 'scoring'
> &
  Pick<InviteComponents, 'invitations' | 'isMemberHex'> &
  Partial<Pick<InviteLinkComponents, 'inviteLinks'>>

/**
 * The governance state a joiner needs (`reference-architecture.md` §6.6),
 * built by the committing steward after merging. Unlike the reference, the
 * whole steward list is sent (not only its eligible members), so a joiner's
 * rotation is identical to the older members' (gap §14.4); the plug-in
 * identities ride in the demls extension field, the invitations of
 * members still valid at `now` in another, and the open invite links (with
 * their uses) and revocations in two more.
 */
export function buildSync(
  core: Pick<ConversationSyncComponents, 'memberId' | 'epoch' | 'config' | 'plugins' | 'steward' | 'scoring' | 'invitations' | 'isMemberHex' | 'inviteLinks'>,
  now: number,
): ConversationSyncInit {
  const list = core.steward.currentList()
  const links = core.inviteLinks === undefined ? undefined : inviteLinksForSync({ inviteLinks: core.inviteLinks, isMemberHex: (h) => core.isMemberHex(h) }, now)
  return {
    stewardMembers: list ? [...list.members] : [core.memberId],
    electionEpoch: list?.electionEpoch ?? core.epoch(),
    snMin: core.steward.config.snMin,
    snMax: core.steward.config.snMax,
    allowSubsetCandidates: core.steward.config.allowSubsetCandidates,
    peerScores: core.scoring.snapshot(),
    timing: toTiming(core.config),
    retryRound: list?.retryRound ?? 0,
    maxReelectionAttempts: core.steward.maxRetries,
    livenessCriteriaYes: core.config.livenessCriteriaYes,
    thresholdPeerScore: core.scoring.threshold(),
    pendingUpdateMaxEpochs: core.config.pendingUpdateMaxEpochs,
    demlsPlugins: pluginVersions(core.plugins, core.scoring),
    demlsAdmission: admissionToWire(core.config.admission),
    demlsInvitations: invitationsForSync(core, now),
    ...(links !== undefined ? { demlsInviteLinks: links.links, demlsLinkRevocations: links.revocations } : {}),
  }
}

/**
 * The mismatch between the group's plug-ins and ours, or `undefined` when
 * they agree or the group sent none (a reference peer, or a member
 * predating the field: nothing to compare).
 */
export function pluginMismatch(theirs: readonly PluginVersion[], ours: readonly PluginVersionInit[]): PluginMismatchError | undefined {
  if (theirs.length === 0) return undefined
  const key = (p: { role?: string | null; id?: string | null; version?: string | null }) =>
    `${p.role}=${p.id}@${p.version}`
  const mine = new Set(ours.map(key))
  const differing = theirs.filter((p) => !mine.has(key(p)))
  if (differing.length > 0 || theirs.length !== ours.length) return new PluginMismatchError(theirs.map(key), ours.map(key))
  return undefined
}

/** Compare the group's plug-ins with ours (only when the group sent them). */
export function checkPlugins(core: Pick<ConversationSyncComponents, 'plugins' | 'scoring'>, theirs: readonly PluginVersion[]): void {
  const mismatch = pluginMismatch(theirs, pluginVersions(core.plugins, core.scoring))
  if (mismatch !== undefined) throw mismatch
}

/**
 * Validate and apply a sync received by a joiner. Returns the reject reason
 * when validation fails (a silent reject, as the reference).
 *
 * @throws {InvalidSyncError} for the reference's hard errors
 * @throws {PluginMismatchError} when the group's plug-ins differ from ours
 */
export function applySync(
  core: Pick<ConversationSyncComponents, 'idBytes' | 'epoch' | 'memberSet' | 'config' | 'plugins' | 'steward' | 'scoring'>,
  sync: ConversationSync,
): SyncRejectReason | undefined {
  checkPlugins(core, sync.demlsPlugins)
  const members = core.memberSet()
  const verdict = validateSync(sync, {
    currentEpoch: core.epoch(),
    isMember: (h) => members.has(h),
    localDefaultScore: core.scoring.defaultScore(),
    validateOrder: ({ proposed, epoch, retryRound, snMin, snMax }) =>
      core.steward.plugin.validate({
        proposed,
        epoch,
        retryRound,
        pool: proposed,
        conversationId: core.idBytes,
        config: { snMin, snMax },
      }),
  })
  if (!verdict.ok) return verdict.reason
  core.steward.setConfig({
    snMin: sync.snMin,
    snMax: sync.snMax,
    allowSubsetCandidates: sync.allowSubsetCandidates,
  })
  core.steward.installList(sync.electionEpoch, sync.stewardMembers, sync.stewardMembers.length, sync.retryRound)
  core.steward.setMaxRetries(sync.maxReelectionAttempts)
  core.scoring.setThreshold(sync.thresholdPeerScore)
  core.scoring.applySnapshot(sync.peerScores)
  core.config = {
    ...applyTiming(core.config, sync.timing!),
    livenessCriteriaYes: sync.livenessCriteriaYes,
    pendingUpdateMaxEpochs: sync.pendingUpdateMaxEpochs,
    admission: admissionFromWire(sync.demlsAdmission),
    stewardList: { snMin: sync.snMin, snMax: sync.snMax, allowSubsetCandidates: sync.allowSubsetCandidates },
  }
  return undefined
}
