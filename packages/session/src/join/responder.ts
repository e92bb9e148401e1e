import {
  type ConversationUpdateRequest,
  type JoinBeacon,
  type JoinProbe,
  JoinRejectReason,
  JoinStatusKind,
  bytesEqual,
  encodeWelcomeChannelMessage,
  toHex,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import type { ConversationCore } from '../core/core.js'
import { pluginVersions } from '../core/plugins.js'
import { probeAnswerDelay } from '../rules/answer-delay.js'
import { evictOldest } from '../state/bounded.js'
import { type AdmissionComponents, rejectionReason } from '../voting/admission.js'
import { MAX_BEACON_NONCES, beaconNonces, signJoinBeacon, signJoinStatus, verifyJoinBeacon } from './signing.js'

/**
 * What the joiner handshake's responder reads and writes: the responder
 * state it owns (rate limits, delayed answers), our ids, the timing of
 * answers, the phase, the epoch, the MLS membership, the stewards (the
 * installed list, the epoch steward and whether we act as it), the open
 * and approved membership proposals, the plug-ins (they are signed into a
 * beacon) and the vote signer, events and the welcome-channel outbox; and
 * what the admission rules read to tell a refused joiner why (the policy,
 * the invitations, the votes consensus holds, the membership).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { type ResponderComponents, joinAnswerDeadline } from '../join/responder.js'
 * declare const core: ConversationCore
 * const slices: ResponderComponents = core // or plain objects with these members, in a test
 * joinAnswerDeadline(slices)
 * ```
 */
export interface ResponderComponents {
  readonly id: string
  readonly memberId: Uint8Array
  readonly config: Pick<ConversationCore['config'], 'probeAnswerDelayMs' | 'probeAnswerIntervalMs' | 'probeAnswersPerSecond' | 'admission'>
  readonly joinResponder: ConversationCore['joinResponder']
  readonly sm: Pick<ConversationCore['sm'], 'state'>
  readonly mls: Pick<ConversationCore['mls'], 'isMember' | 'members'>
  readonly steward: Pick<ConversationCore['steward'], 'currentList'>
  readonly consensus: Pick<ConversationCore['consensus'], 'getProposal' | 'getSession'>
  readonly invitations: Pick<ConversationCore['invitations'], 'vouches'>
  readonly queues: Pick<ConversationCore['queues'], 'voting' | 'approved'>
  readonly plugins: ConversationCore['plugins']
  readonly scoring: ConversationCore['scoring']
  readonly outbox: Pick<ConversationCore['outbox'], 'packets'>
  epoch(): bigint
  epochSteward(): Uint8Array | undefined
  isEpochSteward(now: number): boolean
  isMemberHex(hex: string): boolean
  emit: ConversationCore['emit']
}

/** What a signed status about a joiner needs. */
type StatusSlices = Pick<ResponderComponents, 'id' | 'joinResponder' | 'plugins' | 'epoch' | 'outbox'>
/** What deciding whether we speak for a proposal needs. */
type SpeakerSlices = Pick<ResponderComponents, 'id' | 'memberId' | 'consensus' | 'mls' | 'isEpochSteward'>
/** What telling a refused joiner why needs (with the invite links, when a link join is refused). */
type ReasonSlices = Pick<ResponderComponents, 'id' | 'config' | 'invitations' | 'consensus' | 'isMemberHex'> &
  Pick<AdmissionComponents, 'inviteLinks' | 'voting'>

/** Length of a probe nonce. */
export const PROBE_NONCE_LENGTH = 16
/**
 * Probes waiting for our (delayed) answer at most: what our beacon budget
 * answers in one second (`probeAnswersPerSecond` beacons of
 * {@link MAX_BEACON_NONCES} probes each), and never fewer than two full
 * beacons. A burst of joiners (many following one invite link) is then
 * answered within a second or two, so they all announce before the next
 * commit: a joiner whose probe was dropped announces only after the group
 * took the others in, and then every member votes on its join. The budget
 * bounds what the answers cost (beacons per second, nonces per beacon);
 * this cap bounds the memory a flood of forged probes holds.
 *
 * @internal
 */
export function pendingAnswersMax(config: Pick<ConversationCore['config'], 'probeAnswersPerSecond'>): number {
  return MAX_BEACON_NONCES * Math.max(2, config.probeAnswersPerSecond)
}
/** Prober ids whose last answer time we remember. */
const MAX_PROBERS = 256

/** Our delay before answering a probe ({@link probeAnswerDelay}). */
function answerDelay(core: Pick<ResponderComponents, 'config' | 'memberId' | 'isEpochSteward' | 'steward' | 'epochSteward'>, nonce: Uint8Array, now: number): number {
  return probeAnswerDelay({
    stepMs: core.config.probeAnswerDelayMs,
    self: core.memberId,
    actingEpochSteward: core.isEpochSteward(now),
    stewards: core.steward.currentList()?.members ?? [],
    epochSteward: core.epochSteward(),
    nonce,
  })
}

/** A join probe arrived on the welcome channel. */
export function onJoinProbe(core: ResponderComponents, probe: JoinProbe, now: number): void {
  if (probe.nonce.length !== PROBE_NONCE_LENGTH || probe.memberId.length === 0 || probe.memberId.length > 64) {
    core.emit({ type: 'dropped', reason: 'undecodable', detail: 'malformed join probe' })
    return
  }
  if (core.sm.state !== 'working') {
    core.emit({ type: 'dropped', reason: 'not-working', detail: 'join probe' })
    return
  }
  const state = core.joinResponder
  const nonceHex = toHex(probe.nonce)
  const proberHex = toHex(probe.memberId)
  const pendingMax = pendingAnswersMax(core.config)
  if (!state.proberOf.has(nonceHex)) {
    state.proberOf.set(nonceHex, proberHex)
    // Every waiting probe's prober stays known (a beacon another member sends for it counts).
    evictOldest(state.proberOf, Math.max(512, 2 * pendingMax))
  }
  if (state.answered.has(nonceHex) || state.pending.has(nonceHex)) {
    core.emit({ type: 'dropped', reason: 'duplicate', detail: 'join probe' })
    return
  }
  if (now - (state.lastAnswerAt.get(proberHex) ?? Number.NEGATIVE_INFINITY) < core.config.probeAnswerIntervalMs) {
    core.emit({ type: 'dropped', reason: 'rate-limited', detail: 'join probe: prober answered recently' })
    return
  }
  for (const p of state.pending.values()) {
    if (bytesEqual(p.prober, probe.memberId)) {
      core.emit({ type: 'dropped', reason: 'rate-limited', detail: 'join probe: prober already waiting for an answer' })
      return
    }
  }
  const delay = answerDelay(core, probe.nonce, now)
  // Right after a beacon of ours, a probe waits a little to share the next one with any probe
  // that comes meanwhile (many joining at once): half a step, so the next steward still waits for it.
  const shareAt = state.lastBeaconAt + coalesceMs(core)
  const answerNow = delay === 0 && now >= shareAt
  if (answerNow && sendBeacon(core, [{ prober: probe.memberId, nonce: probe.nonce }], now)) return
  if (state.pending.size >= pendingMax) {
    core.emit({ type: 'dropped', reason: 'rate-limited', detail: 'join probe: too many waiting' })
    return
  }
  // Past this second's beacon budget the answer waits for the next second's (bounded by the cap above).
  const fireAt = answerNow ? nextBudgetWindow(state) : delay === 0 ? shareAt : now + delay
  state.pending.set(nonceHex, { prober: probe.memberId, nonce: probe.nonce, fireAt })
}

/** The global beacon budget counts beacons per window of this length. */
const BUDGET_WINDOW_MS = 1_000

/** When the next window of the global beacon budget opens (for answers this window's budget could not send). */
function nextBudgetWindow(state: ResponderComponents['joinResponder']): number {
  return state.windowStart + BUDGET_WINDOW_MS
}

/** How long after a beacon of ours probes wait to share the next one: half an answer step. */
function coalesceMs(core: Pick<ResponderComponents, 'config'>): number {
  return Math.floor(core.config.probeAnswerDelayMs / 2)
}

/** `proberHex` was answered at `now`: the newest entry of the per-prober rate limit (bounded). */
function rememberAnswer(state: ResponderComponents['joinResponder'], proberHex: string, now: number): void {
  state.lastAnswerAt.delete(proberHex)
  state.lastAnswerAt.set(proberHex, now)
  evictOldest(state.lastAnswerAt, MAX_PROBERS)
}

/**
 * Another member's beacon: if it is valid (signed by a current member, for
 * this conversation) the probes it names are answered, so we stay silent
 * on them, and it counts against each prober's rate limit as if we had
 * sent it (the group answers a prober about once per
 * `probeAnswerIntervalMs`, not once per member).
 */
export function onJoinBeacon(core: Pick<ResponderComponents, 'id' | 'joinResponder' | 'mls' | 'plugins'>, beacon: JoinBeacon, now: number): void {
  const state = core.joinResponder
  const nonces = beaconNonces(beacon)
  if (nonces === undefined) return
  // The probes it answers that we heard and did not see answered yet (checked before the signature).
  const open = nonces.map(toHex).filter((h) => state.proberOf.has(h) && !state.answered.has(h))
  if (open.length === 0) return
  if (beacon.conversationId !== core.id || !core.mls.isMember(beacon.responder)) return
  if (!verifyJoinBeacon(core.plugins.consensus.signer, beacon)) return
  for (const nonceHex of open) {
    const proberHex = state.proberOf.get(nonceHex) as string
    state.pending.delete(nonceHex)
    state.answered.add(nonceHex)
    if (now > (state.lastAnswerAt.get(proberHex) ?? Number.NEGATIVE_INFINITY)) rememberAnswer(state, proberHex, now)
  }
}

/** When the next delayed probe answer is due. */
export function joinAnswerDeadline(core: Pick<ResponderComponents, 'joinResponder'>): number | undefined {
  let at: number | undefined
  for (const p of core.joinResponder.pending.values()) if (at === undefined || p.fireAt < at) at = p.fireAt
  return at
}

/** Every poll: answer the probes nobody answered in time, all that fell due together in one beacon (or a few). */
export function answerDueProbes(core: Omit<ResponderComponents, 'consensus' | 'queues' | 'isEpochSteward' | 'steward'>, now: number): void {
  const state = core.joinResponder
  const due: { prober: Uint8Array; nonce: Uint8Array }[] = []
  for (const [nonceHex, p] of [...state.pending]) {
    if (p.fireAt > now) continue
    state.pending.delete(nonceHex)
    if (core.sm.state !== 'working') continue
    if (now - (state.lastAnswerAt.get(toHex(p.prober)) ?? Number.NEGATIVE_INFINITY) < core.config.probeAnswerIntervalMs) continue
    // (At most one probe per prober waits: `onJoinProbe`.)
    due.push({ prober: p.prober, nonce: p.nonce })
  }
  for (let i = 0; i < due.length; i += MAX_BEACON_NONCES) {
    if (sendBeacon(core, due.slice(i, i + MAX_BEACON_NONCES), now)) continue
    // This second's budget is spent: the rest wait for the next second's, still answerable by another member meanwhile.
    const next = nextBudgetWindow(state)
    for (const p of due.slice(i)) state.pending.set(toHex(p.nonce), { prober: p.prober, nonce: p.nonce, fireAt: next })
    break
  }
}

/**
 * Send one signed beacon answering up to {@link MAX_BEACON_NONCES} probes,
 * within the global budget (a beacon counts once). Returns false, sending
 * nothing, when this second's budget is spent (the caller keeps the probes
 * waiting for the next second's).
 */
function sendBeacon(
  core: Omit<ResponderComponents, 'consensus' | 'queues' | 'isEpochSteward' | 'steward'>,
  probes: readonly { prober: Uint8Array; nonce: Uint8Array }[],
  now: number,
): boolean {
  const state = core.joinResponder
  const [first, ...rest] = probes
  if (first === undefined) return true
  if (now - state.windowStart >= BUDGET_WINDOW_MS) {
    state.windowStart = now
    state.windowCount = 0
  }
  if (state.windowCount >= core.config.probeAnswersPerSecond) {
    core.emit({ type: 'dropped', reason: 'rate-limited', detail: 'join probe: beacon budget exhausted, the answer waits' })
    return false
  }
  state.windowCount++
  state.lastBeaconAt = now
  for (const p of probes) {
    rememberAnswer(state, toHex(p.prober), now)
    state.answered.add(toHex(p.nonce))
  }
  const joinBeacon = signJoinBeacon(core.plugins.consensus.signer, {
    conversationId: core.id,
    epoch: core.epoch(),
    epochSteward: core.epochSteward() ?? null,
    memberCount: core.mls.members().length,
    nonce: first.nonce,
    moreNonces: rest.map((p) => p.nonce),
    signedAtMs: Math.max(0, Math.floor(now)),
    // Signed with the rest: a joiner running other plug-ins refuses before announcing.
    plugins: pluginVersions(core.plugins, core.scoring),
  })
  core.outbox.packets.push({ subtopic: 'welcome', payload: encodeWelcomeChannelMessage({ joinBeacon }) })
  return true
}

/** Publish a signed status about a joiner's key package. */
function sendStatus(
  core: StatusSlices,
  status: JoinStatusKind,
  invite: { memberId: Uint8Array; keyPackageBytes: Uint8Array },
  proposalId: number,
  now: number,
  rejectReason: JoinRejectReason = JoinRejectReason.JOIN_REJECT_REASON_UNSPECIFIED,
): void {
  core.joinResponder.lastStatusAt.set(toHex(invite.memberId), now)
  evictOldest(core.joinResponder.lastStatusAt, MAX_PROBERS)
  const joinStatus = signJoinStatus(core.plugins.consensus.signer, {
    conversationId: core.id,
    joiner: invite.memberId,
    status,
    proposalId,
    epoch: core.epoch(),
    keyPackageHash: sha256(invite.keyPackageBytes),
    signedAtMs: Math.max(0, Math.floor(now)),
    // Signed with the rest (field 100): nobody can change why on the way.
    rejectReason,
  })
  core.outbox.packets.push({ subtopic: 'welcome', payload: encodeWelcomeChannelMessage({ joinStatus }) })
}

/** We opened membership proposal `proposalId` for a joiner: acknowledge its announcement. */
export function onInviteProposed(core: StatusSlices, proposalId: number, request: ConversationUpdateRequest, now: number): void {
  if (request.payload !== 'memberInvite' || request.memberInvite === undefined) return
  sendStatus(core, JoinStatusKind.JOIN_STATUS_ACKED, request.memberInvite, proposalId, now)
}

/** Whether we speak for a proposal: its owner, or the epoch steward when the owner is unknown or gone. */
function speaksFor(core: SpeakerSlices, proposalId: number, now: number): boolean {
  const owner = core.consensus.getProposal(core.id, proposalId)?.proposalOwner
  if (owner !== undefined && owner.length > 0 && core.mls.isMember(owner)) return bytesEqual(owner, core.memberId)
  return core.isEpochSteward(now)
}

/**
 * A membership proposal resolved: its owner tells the joiner (ADMITTED or
 * REJECTED, with the reason: `rejectionReason`). An undecided vote
 * (`failed`: too few votes arrived before the timeout, usually through
 * message loss) is no rejection: nothing is sent, and the joiner's next
 * announcement opens a new vote.
 */
export function onInviteResolved(
  core: StatusSlices & SpeakerSlices & ReasonSlices,
  proposalId: number,
  request: ConversationUpdateRequest,
  approved: boolean,
  failed: boolean,
  now: number,
): void {
  if (request.payload !== 'memberInvite' || request.memberInvite === undefined) return
  if (failed || !speaksFor(core, proposalId, now)) return
  if (approved) sendStatus(core, JoinStatusKind.JOIN_STATUS_ADMITTED, request.memberInvite, proposalId, now)
  else {
    const reason = rejectionReason(core, proposalId, request.memberInvite.memberId, now)
    sendStatus(core, JoinStatusKind.JOIN_STATUS_REJECTED, request.memberInvite, proposalId, now, reason)
  }
}

/**
 * A joiner re-announced a key package that is already being voted on or
 * approved: it may have missed our status, so the proposal's owner re-sends
 * it (at most once per `probeAnswerIntervalMs` per joiner).
 */
export function onRepeatedAnnouncement(
  core: StatusSlices & SpeakerSlices & Pick<ResponderComponents, 'config' | 'queues'>,
  invite: { memberId: Uint8Array; keyPackageBytes: Uint8Array },
  now: number,
): void {
  const last = core.joinResponder.lastStatusAt.get(toHex(invite.memberId)) ?? Number.NEGATIVE_INFINITY
  if (now - last < core.config.probeAnswerIntervalMs) return
  const find = (m: Map<number, ConversationUpdateRequest>) => {
    for (const [id, r] of m) if (r.payload === 'memberInvite' && r.memberInvite && bytesEqual(r.memberInvite.memberId, invite.memberId)) return id
    return undefined
  }
  const voting = find(core.queues.voting)
  const approved = voting === undefined ? find(core.queues.approved) : undefined
  const id = voting ?? approved
  if (id === undefined || !speaksFor(core, id, now)) return
  const kind = voting !== undefined ? JoinStatusKind.JOIN_STATUS_ACKED : JoinStatusKind.JOIN_STATUS_ADMITTED
  // Report on the key package the proposal carries (the joiner recognises its own).
  const request = core.queues.voting.get(id) ?? core.queues.approved.get(id)
  const carried = request?.memberInvite ?? invite
  sendStatus(core, kind, carried, id, now)
}
