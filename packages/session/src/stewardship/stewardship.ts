import { bytesEqual, toHex } from '@demls/wire'
import { settledMembers } from '@demls/steward'
import { joinProposalSlots, votingInactivityWindow } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { keyOfTarget, targetOf, targetSatisfied } from '../rules/targets.js'
import { withInvitation } from '../join/invite.js'
import { takeLinkJoin } from '../join/invite-link.js'
import { inFlightTargetKeys, initiateProposal } from '../voting/proposals.js'
import { listStampKey } from '../sync/steward-sync.js'
import { electionPool, judgeElection } from './election-check.js'

/**
 * After a merged commit: keep the steward list covering the epoch
 * (`reference-architecture.md` §6.5). A small group (settled members ≤
 * sn_max) regenerates locally; a larger one elects.
 */
export async function reconcileStewardList(core: ConversationCore, now: number, elect = true): Promise<void> {
  const decision = core.steward.reconcile(core.epoch(), core.mls.members(), core.membership.joinEpochs)
  if (decision.kind === 'needs-election') {
    // Beyond the reference: every member knows an election is due, so none
    // commits under the exhausted list until it lands (or the wait ends).
    core.stewardship.awaitElection(core.epoch(), now + electionWaitMs(core))
    if (elect) await initiateStewardElection(core, false, now)
  } else {
    core.stewardship.stopWaiting()
    if (decision.kind === 'install') {
      core.steward.installList(core.epoch(), decision.pool, decision.size, decision.retryRound)
    }
  }
}

/**
 * How long a member waits for a due election before committing under the
 * exhausted list (the reference's behaviour): the election's voting delay
 * and consensus timeout, plus one commit-inactivity window for the
 * commit that follows it to reach us.
 */
export function electionWaitMs(core: ConversationCore): number {
  const c = core.config
  return c.electionVotingDelayMs + c.consensusTimeoutMs + c.commitInactivityMs
}

/** Every poll: stop waiting for a due election once its wait is over. */
export function expireAwaitedElection(core: ConversationCore, now: number): void {
  core.stewardship.expire(core.epoch(), now)
}

/**
 * The lists a missed election at `epoch` could have installed (every retry
 * round over the settled `members`), when our list is exhausted there.
 * A replayed commit whose committer is on one of them was made under an
 * election we did not see.
 */
export function electableLists(
  core: ConversationCore,
  epoch: bigint,
  members: readonly Uint8Array[],
  joinEpochs: ReadonlyMap<string, bigint>,
  exhausted: boolean,
): { retryRound: number; members: readonly Uint8Array[] }[] {
  if (!exhausted) return []
  const pool = settledMembers(members, joinEpochs, epoch)
  if (pool.length <= core.steward.config.snMax) return []
  const out = []
  for (let r = 0; r <= core.steward.maxRetries; r++) {
    out.push({ retryRound: r, members: core.steward.electableList(epoch, pool, r).members })
  }
  return out
}

/**
 * File a `StewardElectionProposal` if we are the responsible proposer
 * (`initiate_steward_election`; when no list member is eligible, the head
 * of the proposed list). Skipped when one of ours is in flight.
 */
export async function initiateStewardElection(core: ConversationCore, recovery: boolean, now: number): Promise<void> {
  for (const r of core.queues.voting.values()) if (r.payload === 'stewardElection') return
  const decision = core.steward.proposeElection({
    epoch: core.epoch(),
    pool: electionPool(core, recovery),
    self: core.memberId,
    // Who proposes: the first list member we have heard from lately (a silent one would never propose).
    eligible: core.actingEligibility(now),
    recovery,
  })
  if (decision.kind !== 'proposed') return
  try {
    await initiateProposal(
      core,
      {
        payload: 'stewardElection',
        stewardElection: {
          proposedStewards: decision.proposedStewards,
          electionEpoch: decision.electionEpoch,
          retryRound: decision.retryRound,
        },
      },
      'deferred',
      now,
    )
  } catch (err) {
    core.error('steward-election', err)
  }
}

/**
 * After an approved removal was queued: when it removes a member of the
 * installed steward list, open the election that replaces the list at
 * once (no steward commits its own removal; without it the group waits
 * for the steward's commit-inactivity window). Every way an approval is
 * taken calls it: our own outcome, an urgent removal, a handed-over
 * certificate, late votes on a voided proposal, an aggregate proof.
 * Opens nothing when an election is already open or we are not the one
 * to propose it (`initiateStewardElection`).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { electOnStewardRemoval } from '../stewardship/stewardship.js'
 * declare const core: ConversationCore
 * declare const removed: Uint8Array // the target of a removal just queued
 * await electOnStewardRemoval(core, removed, core.now)
 * ```
 */
export async function electOnStewardRemoval(core: ConversationCore, target: Uint8Array, now: number): Promise<void> {
  if (core.steward.isSteward(target)) await initiateStewardElection(core, true, now)
}

