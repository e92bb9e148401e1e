import { toHex } from '@demls/wire'
import { deadMemberWindowMs } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { groupMovedOn } from '../sync/catch-up.js'
import { initiateProposal, targetInFlight } from '../voting/proposals.js'
import { INACTIVE_REMOVAL_NAME, inactiveReproposeDelayMs, looksDead } from './liveness.js'

/**
 * Whether we propose removals for inactivity: we act as epoch steward, or
 * no steward acts (we heard from none lately) and we are the first member
 * we heard from lately in member-id order.
 */
function responsibleForDead(core: ConversationCore, now: number): boolean {
  if (core.isEpochSteward(now)) return true
  if (core.actingEpochSteward(now) !== undefined) return false
  const live = core.mls.members().map(toHex).filter((h) => !core.isSuspect(h, now)).sort()
  return live[0] === core.memberHex
}

/**
 * Every poll: the acting epoch steward (or, when no steward acts, the
 * first live member in member-id order) proposes the removal of each member
 * it has not heard from for the dead-member window (with its YES; named
 * {@link INACTIVE_REMOVAL_NAME}; silent voters count NO, so the removal
 * needs explicit YES votes from the rule's majority), unless a removal of it is already in
 * flight or approved. A removal that failed is proposed again only after
 * a growing wait ({@link inactiveReproposeDelayMs}), reset when we hear
 * from the member.
 */
export async function proposeDeadMembers(core: ConversationCore, now: number): Promise<void> {
  if (core.sm.state !== 'working' || core.queues.activeEmergencies.size > 0 || !responsibleForDead(core, now)) return
  // Behind the group (a quorum attests a later epoch): we have not read what the others sent; their silence is ours.
  if (groupMovedOn(core, now)) return
  const window = deadMemberWindowMs(core.config, core.memberCount())
  for (const member of core.mls.members()) {
    const hex = toHex(member)
    if (!looksDead(core, hex, now)) continue
    const last = core.liveness.inactiveProposedAt.get(hex)
    if (last !== undefined && now - last.at < inactiveReproposeDelayMs(window, last.attempts)) continue
    const request = { payload: 'removeMember' as const, removeMember: { memberId: member } }
    if (targetInFlight(core, request)) continue
    core.liveness.inactiveProposedAt.set(hex, { at: now, attempts: (last?.attempts ?? 0) + 1 })
    try {
      // Silent voters count NO: only members that also stopped hearing the target remove it.
      await initiateProposal(core, request, 'yes', now, { name: INACTIVE_REMOVAL_NAME, livenessCriteriaYes: false })
    } catch (err) {
      core.error('inactive-removal', err)
      return
    }
  }
}
