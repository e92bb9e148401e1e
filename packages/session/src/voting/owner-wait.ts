import { type ConversationUpdateRequest, type Proposal, bytesEqual, toHex } from '@demls/wire'
import { liveStewardGraceMs } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { decodeRequest, targetKey } from '../rules/targets.js'
import { evictOldest } from '../state/bounded.js'

/** How many targets left to their owners a member remembers. */
const REOPENING_KEPT = 256

/**
 * A proposal of `owner` (another member) for `request` was voided here
 * (`voting/crossed-proposals.ts`): its owner opens it again, so leave its
 * target to it for {@link liveStewardGraceMs} from `now`
 * ({@link awaitsOwner}).
 */
export function leaveToOwner(core: Pick<ConversationCore, 'voting' | 'config'>, request: ConversationUpdateRequest, owner: Uint8Array, now: number): void {
  const key = targetKey(request)
  if (key === undefined) return
  core.voting.reopening.delete(key)
  core.voting.reopening.set(key, { owner: toHex(owner), until: now + liveStewardGraceMs(core.config) })
  evictOldest(core.voting.reopening, REOPENING_KEPT)
}

/**
 * Whether a steward leaves the target `key` of a buffered add or removal
 * to the member that owned its voided proposal
 * (`voting/crossed-proposals.ts reproposeVoided`): that member opens it again when it voids it too (at the epoch change or
 * at the proposal's timeout), so a steward proposing it from its buffered
 * updates as well (the new epoch steward does so at once) would open the
 * same work twice, each before it holds the other's, and every member
 * would vote on both (the real network's staggered wave, 2026-11-28: two
 * voided joins proposed twice, 1.4 s apart; `proposal-crosses-commit`
 * scenarios: a removal proposed three times). Until
 * {@link liveStewardGraceMs} after the void, while the owner is a member;
 * past that (an owner gone quiet, its proposal lost) the stewards propose
 * the work as any buffered update. The wait ends early once the owner's
 * proposal is open here (`targetInFlight`), or once the owner shows it is
 * behind ({@link ownerIsBehind}).
 */
export function awaitsOwner(core: Pick<ConversationCore, 'voting' | 'memberSet'>, key: string, now: number): boolean {
  const r = core.voting.reopening.get(key)
  if (r === undefined) return false
  if (now < r.until && core.memberSet().has(r.owner)) return true
  core.voting.reopening.delete(key)
  return false
}

/**
 * Evidence that the owner of a voided proposal is behind: it opened its
 * target again for an electorate we have left (a proposal of the epoch we
 * just left, or one expecting another member count). The members here
 * cannot vote on that proposal, so waiting for it only delays the work:
 * the wait of {@link awaitsOwner} for that target ends now and the
 * stewards propose it as any buffered update. Only the owner itself
 * (`sender`, MLS-authenticated) can end the wait for its own work.
 */
export function ownerIsBehind(core: Pick<ConversationCore, 'voting'>, sender: Uint8Array, proposal: Pick<Proposal, 'payload' | 'proposalOwner'>): void {
  if (core.voting.reopening.size === 0 || !bytesEqual(sender, proposal.proposalOwner)) return
  const request = decodeRequest(proposal.payload)
  const key = request === undefined ? undefined : targetKey(request)
  if (key !== undefined && core.voting.reopening.get(key)?.owner === toHex(sender)) core.voting.reopening.delete(key)
}

/** The earliest end after `now` of a wait of {@link awaitsOwner} among `keys`, or `undefined`; ended waits are forgotten. */
export function ownerWaitEnd(core: Pick<ConversationCore, 'voting'>, keys: Iterable<string>, now: number): number | undefined {
  let at: number | undefined
  for (const key of keys) {
    const r = core.voting.reopening.get(key)
    if (r === undefined) continue
    if (r.until <= now) core.voting.reopening.delete(key)
    else if (at === undefined || r.until < at) at = r.until
  }
  return at
}