/**
 * The admin `regenerateStewardList`: open a steward election over the
 * settled members at the current epoch, with the live retry round as seed,
 * whether or not the installed list is exhausted. The reference's
 * `regenerate_steward_list` installs that list locally without a vote; here
 * the group votes on it (our YES bundled; the others auto-vote by the liveness flag), and every
 * member validates the elected list by regenerating it before installing
 * it, so a list change stays something members can check. Resolves the
 * proposal id, or `undefined` when an election is already open.
 *
 * @throws {ConversationBlockedError} while Freezing or Selecting
 * @throws {PartialFreezeError} while an emergency proposal is open
 */
export async function proposeRegeneratedList(core: ConversationCore, now: number): Promise<number | undefined> {
  for (const [id, r] of core.voting.requests) if (r?.payload === 'stewardElection' && !core.queues.resolved.has(id)) return undefined
  const epoch = core.epoch()
  const pool = electionPool(core, false)
  const round = core.steward.nextElectionRound
  const list = core.steward.electableList(epoch, pool, round)
  return initiateProposal(
    core,
    { payload: 'stewardElection', stewardElection: { proposedStewards: [...list.members], electionEpoch: epoch, retryRound: round } },
    'yes',
    now,
  )
}

/**
 * Whether we are the head of the list an open steward election at our
 * epoch proposes, a list we would vote for ourselves (`judgeElection`):
 * the epoch steward once it lands. Beyond the reference (issue 56): an
 * exhausted list has no epoch steward, so the joins announced meanwhile
 * used to wait for the election's vote before their own could start, a
 * second vote round in a row every time the list ran out (every second
 * commit with `snMax` 2). The head opens them while the election is
 * voted on; no commit carries them before the election lands
 * (`freezePending`), and any member may propose a join, so the head
 * gains no power it did not have.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { headOfOpenElection } from '../stewardship/stewardship.js'
 * declare const core: ConversationCore
 * if (headOfOpenElection(core)) console.log('we open the joins while the election is voted on')
 * ```
 */
export function headOfOpenElection(core: ConversationCore): boolean {
  const epoch = core.epoch()
  for (const e of core.openElections()) {
    const head = e.proposedStewards[0]
    // Regenerating the list (judgeElection) costs a hash per member: only for an election naming us first.
    if (e.electionEpoch === epoch && head !== undefined && bytesEqual(head, core.memberId) && judgeElection(core, e)) return true
  }
  return false
}

/**
 * Whether we open buffered joins and removals at once: we are the acting
 * epoch steward, or the head of the list an open election proposes
 * ({@link headOfOpenElection}).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { drainBufferedUpdates, opensBufferedUpdates } from '../stewardship/stewardship.js'
 * declare const core: ConversationCore
 * if (opensBufferedUpdates(core, core.now)) await drainBufferedUpdates(core, core.now)
 * ```
 */
export function opensBufferedUpdates(core: ConversationCore, now: number): boolean {
  return core.isEpochSteward(now) || headOfOpenElection(core)
}

/**
 * The member that proposes buffered joins and removals at once now
 * ({@link opensBufferedUpdates} there), as far as we can tell: the acting
 * epoch steward; while an exhausted list waits for its election, the head
 * of the open election at our epoch that we would vote for, or else the
 * head of the list we would propose ourselves (the one an honest election
 * at this epoch proposes). `undefined` when we know of nobody: no acting
 * epoch steward and no election due (every steward unheard lately), or no
 * settled member to elect.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { bufferedUpdatesOpener } from '../stewardship/stewardship.js'
 * declare const core: ConversationCore
 * const opener = bufferedUpdatesOpener(core, core.now) // who will open what a commit voided
 * ```
 */
export function bufferedUpdatesOpener(core: ConversationCore, now: number): Uint8Array | undefined {
  const acting = core.actingEpochSteward(now)
  if (acting !== undefined || !core.electionOpen()) return acting
  const epoch = core.epoch()
  for (const e of core.openElections()) if (e.electionEpoch === epoch && judgeElection(core, e)) return e.proposedStewards[0]
  const pool = electionPool(core, false)
  return pool.length === 0 ? undefined : core.steward.electableList(epoch, pool, core.steward.nextElectionRound).members[0]
}

/** Buffered add/remove requests worth proposing now. */
function actionableUpdates(core: ConversationCore) {
  const members = core.memberSet()
  const inFlight = inFlightTargetKeys(core)
  const actionable = []
  for (const u of core.queues.pendingUpdates.values()) {
    const target = targetOf(u.request)
    if (target !== undefined && !inFlight.has(keyOfTarget(target)) && !targetSatisfied(target, (h) => members.has(h))) actionable.push(u)
  }
  return actionable
}

/**
 * Consensus sessions still free for buffered updates: the cap less the
 * reserve for elections and emergencies ({@link joinProposalSlots}) less
 * the proposals open now.
 */
export function freeProposalSlots(core: ConversationCore): number {
  return joinProposalSlots(core.config) - core.consensus.activeProposals(core.id).length
}

