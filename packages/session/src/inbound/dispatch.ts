import { isAggregator, onAggregateProof, onAggregateVote, takePendingAggregateVotes } from '../voting/aggregate-votes.js'
import { aggregationOf, joinBindingRefusal } from '../voting/aggregation.js'
import { onAggregatorContact } from '../voting/aggregator-contacts.js'
import {
  type HistoryReply,
  type MemberInvite,
  type MemberWelcome,
  type SubtopicName,
  bytesEqual,
  decodeConversationUpdateRequest,
  encodeConversationUpdateRequest,
  toHex,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import type { ConversationCore } from '../core/core.js'
import { ConversationBlockedError, PartialFreezeError } from '../errors.js'
import { advanceFreeze, onCandidateReceived } from '../freeze/commit-flow.js'
import { onInvitation, onJoinProposal } from '../join/invite.js'
import { onInviteLinkRecord, onInviteLinkRevocation, onLinkJoinProposal } from '../join/invite-link.js'
import { onJoinBeacon, onJoinProbe, onRepeatedAnnouncement } from '../join/responder.js'
import { offerWelcome } from '../join/rewelcome.js'
import { sweepScoreRemovals } from '../stewardship/emergency.js'
import { noteSeen } from '../stewardship/liveness.js'
import { drainBufferedUpdates, electOnStewardRemoval, headOfOpenElection, opensBufferedUpdates, proposeRegeneratedList } from '../stewardship/stewardship.js'
import { answerHistory, keepChat, takeHistoryReply } from '../sync/backfill.js'
import {
  hasCurrentFuture,
  noteWelcomeBroadcast,
  onControl,
  requestCatchUp,
  resendWelcome,
  stashFuture,
  takeCurrentFuture,
} from '../sync/catch-up.js'
import { applyForkSwitch, applyReplay } from '../sync/replay.js'
import { onListAttested, onStewardListNotice } from '../sync/steward-sync.js'
import { BAN_REMOVAL_NAME } from '../voting/judge-evidence.js'
import { handleOutcomes } from '../voting/outcome.js'
import { isHandOver, onHandedOver } from '../voting/handover.js'
import { takeLateApproval } from '../voting/late-approval.js'
import { initiateProposal, onIncomingProposal, onIncomingVote, selfLeaveProposalId, targetInFlight } from '../voting/proposals.js'
import { resendPendingLeave } from '../voting/self-leave.js'
import { type Inbound, decodeInbound, decodePastChat } from './decode.js'
import { decodeRequest, keyOfTarget, targetOf } from '../rules/targets.js'

/**
 * Decode one inbound packet ({@link decodeInbound}) and route what arrived
 * to its flow ({@link dispatchInbound}). What `Conversation.receive` runs
 * before the consensus outcomes, the freeze round and the stash.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { receiveInbound } from '../inbound/dispatch.js'
 * declare const core: ConversationCore
 * declare const payload: Uint8Array
 * await receiveInbound(core, { subtopic: 'app', payload }, core.now)
 * ```
 */
export async function receiveInbound(core: ConversationCore, packet: { subtopic: SubtopicName; payload: Uint8Array }, now: number): Promise<void> {
  // Votes are for the aggregators: anyone else drops them before decrypting (a stale subscription, a flood).
  if (packet.subtopic === 'votes' && !isAggregator(core)) {
    core.emit({ type: 'dropped', reason: 'unauthorized', detail: 'aggregate vote: we are not an aggregator' })
    return
  }
  await dispatchInbound(core, await decodeInbound(packet, core.mls), now)
}

/**
 * Route a decoded packet to the flow that handles it: drops become
 * `dropped` events, chat a `message` event, proposals and votes go to
 * `voting/`, candidates to `freeze/`, control messages to `sync/`, join
 * traffic to `join/`. A packet MLS authenticated marks its sender as seen
 * first.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { decodeInbound } from '../inbound/decode.js'
 * import { dispatchInbound } from '../inbound/dispatch.js'
 * declare const core: ConversationCore
 * declare const payload: Uint8Array
 * await dispatchInbound(core, await decodeInbound({ subtopic: 'welcome', payload }, core.mls), core.now)
 * ```
 */
export async function dispatchInbound(core: ConversationCore, inbound: Inbound, now: number): Promise<void> {
  // MLS authenticated the sender: it is alive.
  if ('sender' in inbound && inbound.sender !== undefined) noteSeen(core, inbound.sender, now)
  await (ROUTES[inbound.kind] as Route<Inbound['kind']>)(core, inbound, now)
}

/** The handler of one kind of inbound packet. */
type Route<K extends Inbound['kind']> = (core: ConversationCore, inbound: Extract<Inbound, { kind: K }>, now: number) => void | Promise<void>

/** Where each kind of packet goes (typed over every kind: a new variant needs its route). */
const ROUTES: { readonly [K in Inbound['kind']]: Route<K> } = {
  dropped: (core, { drop }) => core.emit({ type: 'dropped', ...drop }),
  'key-package': (core, { invite }, now) => sponsor(core, invite, now),
  'join-probe': (core, { probe }, now) => onJoinProbe(core, probe, now),
  'join-beacon': (core, { beacon }, now) => onJoinBeacon(core, beacon, now),
  'welcome-offer': (core, { welcome }) => offerWelcome(core, welcome),
  'not-for-members': () => undefined,
  future: (core, { epoch, payload, of }, now) => {
    // Sent in an epoch we have not reached: keep it, and catch up (unless beyond any plausible horizon).
    if (stashFuture(core, epoch, payload, now)) requestCatchUp(core, now)
    else core.emit({ type: 'dropped', reason: 'wrong-epoch', detail: `${of === 'candidate' ? 'candidate ' : ''}framed beyond the future horizon` })
  },
  'commit-candidate': (core, { candidate }, now) => onCandidateReceived(core, candidate, now),
  control: (core, { control }, now) => onPlainControl(core, control, now),
  'member-welcome': (core, { welcome }) => onWelcomeBroadcast(core, welcome),
  chat: (core, { sender, body, epoch, payload }, now) => {
    keepChat(core, payload, now)
    core.emit({ type: 'message', sender, body, epoch, id: sha256(payload) })
  },
  proposal: async (core, { proposal, sender, bindings }, now) => {
    // A certificate of approved work handed over (issue 56): the group's outcome wins over ours.
    if (isHandOver(core, proposal, sender, bindings)) {
      const handed = await onHandedOver(core, proposal, bindings, now)
      if (handed !== 'refused' || !bytesEqual(sender, proposal.proposalOwner)) {
        if (handed === 'refused') core.emit({ type: 'dropped', reason: 'unauthorized', detail: 'handed-over proposal without a verifiable approval' })
        return
      }
    }
    const known = core.consensus.getSession(core.id, proposal.proposalId) !== undefined
    onIncomingProposal(core, proposal, sender, now, bindings)
    // An election naming us head: we open the joins that wait while it is voted on (headOfOpenElection).
    if (!known && core.sm.state === 'working' && headOfOpenElection(core)) await drainBufferedUpdates(core, now)
    // Aggregatable votes that came before the proposal.
    if (!known) await takePendingAggregateVotes(core, proposal.proposalId, now)
    // A join proposal we just accepted: take the invitation it carries, or relay ours when it carries none;
    // note the invite link it proves (or relay the link's revocation we hold).
    if (!known && core.consensus.getSession(core.id, proposal.proposalId)?.state === 'active') {
      const request = decodeRequest(proposal.payload)
      await onJoinProposal(core, request, now)
      await onLinkJoinProposal(core, request, now)
    }
  },
  'aggregate-vote': (core, { vote, sender }, now) => onAggregateVote(core, vote, sender, now),
  'aggregate-proof': async (core, { proof, sender }, now) => {
    if ((await onAggregateProof(core, proof, sender, now, (p) => onIncomingProposal(core, p, p.proposalOwner, now))) !== 'taken') return
    // A removal the proof approved and we queued (a proposal we could not take into the consensus service is
    // queued directly, without the outcome flow): a steward's removal opens the election, as on every other path.
    const id = proof.proposal?.proposalId
    const request = proof.proposal === undefined ? undefined : decodeRequest(proof.proposal.payload)
    const target = request === undefined ? undefined : targetOf(request)
    if (id !== undefined && target?.action === 'remove' && core.queues.approved.has(id)) await electOnStewardRemoval(core, target.member, now)
  },
  vote: async (core, { vote, sender, binding }, now) => {
    // A proven equivocation penalised the voter: stewards file its removal if it fell to the threshold.
    if (onIncomingVote(core, vote, sender, now, binding)) await sweepScoreRemovals(core, now)
    // A vote on a proposal we voided: the group may have approved it after all.
    await takeLateApproval(core, vote, sender, now, binding)
  },
  votes: async (core, { votes, sender }, now) => {
    // Each vote of a bundle as a lone one (`voteBundles`); one sweep if any proved an equivocation.
    let penalised = false
    for (const { vote, binding } of votes) {
      penalised = onIncomingVote(core, vote, sender, now, binding) || penalised
      await takeLateApproval(core, vote, sender, now, binding)
    }
    if (penalised) await sweepScoreRemovals(core, now)
  },
  'membership-notice': (core, { sender }) => core.emit({ type: 'membership-notice', member: sender }),
  'ban-request': (core, { request }, now) => onBanRequest(core, request.userToBan, now),
  'steward-list': (core, { notice }) => onStewardListNotice(core, notice),
  invitation: (core, { invitation, sender }, now) => onInvitation(core, invitation, sender, now),
  'invite-link': (core, { record, sender }, now) => onInviteLinkRecord(core, record, sender, now),
  'invite-link-revocation': (core, { revocation, sender }, now) => onInviteLinkRevocation(core, revocation, sender, now),
  'aggregator-contact': (core, { contact, sender }, now) => onAggregatorContact(core, contact, sender, now),
}

/**
 * Open an election of the list over the settled members at our epoch (as
 * `regenerateStewardList` does): our list's election cannot be proven to a
 * member that missed it. Nothing when one is open, or while we may not
 * propose (freezing, an emergency open); a later attestation asks again.
 */
async function electAgain(core: ConversationCore, now: number): Promise<void> {
  try {
    await proposeRegeneratedList(core, now)
  } catch (err) {
    if (!(err instanceof ConversationBlockedError) && !(err instanceof PartialFreezeError)) core.error('elect-again', err)
  }
}

/**
 * A plaintext control message: catch-up, fork healing, attestations,
 * history. `onControl` returns what to report and send; it is done here,
 * before the replay it returned is applied.
 */
async function onPlainControl(core: ConversationCore, control: Extract<Inbound, { kind: 'control' }>['control'], now: number): Promise<void> {
  const { events, send, replay, resendProposal } = onControl(core, control, now)
  for (const event of events) core.emit(event)
  for (const message of send) core.sendPlain(message)
  // A member's word about an epoch it left (`demls_past_state`) says nothing about the list it holds now.
  const listStamped = control.attestation !== undefined && !control.attestation.demlsPastState
  if (listStamped && (await onListAttested(core, control.attestation!, now)) === 'regenerate') await electAgain(core, now)
  if (replay?.kind === 'catch-up') await applyReplay(core, replay, now)
  else if (replay?.kind === 'fork') await applyForkSwitch(core, replay, now)
  else if (resendProposal !== undefined && !core.sm.blocksMessaging) {
    // Our self-leave goes with our YES and its binding (`resendPendingLeave`): stripped of them it is a proposal
    // nobody can decide (one voter, its owner), and the members that missed it asked for it in vain.
    const leave = resendProposal.proposalId === selfLeaveProposalId(core.memberId) && (await resendPendingLeave(core))
    if (!leave) await core.sendEncrypted({ proposal: resendProposal })
  }
  if (control.historyRequest !== undefined) {
    const refused = answerHistory(core, control.historyRequest, now)
    if (refused !== undefined) core.emit({ type: 'dropped', reason: 'unauthorized', detail: refused })
  }
  if (control.historyReply !== undefined) await backfill(core, control.historyReply, now)
}

/** Feed a history reply's packets through the app channel and report what they gave. */
async function backfill(core: ConversationCore, reply: HistoryReply, now: number): Promise<void> {
  await feedBackfill(core, takeHistoryReply(core, reply, now), now)
}

/**
 * Feed backfilled packets (a member's history reply, or a store's; already
 * deduplicated) through the app channel and report what they gave in a
 * `backfill` event: chat of an epoch we already left is decrypted with its
 * retained keys, the rest goes through the normal receive path, so MLS
 * authenticates all of it and what fails is dropped and counted.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { feedBackfill } from '../inbound/dispatch.js'
 * import { takeStoredPackets } from '../sync/backfill.js'
 * declare const core: ConversationCore
 * declare const fromStore: Uint8Array[]
 * await feedBackfill(core, takeStoredPackets(core, fromStore), core.now)
 * ```
 */
export async function feedBackfill(core: ConversationCore, packets: readonly Uint8Array[], now: number): Promise<void> {
  if (packets.length === 0) return
  // Counted as emitted, not as held in `outbox.events`: a step that ended before ours may drain it while we await.
  const before = core.outbox.messagesEmitted
  for (const p of packets) {
    const framed = core.mls.inspectMessageEpoch(p)
    if (framed !== undefined && framed < core.epoch() && core.mls.inspectMessageKind(p) === 'application') {
      // Of an epoch we already left (we caught up before the reply came): chat only.
      const past = await decodePastChat(p, core.mls)
      if (past.kind === 'chat') core.emit({ type: 'message', sender: past.sender, body: past.body, epoch: past.epoch, id: sha256(p) })
      else core.emit({ type: 'dropped', ...past.drop })
    } else await receiveInbound(core, { subtopic: 'app', payload: p }, now)
  }
  const messages = core.outbox.messagesEmitted - before
  core.emit({ type: 'backfill', packets: packets.length, messages })
}

/**
 * Process the packets stashed for the epoch we just reached (after commits,
 * catch-up included), with their consensus outcomes and freeze rounds.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { drainFuture } from '../inbound/dispatch.js'
 * declare const core: ConversationCore
 * await drainFuture(core, core.now)
 * ```
 */
export async function drainFuture(core: ConversationCore, now: number): Promise<void> {
  for (let round = 0; round < 16 && !core.left && hasCurrentFuture(core); round++) {
    for (const payload of takeCurrentFuture(core)) await receiveInbound(core, { subtopic: 'app', payload }, now)
    await handleOutcomes(core, now)
    if (!core.left) await advanceFreeze(core, now)
  }
}

function onWelcomeBroadcast(core: ConversationCore, welcome: MemberWelcome): void {
  if (!core.queues.welcomeHashes.add(toHex(sha256(welcome.welcomeBytes)))) {
    core.emit({ type: 'dropped', reason: 'welcome-duplicate' })
    return
  }
  // Plaintext: recorded for re-sending only if it matches a commit we merged, never over the recorded one.
  noteWelcomeBroadcast(core, welcome)
  offerWelcome(core, welcome)
  core.emit({ type: 'welcome-ready', welcome, mintedLocally: false })
}

async function onBanRequest(core: ConversationCore, target: Uint8Array, now: number): Promise<void> {
  if (!core.mls.isMember(target)) {
    core.emit({ type: 'dropped', reason: 'not-member', detail: 'ban target is not a member' })
    return
  }
  const request = { payload: 'removeMember' as const, removeMember: { memberId: target } }
  core.queues.bufferUpdate(request, core.epoch())
  if (core.isEpochSteward(now) && core.sm.state === 'working' && !targetInFlight(core, request)) {
    // Beyond the reference: one member's request is decided by explicit votes (silent voters count as NO).
    await initiateProposal(core, request, 'deferred', now, { name: BAN_REMOVAL_NAME, livenessCriteriaYes: false })
  }
}

/**
 * A joiner's key-package announcement (`sponsor_member`). Beyond the
 * reference, it is queued (arrival order, one entry per joiner, bounded
 * by `joinQueueMax` and `joinQueueMaxBytes`) rather than proposed or
 * dropped on the spot: the epoch steward proposes queued joins in order
 * as consensus sessions free up (`drainBufferedUpdates`), also when it
 * arrived outside Working or beyond the session cap.
 */
async function sponsor(core: ConversationCore, invite: MemberInvite, now: number): Promise<void> {
  const key = keyOfTarget({ action: 'add', member: invite.memberId })
  if (!core.queues.pendingUpdates.has(key) && !core.mls.isMember(invite.memberId)) {
    // Checked before the key package is validated, so a flood costs no crypto.
    const load = core.queues.announcementLoad()
    if (load.count >= core.config.joinQueueMax || load.bytes + invite.keyPackageBytes.length > core.config.joinQueueMaxBytes) {
      core.emit({ type: 'dropped', reason: 'queue-full', detail: 'key-package announcement' })
      return
    }
  }
  let info: Awaited<ReturnType<typeof core.plugins.mls.validateKeyPackage>>
  try {
    info = await core.plugins.mls.validateKeyPackage(invite.keyPackageBytes, { nowMs: now })
  } catch (err) {
    core.emit({ type: 'dropped', reason: 'invalid-proposal', detail: 'bad key package', error: err as Error })
    return
  }
  if (!bytesEqual(info.memberId, invite.memberId)) {
    core.emit({ type: 'dropped', reason: 'unauthorized', detail: 'key package identity differs from member id' })
    return
  }
  if (bytesEqual(info.memberId, core.memberId)) return
  if (core.mls.isMember(info.memberId)) {
    // Already admitted: it missed its Welcome.
    resendWelcome(core, info.memberId, now)
    return
  }
  const request = {
    payload: 'memberInvite' as const,
    memberInvite: {
      keyPackageBytes: invite.keyPackageBytes,
      memberId: info.memberId,
      // The joiner's proof that it holds an invite link travels with its join: every member checks it.
      ...(invite.demlsLinkProof !== undefined ? { demlsLinkProof: invite.demlsLinkProof } : {}),
      // In a group whose plug-in aggregates votes, the joiner's key binding travels with its join: every member checks it.
      ...(invite.demlsBlsBinding !== undefined && aggregationOf(core) !== undefined ? { demlsBlsBinding: invite.demlsBlsBinding } : {}),
    },
  }
  const bindingRefusal = joinBindingRefusal(core, request)
  if (bindingRefusal !== undefined) {
    core.emit({ type: 'dropped', reason: 'invalid-bls-binding', detail: `key-package announcement of ${toHex(info.memberId)}: ${bindingRefusal}` })
    return
  }
  if (targetInFlight(core, request)) {
    // The joiner may have missed our acknowledgement or admission.
    onRepeatedAnnouncement(core, request.memberInvite, now)
    return
  }
  // First sighting wins: anyone can mint a key package naming any member id, so a later one never replaces it.
  core.queues.queueAnnouncement(decodeConversationUpdateRequest(encodeConversationUpdateRequest(request)), core.epoch(), now)
  if (core.sm.state !== 'working') {
    core.emit({ type: 'dropped', reason: 'not-working', detail: 'key-package announcement (queued)' })
    return
  }
  if (opensBufferedUpdates(core, now)) await drainBufferedUpdates(core, now)
}