/**
 * Propose actionable buffered updates (`Deferred`) in arrival order while
 * consensus sessions are free; the rest wait for the next drain (when a
 * proposal resolves), in the same order.
 */
export async function drainBufferedUpdates(core: ConversationCore, now: number): Promise<void> {
  for (const u of actionableUpdates(core)) {
    if (freeProposalSlots(core) <= 0) return
    try {
      // A join carries the invitation we hold for its joiner: every member checks the vouch itself.
      const request = withInvitation(core, u.request, now)
      // And the invite link it proves counts a use once it is committed, here as on the others; a link we know
      // is revoked: the group hears the revocation before the join, and votes on it.
      const revocation = takeLinkJoin(core, request, now)
      if (revocation !== undefined) await core.sendEncrypted({ demlsControl: { inviteLinkRevocation: revocation } })
      await initiateProposal(core, request, 'deferred', now)
    } catch (err) {
      core.error('propose-buffered-update', err)
      return
    }
  }
}

/**
 * Whether buffered updates wait for us to propose them: we are a steward
 * (or the head of an open election), Working, with nothing approved.
 * Read at every step (`takeoverDeadline`): the role, which may regenerate
 * an elected list, is checked last.
 */
function takeoverPending(core: ConversationCore): boolean {
  return (
    core.sm.state === 'working' &&
    core.queues.approved.size === 0 &&
    freeProposalSlots(core) > 0 &&
    actionableUpdates(core).length > 0 &&
    (core.steward.isSteward(core.memberId) || headOfOpenElection(core))
  )
}

/**
 * Backup proposal takeover (`drive_buffered_proposals`, every poll): the
 * epoch steward proposes buffered updates at once; another steward after
 * the voting-inactivity window; plain members never. After a drain the
 * anchor restarts, so updates that could not be proposed are retried one
 * window later.
 */
export async function driveBufferedProposals(core: ConversationCore, now: number): Promise<void> {
  if (!takeoverPending(core)) {
    core.stewardship.takeoverAnchor = undefined
    return
  }
  if (!opensBufferedUpdates(core, now)) {
    core.stewardship.takeoverAnchor ??= now
    if (now < core.stewardship.takeoverAnchor + takeoverWindow(core, now)) return
  }
  core.stewardship.takeoverAnchor = now
  await drainBufferedUpdates(core, now)
  if (!takeoverPending(core)) core.stewardship.takeoverAnchor = undefined
}

/**
 * Deadline of the backup takeover (deviation 8): the anchor plus the
 * window, or `0` (poll at once) when updates wait and no poll anchored
 * them yet — they arrive outside `poll`.
 */
export function takeoverDeadline(core: ConversationCore, now: number): number | undefined {
  if (core.stewardship.takeoverAnchor !== undefined) return core.stewardship.takeoverAnchor + takeoverWindow(core, now)
  return takeoverPending(core) ? 0 : undefined
}

/**
 * How long a steward that is not the epoch steward lets buffered updates
 * wait before it proposes them: the voting-inactivity window, or nothing
 * for the backup steward when the epoch steward showed it cannot act
 * ({@link epochStewardLags}).
 */
function takeoverWindow(core: ConversationCore, now: number): number {
  return epochStewardLags(core, now) ? 0 : votingInactivityWindow(core.config)
}

/**
 * Whether we are the backup steward and the epoch steward showed, in its
 * own signed attestations of our epoch (two, half an attestation interval
 * apart), a steward list older than ours
 * (issue 56: a newly elected steward that missed its election held every
 * join until the backup's window passed). It does not know it is the
 * epoch steward and proposes nothing until a list notice reaches it; the
 * backup proposes the buffered updates at once instead. Evidence, not
 * silence: a lost attestation changes nothing, and a steward that is only
 * slow keeps its window. The epoch steward still commits (its list comes
 * with the notices); a proposal it opens for a target the backup's
 * proposal already holds is not opened (`targetInFlight`).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { epochStewardLags } from '../stewardship/stewardship.js'
 * declare const core: ConversationCore
 * if (epochStewardLags(core, core.now)) console.log('the epoch steward is on an older list: we propose the joins')
 * ```
 */
export function epochStewardLags(core: ConversationCore, now: number): boolean {
  const lag = core.catchUp.stewardListLag
  const list = core.steward.currentList()
  if (lag === undefined || list === undefined || lag.epoch !== core.epoch() || lag.stamp !== listStampKey(list)) return false
  // Attested the old list once is no evidence (it may install the elected one a moment later): twice, half an attestation interval apart.
  if (lag.lastSignedAt - lag.firstSignedAt < core.config.attestationIntervalMs / 2) return false
  const steward = core.epochSteward()
  if (steward === undefined || toHex(steward) !== lag.steward) return false
  const { backup } = core.actingStewards(now)
  return backup !== undefined && bytesEqual(backup, core.memberId)
}
