import { isAggregator, publishBackupProofs } from '../voting/aggregate-votes.js'
import { aggregatesSoon, aggregatorContacts, announceContact } from '../voting/aggregator-contacts.js'
import type { AggregateStats } from '../state/aggregate-votes.js'
import type { MlsService } from '@demls/mls'
import {
  AbortError,
  type AbortOptions,
  MAX_CONTACT_BYTES,
  type MemberWelcome,
  type SubtopicName,
  TypeMembershipChange,
  type ViolationEvidenceInit,
  bytesEqual,
  decodeAppMessage,
  decodeConversationUpdateRequest,
  encodeConversationUpdateRequest,
  toHex,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import {
  AlreadyMemberError,
  ConversationBlockedError,
  ConversationClosedError,
  InvalidArgumentError,
  InvalidSyncError,
  SendQueueFullError,
  StateCorruptError,
  WAKEUP_LOOP_BACKOFF_MS,
  WAKEUP_LOOP_LIMIT,
  WakeupLoopError,
} from '../errors.js'
import { advanceFreeze, startFreezeOnInactivity } from '../freeze/commit-flow.js'
import { heartbeat, retryCatchUp, startHeartbeat } from '../sync/catch-up.js'
import { askMissingProposals } from '../sync/missing-proposals.js'
import { answerDueProbes } from '../join/responder.js'
import { submitEmergency } from '../stewardship/emergency.js'
import type { EquivocationEvidence } from '../rules/equivocation.js'
import type { CommitEquivocation } from '../state/commit-evidence.js'
import { proposeDeadMembers } from '../stewardship/dead-members.js'
import { syncLastSeen } from '../stewardship/liveness.js'
import { suspectWindowMs } from '../core/config.js'
import { driveBufferedProposals, expireAwaitedElection, proposeRegeneratedList } from '../stewardship/stewardship.js'
import { retryReelection } from '../stewardship/reelection.js'
import { applySync } from '../sync/conversation-sync.js'
import { keepChat, requestHistory, retryHistory, storeBackfillSince, takeStoredPackets } from '../sync/backfill.js'
import { readSavedConversation, restoreInto, saveConversation, savedOpenProposals } from '../persist/snapshot.js'
import { recordEpoch } from '../sync/steward-sync.js'
import { handleOutcomes } from '../voting/outcome.js'
import { sendSelfLeave } from '../voting/self-leave.js'
import { drainFuture, feedBackfill, receiveInbound } from '../inbound/dispatch.js'
import { registerWakeups } from './wakeups.js'
import {
  castVote,
  initiateProposal,
  restoreOpenProposals,
  selfLeaveProposalId,
  targetInFlight,
  tickDeadlines,
} from '../voting/proposals.js'
import { type ConversationConfig, type ConversationConfigInit, resolveConfig } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { buildCore } from './build-core.js'
import type { ConversationEvent, ConversationOutbound, InboundDropReason } from '../core/events.js'
import type { ConversationPluginsFactory } from '../core/plugins.js'
import {
  type ApprovedProposal,
  type FreezeCandidateCount,
  type MemberRole,
  type MemberRoleEntry,
  approvedProposals,
  freezeCandidateCount,
  memberRoles,
  pendingLeaves,
} from './queries.js'
import type { ConversationState, OperatingMode } from '../core/state-machine.js'
import { adoptSyncedInvitations, invitationLimitError, ownInvitationBound, sendInvitation } from '../join/invite.js'
import {
  type CreatedInviteLink,
  type InviteLinkInfo,
  type InviteLinkOptions,
  adoptSyncedInviteLinks,
  createInviteLink,
  inviteLinkFields,
  openInviteLinks,
  revokeInviteLink,
} from '../join/invite-link.js'
import { beginProvisional, electorateBefore, healStranded } from '../join/rewelcome.js'
import { reproposeDeferred, timeOutCrossed } from '../voting/crossed-proposals.js'
import { INVITATION_ID_MAX_BYTES } from '../state/invitations.js'
import { type AggregationKeyList, adoptSyncedBindings, orderedAggregationKeys, warmAggregationKeys } from '../voting/aggregation.js'

/** A chat message or an invitation waiting in the send queue, with its promise. */
type QueuedSend =
  | { kind: 'chat'; body: Uint8Array; resolve: () => void; reject: (err: unknown) => void }
  | { kind: 'invite'; invitee: Uint8Array; resolve: (expiresAt: number) => void; reject: (err: unknown) => void; detach: () => void }

/**
 * A FIFO of chat messages and invitations waiting for an epoch change,
 * with their promises (one queue, so that they go out in call order: an
 * invitation, then a message greeting the invitee). `size` and `bytes`
 * count chat messages (`sendQueueMax`, `sendQueueMaxBytes`).
 */
class SendQueue {
  #items: QueuedSend[] = []
  bytes = 0
  size = 0

  /** Everything queued, invitations included. */
  get length(): number {
    return this.#items.length
  }

  /** Invitees of the queued invitations (hex). */
  invitees(): Set<string> {
    return new Set(this.#items.flatMap((i) => (i.kind === 'invite' ? [toHex(i.invitee)] : [])))
  }

  push(body: Uint8Array): Promise<void> {
    const copy = body.slice()
    return new Promise<void>((resolve, reject) => {
      this.#items.push({ kind: 'chat', body: copy, resolve, reject })
      this.bytes += copy.length
      this.size++
    })
  }

  /** Queue an invitation; an abort of `signal` while it waits takes it out and rejects with `AbortError`. */
  pushInvite(invitee: Uint8Array, signal: AbortSignal | undefined): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#items.indexOf(item)
        if (at < 0) return
        this.#items.splice(at, 1)
        reject(new AbortError('aborted while the invitation waited for the epoch change', { cause: signal?.reason }))
      }
      const detach = () => signal?.removeEventListener('abort', onAbort)
      const item: QueuedSend = { kind: 'invite', invitee: invitee.slice(), resolve, reject, detach }
      this.#items.push(item)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  takeAll(): QueuedSend[] {
    const items = this.#items
    this.#items = []
    this.bytes = 0
    this.size = 0
    for (const item of items) if (item.kind === 'invite') item.detach()
    return items
  }

  failAll(err: unknown): void {
    for (const item of this.takeAll()) item.reject(err)
  }
}

/**
 * A packet handed to {@link Conversation.receive}.
 *
 * @example
 * ```ts
 * import { type Conversation, type ConversationInbound } from '@demls/session'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * declare const conv: Conversation
 * const net = new MemoryNetwork()
 * const transport = net.createTransport('alice')
 * transport.addEventListener('message', (e) => {
 *   const packet: ConversationInbound = { subtopic: e.detail.envelope.subtopic, payload: e.detail.envelope.payload }
 *   void conv.receive(packet, net.clock.now())
 * })
 * ```
 */
export interface ConversationInbound {
  subtopic: SubtopicName
  payload: Uint8Array
}

/**
 * Options of {@link Conversation.create}.
 *
 * @example
 * ```ts
 * import { Conversation, type CreateConversationInit, defaultPlugins } from '@demls/session'
 * const init: CreateConversationInit = {
 *   conversationId: 'chat',
 *   plugins: await defaultPlugins(crypto.getRandomValues(new Uint8Array(32))),
 *   now: Date.now(),
 * }
 * const conv = await Conversation.create(init)
 * ```
 */
export interface CreateConversationInit {
  conversationId: string
  plugins: ConversationPluginsFactory
  config?: ConversationConfigInit
  /** Current time (ms since the Unix epoch). */
  now: number
}

/**
 * Options of {@link Conversation.restore}.
 *
 * @example
 * ```ts
 * import { Conversation, type RestoreConversationInit, defaultPlugins } from '@demls/session'
 * declare const saved: Uint8Array // from conv.takeSave() before the restart
 * const privateKey = crypto.getRandomValues(new Uint8Array(32)) // the same key as before, in practice
 * const init: RestoreConversationInit = { conversationId: 'chat', plugins: await defaultPlugins(privateKey), state: saved, now: Date.now() }
 * const conv = await Conversation.restore(init)
 * ```
 */
export interface RestoreConversationInit {
  conversationId: string
  plugins: ConversationPluginsFactory
  /** Bytes saved from this conversation by the same member (see {@link Conversation.enableSaving}). */
  state: Uint8Array
  /** Current time (ms since the Unix epoch). */
  now: number
}

/** Events that do not make the state worth saving on their own (an attacker can cause them at will). */
const UNSAVED_EVENTS: ReadonlySet<ConversationEvent['type']> = new Set(['dropped', 'error', 'message'])

/**
 * Options of {@link Conversation.join}.
 *
 * @example
 * ```ts
 * import { Conversation, type JoinConversationInit, defaultPlugins } from '@demls/session'
 * import type { MemberWelcome } from '@demls/wire'
 * declare const welcome: MemberWelcome // from the welcome subtopic
 * const init: JoinConversationInit = { plugins: await defaultPlugins(crypto.getRandomValues(new Uint8Array(32))), welcome, now: Date.now() }
 * const conv = await Conversation.join(init) // undefined when the Welcome is not for us
 * ```
 */
export interface JoinConversationInit {
  plugins: ConversationPluginsFactory
  /** The Welcome and its encrypted sync, as broadcast by the committing steward. */
  welcome: MemberWelcome
  /** Local configuration; the group's synced values overwrite the shared fields. */
  config?: ConversationConfigInit
  now: number
  /**
   * Called when we refuse the group after MLS accepted its Welcome (a
   * plug-in mismatch or an invalid `ConversationSync`), before `join`
   * throws. `outbound` holds our encrypted self-leave proposal, exactly as
   * {@link Conversation.leave} sends it: publish it on the app channel so
   * the group removes our leaf (otherwise the group keeps a member that
   * never votes). Without this callback nothing is sent.
   */
  onRefusal?: (outbound: ConversationOutbound[], reason: Error) => void | Promise<void>
  /**
   * Inspect the group before joining it: throw to refuse it (e.g. a group
   * none of the members we were answered by belongs to). The Welcome is
   * then dropped without consuming our key package and without sending
   * anything (`onRefusal` is not called: we never belonged to it).
   */
  acceptGroup?: (group: MlsService) => void | Promise<void>
}

/**
 * Open our self-leave: a one-voter proposal with the deterministic id,
 * resolved at once, that another steward commits. Returns false when one
 * is already open or resolved.
 */
async function proposeSelfLeave(core: ConversationCore, now: number): Promise<boolean> {
  const id = selfLeaveProposalId(core.memberId)
  if (core.consensus.getSession(core.id, id) !== undefined || core.queues.resolved.has(id)) return false
  const request = { payload: 'removeMember' as const, removeMember: { memberId: core.memberId } }
  const payload = encodeConversationUpdateRequest(request)
  const proposal = core.consensus.createProposal(
    core.id,
    {
      payload,
      expectedVotersCount: 1,
      proposalId: id,
      name: `self-leave:${toHex(core.memberId)}`,
      expirationSeconds: Math.max(1, Math.ceil(core.config.proposalExpirationMs / 1000)),
      livenessCriteriaYes: true,
      vote: true,
      priority: 'priority', // decided at once: never holds a session
    },
    now,
  )
  core.voting.requests.set(id, decodeConversationUpdateRequest(payload))
  // With the binding of our YES: the proposal is then its own approval certificate, for every member.
  await sendSelfLeave(core, proposal)
  await handleOutcomes(core, now)
  return true
}

/**
 * One de-MLS conversation as seen by one member: a sans-I/O state machine
 * (the Rust 4.x `Conversation`). It never touches a socket or a timer: feed
 * it packets with {@link Conversation.receive}, call
 * {@link Conversation.poll} at {@link Conversation.nextWakeupAt}, and
 * publish what {@link Conversation.drainOutbound} returns. Time is always a
 * parameter (`now`, ms since the Unix epoch). Calls are serialised
 * internally, so they may overlap.
 *
 * @example
 * ```ts
 * import { Conversation, defaultPlugins } from '@demls/session'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * const transport = net.createTransport('alice')
 * const clock = net.clock
 * await transport.start()
 * const plugins = await defaultPlugins(crypto.getRandomValues(new Uint8Array(32)))
 * const conv = await Conversation.create({ conversationId: 'chat', plugins, now: clock.now() })
 * await conv.sendMessage(new TextEncoder().encode('hi'), clock.now())
 * for (const out of conv.drainOutbound()) await transport.publish({ conversationId: 'chat', ...out })
 * ```
 */
export class Conversation {
  readonly #core: ConversationCore
  #chain: Promise<unknown> = Promise.resolve()
  /** Chat messages waiting for the epoch change in flight (see {@link Conversation.sendMessage}). */
  readonly #sendQueue = new SendQueue()

  /** Set by {@link Conversation.enableSaving}: packets wait in `#ready` until their step ends and its state is saved. */
  #saving = false
  /** Outbound of completed steps (while saving). */
  readonly #ready: ConversationOutbound[] = []
  /** The state at the end of the last step that changed it, not taken yet (see {@link Conversation.takeSave}). */
  #pendingSave: Uint8Array | undefined
  /** Epoch at the last save. */
  #savedEpoch: bigint | undefined

  private constructor(core: ConversationCore) {
    this.#core = core
    registerWakeups(core, core.now)
  }

  /** Create a conversation: we are its only member and steward, at epoch 0. */
  static async create(init: CreateConversationInit): Promise<Conversation> {
    const config = resolveConfig(init.config)
    const mls = await init.plugins.createMls(init.conversationId, init.now)
    const core = buildCore(init.conversationId, init.plugins, mls, config)
    core.steward.installList(core.epoch(), [core.memberId], 1, 0)
    core.scoring.addMember(core.memberId)
    recordEpoch(core)
    core.now = init.now
    syncLastSeen(core, init.now)
    startHeartbeat(core, init.now)
    core.phaseChanged()
    return new Conversation(core)
  }

  /**
   * Resume a conversation from the bytes {@link Conversation.takeSave}
   * returned (the same member, the same plug-ins): the MLS group at the
   * epoch it had, the steward list, scores, approved work, the commit log
   * and our signed votes. Every member gets a fresh liveness grace period,
   * and we attest our epoch at once, so the group tells us what we missed
   * and we catch up as any member that fell behind.
   *
   * @throws {StateCorruptError} when the bytes are not a readable state of this conversation and member
   */
  static async restore(init: RestoreConversationInit): Promise<Conversation> {
    const corrupt = (reason: string, cause: unknown) => new StateCorruptError(init.conversationId, reason, { cause })
    let read: ReturnType<typeof readSavedConversation>
    let config: ConversationConfig
    try {
      read = readSavedConversation(init.state, init.conversationId, init.plugins.mls.memberId)
      // A state saved before admission policies existed is of a group that admitted everyone.
      const saved: ConversationConfigInit = read.saved.config
      config = resolveConfig({ ...saved, admission: saved.admission ?? 'open' })
    } catch (err) {
      throw corrupt((err as Error).message, err)
    }
    let mls: MlsService
    try {
      mls = await init.plugins.mls.importGroup(read.mlsState)
    } catch (err) {
      throw corrupt(`MLS state: ${(err as Error).message}`, err)
    }
    if (mls.conversationId !== init.conversationId) throw corrupt('the MLS group is of another conversation', undefined)
    const core = buildCore(init.conversationId, init.plugins, mls, config)
    restoreInto(core, read.saved, init.now)
    recordEpoch(core)
    core.now = init.now
    // Heard from everyone now: a restart is not evidence that the others went quiet.
    syncLastSeen(core, init.now, true)
    // The members' aggregation keys, parsed once here (a group that aggregates), not at the next proof.
    warmAggregationKeys(core)
    restoreOpenProposals(core, savedOpenProposals(read.saved), init.now)
    // What the group said while we were down (within the members' history bound).
    requestHistory(core, read.saved.savedAt, init.now)
    // No startHeartbeat: our first attestation is due at once (the group answers with what we missed).
    core.phaseChanged()
    return new Conversation(core)
  }

  /**
   * Join from a Welcome broadcast by the committing steward. Resolves
   * `undefined` when the Welcome is not for us.
   *
   * Unlike the reference, which joins even when the sync is rejected, we
   * refuse such a group; since MLS already made us a member, our self-leave
   * goes to `init.onRefusal` first.
   *
   * @throws {PluginMismatchError} when the group runs other protocol plug-ins
   * @throws {InvalidSyncError} when the sync is structurally invalid or rejected
   */
  static async join(init: JoinConversationInit): Promise<Conversation | undefined> {
    // The key package is retained: the other side of a fork may have to welcome us again (`join/rewelcome.ts`).
    const mls = await init.plugins.welcomeMls(init.welcome.welcomeBytes, init.acceptGroup, { retainKeyPackage: true })
    if (mls === undefined) return undefined
    // Again, for a plug-in that ignores `accept` (its key package is then lost, but we do not join).
    await init.acceptGroup?.(mls)
    const config = resolveConfig(init.config)
    const core = buildCore(mls.conversationId, init.plugins, mls, config)
    for (const m of mls.members()) core.scoring.addMember(m)
    for (const j of init.welcome.joinerIdentities) core.membership.joinEpochs.set(toHex(j), mls.epoch())
    core.membership.joinElectorate = electorateBefore(mls.members(), init.welcome.joinerIdentities)
    recordEpoch(core)
    try {
      const decrypted = await mls.decrypt(init.welcome.conversationSyncBytes)
      const app = decodeAppMessage(decrypted.plaintext)
      if (app.conversationSync === undefined) throw new InvalidSyncError('the welcome carries no ConversationSync')
      const rejected = applySync(core, app.conversationSync)
      if (rejected !== undefined) throw new InvalidSyncError(`rejected: ${rejected}`)
      adoptSyncedInvitations(core, app.conversationSync.demlsInvitations, init.now)
      adoptSyncedInviteLinks(core, app.conversationSync.demlsInviteLinks, app.conversationSync.demlsLinkRevocations, init.now)
      adoptSyncedBindings(core, app.conversationSync)
    } catch (err) {
      // MLS made us a member: leave again, or our leaf stays in the group as a member that never votes.
      init.plugins.mls.releaseKeyPackage(core.id)
      await Conversation.#leaveRefused(core, init, err)
      throw err
    }
    core.queues.welcomeHashes.add(toHex(sha256(init.welcome.welcomeBytes)))
    beginProvisional(core, init.welcome)
    core.now = init.now
    syncLastSeen(core, init.now)
    startHeartbeat(core, init.now)
    core.phaseChanged()
    await core.sendEncrypted({
      membershipChange: { conversationId: core.id, member: core.memberId, changeType: TypeMembershipChange.Add },
    })
    return new Conversation(core)
  }

  /** A Welcome we refuse after MLS accepted it: hand our self-leave to `onRefusal`. */
  static async #leaveRefused(core: ConversationCore, init: JoinConversationInit, reason: unknown): Promise<void> {
    if (init.onRefusal === undefined) return
    try {
      await proposeSelfLeave(core, init.now)
    } catch {
      return // nothing we could send (the reason is what the caller needs)
    }
    const outbound = core.outbox.packets.splice(0).filter((o) => o.subtopic === 'app')
    await init.onRefusal(outbound, reason as Error)
  }

  /**
   * Run `fn` after every earlier call (the mutex), then send the chat that
   * waited for the epoch change. With a `signal`: an aborted signal rejects
   * at once, and an abort while waiting for the mutex rejects with
   * `AbortError` and `fn` never runs; once `fn` runs it completes.
   */
  #run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const step = async () => {
      try {
        return await fn()
      } finally {
        try {
          await this.#flushSendQueue()
          this.#endStep()
        } finally {
          // Every step ends by writing its deadlines: `nextWakeupAt` reads them.
          registerWakeups(this.#core, this.#core.now)
        }
      }
    }
    if (signal === undefined) {
      const next = this.#chain.then(step, step)
      this.#chain = next.catch(() => undefined)
      return next
    }
    if (signal.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }))
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new AbortError('aborted while waiting for the conversation', { cause: signal.reason }))
      signal.addEventListener('abort', onAbort, { once: true })
      const guarded = async (): Promise<T> => {
        signal.removeEventListener('abort', onAbort)
        if (signal.aborted) throw new AbortError('aborted while waiting for the conversation', { cause: signal.reason })
        return step()
      }
      const next = this.#chain.then(guarded, guarded)
      this.#chain = next.catch(() => undefined)
      next.then(resolve, reject)
    })
  }

  /** Send the queued chat messages and invitations once messaging is open again, in order; fail them if we left. */
  async #flushSendQueue(): Promise<void> {
    const core = this.#core
    if (this.#sendQueue.length === 0) return
    if (core.left) {
      this.#sendQueue.failAll(new ConversationClosedError(core.id))
      return
    }
    if (core.sm.blocksMessaging) return
    for (const item of this.#sendQueue.takeAll()) {
      try {
        if (item.kind === 'chat') {
          await this.#encryptChat(item.body)
          item.resolve()
        } else {
          // The invitee may have joined while the invitation waited: nobody to vouch for any more.
          if (core.mls.isMember(item.invitee)) throw new AlreadyMemberError(toHex(item.invitee))
          item.resolve(await sendInvitation(core, item.invitee, core.now))
        }
      } catch (err) {
        item.reject(err)
      }
    }
  }

  async #encryptChat(body: Uint8Array): Promise<void> {
    const core = this.#core
    await core.sendEncrypted({ conversationMessage: { message: body, sender: core.memberId, conversationId: core.id } }, { retryUnreached: true })
    keepChat(core, core.outbox.packets.at(-1)!.payload, core.now)
  }

  #assertOpen(): void {
    if (this.#core.left) throw new ConversationClosedError(this.#core.id)
  }

  /** The conversation id. */
  get id(): string {
    return this.#core.id
  }

  /** Our member id. */
  get memberId(): Uint8Array {
    return this.#core.memberId
  }

  /** Feed one inbound packet (already unwrapped by the transport). */
  receive(packet: ConversationInbound, now: number): Promise<void> {
    return this.#run(async () => {
      if (this.#core.left) return
      this.#tick(now)
      await receiveInbound(this.#core, packet, now)
      await handleOutcomes(this.#core, now)
      // A candidate may have completed the round: select without waiting for the window.
      if (!this.#core.left) await advanceFreeze(this.#core, now)
      await drainFuture(this.#core, now)
    })
  }

  /**
   * When to ask stores (a transport's `fetchStored`) for what they kept
   * for us: the time our history request to the members reaches back to
   * after a restart, or undefined when we did not ask (not restored).
   */
  storeBackfillSince(): number | undefined {
    return storeBackfillSince(this.#core)
  }

  /**
   * Feed packets a store kept for us (envelope payloads of the `app`
   * subtopic, oldest first) like a member's history reply: repeats are
   * left out, MLS authenticates the rest, and what fails is dropped and
   * counted (`dropped` events); a `backfill` event reports what they gave.
   */
  receiveStored(payloads: readonly Uint8Array[], now: number): Promise<void> {
    return this.#run(async () => {
      if (this.#core.left) return
      this.#tick(now)
      await feedBackfill(this.#core, takeStoredPackets(this.#core, payloads), now)
      await handleOutcomes(this.#core, now)
      if (!this.#core.left) await advanceFreeze(this.#core, now)
      await drainFuture(this.#core, now)
    })
  }

  /**
   * Set the time of this call. A gap longer than the suspect window since
   * the last call means we were not driven (a suspended process): we did
   * not hear anyone because we did not listen, so every member's silence
   * clock restarts.
   */
  #tick(now: number): void {
    const core = this.#core
    if (now - core.now > suspectWindowMs(core.config, core.memberCount())) syncLastSeen(core, now, true)
    if (now > core.now) core.now = now
  }

  /** Advance time-driven logic: auto-votes, timeouts, freeze rounds, commits. */
  poll(now: number): Promise<void> {
    return this.#run(async () => {
      const core = this.#core
      if (core.left) return
      this.#tick(now)
      this.#notePollInstant()
      const steps: [string, () => Promise<void>][] = [
        // Proposals a commit crossed are void at their timeout, not decided by silence.
        ['crossed-timeouts', async () => void (await timeOutCrossed(core, now))],
        ['tick-deadlines', () => tickDeadlines(core, now)],
        // A backup aggregator's proof, when no proof came within its rank's delay.
        ['backup-proofs', () => publishBackupProofs(core, now)],
        // Our transport contact, to the members, when we aggregate and they lack it.
        ['aggregator-contact', () => announceContact(core)],
        ['election-wait', async () => expireAwaitedElection(core, now)],
        // Reelection nobody moved (its responsible proposer never saw the work): the next member in line files the election.
        ['reelection', () => retryReelection(core, now)],
        ['consensus-outcomes', () => handleOutcomes(core, now)],
        ['advance-freeze', () => advanceFreeze(core, now)],
        ['buffered-proposals', () => driveBufferedProposals(core, now)],
        // Voided work of ours we left to the epoch steward: ours to open again if it has not by the end of the wait.
        ['deferred-reproposals', async () => void (await reproposeDeferred(core, now))],
        ['history-request', async () => retryHistory(core, now)],
        ['freeze-on-inactivity', () => startFreezeOnInactivity(core, now)],
        // Our own candidate may have completed the round.
        ['advance-freeze', () => advanceFreeze(core, now)],
        // Still behind the group, or on a losing branch: ask again.
        ['catch-up', async () => retryCatchUp(core, now)],
        // Proposals whose votes came and which did not follow within the grace: ask their owners.
        ['proposal-requests', async () => askMissingProposals(core, now)],
        // Welcomed into a state the group abandoned: re-join from the Welcome that leads to the majority's.
        ['rewelcome', async () => void (await healStranded(core, now))],
        // Re-attest our epoch now and then (signed), so cut-off members learn where the group is and everyone that we are alive.
        ['attestation', async () => heartbeat(core, now)],
        // Join probes nobody answered within our stagger delay.
        ['join-probes', async () => answerDueProbes(core, now)],
        // Propose removing members we have not heard from for the dead-member window.
        ['dead-members', () => proposeDeadMembers(core, now)],
      ]
      for (const [name, step] of steps) {
        try {
          await step()
        } catch (err) {
          core.error(name, err)
        }
        if (core.left) return
      }
      await drainFuture(core, now)
    })
  }

  /** Packets to publish, in order; clears the buffer. */
  drainOutbound(): ConversationOutbound[] {
    if (this.#saving) return this.#ready.splice(0)
    return this.#core.outbox.packets.splice(0)
  }

  /**
   * Save the state after every step that changed it, and hold each step's
   * packets until that step has ended (beyond the reference; what
   * `User.create({ storage })` uses). From now on {@link drainOutbound}
   * returns only packets of completed steps, and {@link takeSave} the state
   * those steps produced: write it durably before publishing them, so a
   * crash can never leave a packet sent whose state is lost (a vote cast
   * twice differently, a key used twice).
   */
  enableSaving(): void {
    if (this.#saving) return
    this.#saving = true
    this.#endStep(true)
  }

  /**
   * The state saved at the end of the last step that changed it (sent
   * packets, merged a commit, or emitted an event other than a drop, an
   * error or a chat message), once; `undefined` when nothing changed since
   * the last call. Only with {@link enableSaving}.
   */
  takeSave(): Uint8Array | undefined {
    const save = this.#pendingSave
    this.#pendingSave = undefined
    return save
  }

  /** End of a step (while saving): release its packets and save its state if it changed. */
  #endStep(force = false): void {
    if (!this.#saving) return
    const core = this.#core
    const sent = core.outbox.packets.length > 0
    for (const o of core.outbox.packets.splice(0)) this.#ready.push(o)
    const changed = force || sent || core.epoch() !== this.#savedEpoch || core.outbox.events.some((e) => !UNSAVED_EVENTS.has(e.type))
    if (!changed || core.left) return
    this.#pendingSave = saveConversation(core, core.now, this.#ready)
    this.#savedEpoch = core.epoch()
  }

  /** Events, in order; clears the buffer. */
  drainEvents(): ConversationEvent[] {
    return this.#core.outbox.events.splice(0)
  }

  /**
   * When `poll` should next run (ms), or undefined when nothing is
   * scheduled: the earliest deadline of the wake-up table, which every
   * step ends by writing (`conversation/wakeups.ts`: every timer counts).
   */
  nextWakeupAt(): number | undefined {
    const core = this.#core
    if (core.left) return undefined
    const next = core.wakeups.next()
    // Caught in a wake-up loop (WakeupLoopError): not again at that instant, at most every WAKEUP_LOOP_BACKOFF_MS.
    const loop = this.#pollInstant
    if (next === undefined || loop.polls < WAKEUP_LOOP_LIMIT || next > loop.at) return next
    return loop.at + WAKEUP_LOOP_BACKOFF_MS
  }

  /** The instant of the last polls and how many in a row ran at it (a wake-up loop's count). */
  #pollInstant = { at: Number.NEGATIVE_INFINITY, polls: 0 }

  /**
   * Count the polls at one instant. A flow due at once is served by the
   * next poll, so many polls in a row at one instant mean a source due at
   * once that its step does not serve: reported once as a
   * {@link WakeupLoopError} (with the sources due), and `nextWakeupAt`
   * backs off from then on until time moves.
   */
  #notePollInstant(): void {
    const core = this.#core
    if (core.now !== this.#pollInstant.at) {
      this.#pollInstant = { at: core.now, polls: 1 }
      return
    }
    this.#pollInstant.polls++
    if (this.#pollInstant.polls !== WAKEUP_LOOP_LIMIT) return
    const sources = core.wakeups.due(core.now).map(([source]) => source)
    core.emit({ type: 'error', operation: 'poll', error: new WakeupLoopError(sources, core.now) })
  }

  /**
   * Send an encrypted chat message. While an epoch change is in flight
   * (Freezing or Selection) the message waits, in order, and is encrypted
   * and queued for publication in the next epoch as soon as the group is
   * working again; the promise settles then. Messages are never reordered:
   * a message sent while others wait queues behind them.
   *
   * @throws {SendQueueFullError} when `sendQueueMax` messages or `sendQueueMaxBytes` bytes already wait
   * @throws {ConversationClosedError} when we left (also for queued messages if we leave first)
   * @throws {AbortError} when `options.signal` aborts before the call's turn (the message is then neither sent nor queued; once queued, it stays)
   */
  async sendMessage(body: Uint8Array, now: number, options: AbortOptions = {}): Promise<void> {
    const queued = await this.#run(async () => {
      this.#assertOpen()
      this.#tick(now)
      const core = this.#core
      if (!core.sm.blocksMessaging && this.#sendQueue.length === 0) {
        await this.#encryptChat(body)
        return undefined
      }
      const { sendQueueMax, sendQueueMaxBytes } = core.config
      if (this.#sendQueue.size >= sendQueueMax || this.#sendQueue.bytes + body.length > sendQueueMaxBytes) {
        throw new SendQueueFullError(this.#sendQueue.size, this.#sendQueue.bytes)
      }
      // Wrapped in an object: returning the bare promise would make the mutex wait for it.
      return { sent: this.#sendQueue.push(body) }
    }, options.signal)
    await queued?.sent
  }

  /**
   * Every inbound packet dropped so far, by reason (gossip delivers
   * duplicates and late packets routinely; only the first of each kind per
   * epoch becomes a `dropped` event).
   */
  dropCounts(): Partial<Record<InboundDropReason, number>> {
    return this.#core.outbox.drops.totals()
  }

  /**
   * The equivocations we saw (beyond the reference): members that signed a
   * YES and a NO on the same proposal, each with its two votes, oldest
   * first (the newest 64 are kept). Each was penalised once
   * (`EquivocatingVote`) and reported as an `equivocation` event; anyone
   * can check one with `verifyEquivocation` of `@demls/session/rules`.
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * declare const conv: Conversation
   * for (const e of conv.equivocations()) console.log(`member voted both ways on proposal ${e.proposalId}`)
   * ```
   */
  equivocations(): EquivocationEvidence[] {
    return [...this.#core.voting.equivocations.values()]
  }

  /**
   * The commit equivocations we caught (beyond the reference): members that
   * signed two different commits with the same changes for one epoch, each
   * with its two candidates, oldest first (the newest 16 are kept). Each
   * was penalised once (`EquivocatingCommit`) and reported as a
   * `commit-equivocation` event; a member still at that epoch checks one
   * with `verifyCommitEquivocation`.
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * declare const conv: Conversation
   * for (const p of conv.commitEquivocations()) console.log(`two commits for epoch ${p.epoch}`)
   * ```
   */
  commitEquivocations(): CommitEquivocation[] {
    return [...this.#core.commitEvidence.proven.values()]
  }

  /** Chat messages waiting for the epoch change in flight. */
  queuedMessageCount(): number {
    return this.#sendQueue.size
  }

  /** Invitations waiting for the epoch change in flight (see {@link Conversation.invite}). */
  queuedInvitationCount(): number {
    return this.#sendQueue.length - this.#sendQueue.size
  }

  /**
   * Propose adding the owner of `keyPackage`, with our YES bundled.
   * Resolves the proposal id, or `undefined` when the joiner is already a
   * member or already proposed.
   *
   * @throws {ConversationBlockedError} unless Working
   * @throws {InvalidArgumentError} on an invalid key package
   * @throws {AbortError} when `options.signal` aborts before the operation starts (it then never runs)
   */
  addMember(keyPackage: Uint8Array, now: number, options: AbortOptions = {}): Promise<number | undefined> {
    return this.#run(async () => {
      this.#assertOpen()
      const core = this.#core
      if (core.sm.state !== 'working') throw new ConversationBlockedError('add a member', core.sm.state)
      let info: Awaited<ReturnType<typeof core.plugins.mls.validateKeyPackage>>
      try {
        info = await core.plugins.mls.validateKeyPackage(keyPackage, { nowMs: now })
      } catch (err) {
        throw new InvalidArgumentError('invalid key package', { cause: err })
      }
      if (core.mls.isMember(info.memberId)) return undefined
      const request = { payload: 'memberInvite' as const, memberInvite: { keyPackageBytes: keyPackage, memberId: info.memberId } }
      if (targetInFlight(core, request)) return undefined
      return initiateProposal(core, request, 'yes', now)
    }, options.signal)
  }

  /**
   * Vouch for `memberId` joining (admission by invitation, beyond the
   * reference): sign an invitation with our member key and send it
   * encrypted to the group. Every member checks the signature and that we
   * are a member, keeps it for 24 hours from when it is sent
   * (`INVITATION_LIFETIME_MS`) and, under the default `admission: 'invite'`,
   * auto-votes YES on the invitee's join proposal (which the epoch steward
   * opens when the invitee announces its key package). Resolves when the
   * invitation stops vouching (ms). Members that join later get it in
   * their sync. While an epoch change is in flight (Freezing or Selection)
   * the invitation waits, in order with queued chat messages, and is sent
   * as soon as the group is working again; the promise settles then.
   *
   * An invitation ends only when its invitee joins, when it expires, or
   * when we leave: none is ever evicted. We may have at most
   * `INVITATIONS_PER_INVITER` (64) open (queued ones included), and the
   * members hold at most `INVITATIONS_MAX` (2048) in all; past either,
   * `invite` fails with {@link InvitationLimitError}. Inviting a member
   * again renews its invitation and needs no room.
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * declare const conv: Conversation
   * declare const bobId: Uint8Array
   * await conv.invite(bobId, Date.now())
   * // bob: await bobUser.join('chat') — admitted by the members' automatic votes
   * ```
   *
   * @throws {InvalidArgumentError} when `memberId` is empty or longer than 64 bytes
   * @throws {AlreadyMemberError} when `memberId` is already a member (also when it joins while the invitation waits)
   * @throws {InvitationLimitError} when we already have 64 open invitations, or the members hold 2048 (checked when called and again when sent)
   * @throws {ConversationClosedError} when we left (also for a waiting invitation if we leave first)
   * @throws {AbortError} when `options.signal` aborts before the invitation is sent (it is then neither kept nor sent)
   */
  async invite(memberId: Uint8Array, now: number, options: AbortOptions = {}): Promise<number> {
    const out = await this.#run(async (): Promise<{ expiresAt: number } | { sent: Promise<number> }> => {
      this.#assertOpen()
      const core = this.#core
      if (!(memberId instanceof Uint8Array) || memberId.length === 0 || memberId.length > INVITATION_ID_MAX_BYTES) {
        throw new InvalidArgumentError(`an invitee is a member id of 1 to ${INVITATION_ID_MAX_BYTES} bytes`)
      }
      if (core.mls.isMember(memberId)) throw new AlreadyMemberError(toHex(memberId))
      this.#tick(now)
      if (!core.sm.blocksMessaging && this.#sendQueue.length === 0) return { expiresAt: await sendInvitation(core, memberId, now) }
      // Queued: count the invitations already waiting against our bound (renewals of held or queued ones excepted).
      const queued = this.#sendQueue.invitees()
      const me = toHex(core.memberId)
      const pending = [...queued].filter((h) => !core.invitations.holds(me, h)).length
      const bound = queued.has(toHex(memberId)) ? undefined : ownInvitationBound(core, memberId, now, pending)
      if (bound !== undefined) throw invitationLimitError(core, bound, pending)
      // Wrapped in an object: returning the bare promise would make the mutex wait for it.
      return { sent: this.#sendQueue.pushInvite(memberId, options.signal) }
    }, options.signal)
    return 'sent' in out ? out.sent : out.expiresAt
  }

  /**
   * Propose removing a member, with our YES bundled.
   *
   * @throws {ConversationBlockedError} unless Working
   * @throws {InvalidArgumentError} when `memberId` is not a member
   * @throws {AbortError} when `options.signal` aborts before the operation starts (it then never runs)
   */
  removeMember(memberId: Uint8Array, now: number, options: AbortOptions = {}): Promise<number | undefined> {
    return this.#run(async () => {
      this.#assertOpen()
      const core = this.#core
      if (core.sm.state !== 'working') throw new ConversationBlockedError('remove a member', core.sm.state)
      if (!core.mls.isMember(memberId)) throw new InvalidArgumentError(`${toHex(memberId)} is not a member`)
      const request = { payload: 'removeMember' as const, removeMember: { memberId } }
      if (targetInFlight(core, request)) return undefined
      return initiateProposal(core, request, 'yes', now)
    }, options.signal)
  }

  /**
   * Vote on an open proposal (cancels the pending auto-vote).
   *
   * @throws {ConversationBlockedError} while Freezing or Selecting
   * @throws {AbortError} when `options.signal` aborts before the operation starts (it then never runs)
   */
  vote(proposalId: number, choice: boolean, now: number, options: AbortOptions = {}): Promise<void> {
    return this.#run(async () => {
      this.#assertOpen()
      const core = this.#core
      if (core.sm.blocksMessaging) throw new ConversationBlockedError('vote', core.sm.state)
      await castVote(core, proposalId, choice, now)
      await handleOutcomes(core, now)
    }, options.signal)
  }

  /**
   * File an Emergency Criteria Proposal (our YES bundled; we are the
   * creator). Resolves the proposal id. While it is open, lower-priority
   * proposals are neither created nor accepted (partial freeze).
   *
   * @throws {ConversationBlockedError} while Freezing or Selecting
   * @throws {AbortError} when `options.signal` aborts before the operation starts (it then never runs)
   */
  submitEmergency(evidence: ViolationEvidenceInit, now: number, options: AbortOptions = {}): Promise<number> {
    return this.#run(async () => {
      this.#assertOpen()
      const id = await submitEmergency(this.#core, evidence, now)
      await handleOutcomes(this.#core, now)
      return id
    }, options.signal)
  }

  /**
   * Leave (self-removal): a one-voter proposal with a deterministic id that
   * resolves at once; another steward commits it. A second call is a no-op.
   * Resolves whether a proposal was sent.
   *
   * @throws {AbortError} when `options.signal` aborts before the operation starts (it then never runs)
   */
  leave(now: number, options: AbortOptions = {}): Promise<boolean> {
    return this.#run(async () => {
      this.#assertOpen()
      return proposeSelfLeave(this.#core, now)
    }, options.signal)
  }

  /**
   * Ask the group to regenerate the steward list now (the reference's admin
   * `regenerate_steward_list`): opens a steward election over the settled
   * members at the current epoch, seeded with the live retry round, with
   * our YES bundled. Unlike the reference, which installs the list locally
   * without a vote, the list changes only if the group accepts the
   * election, and every member regenerates the elected list before
   * installing it. Resolves the proposal id, or `undefined` when a steward
   * election is already open.
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * declare const conv: Conversation
   * const id = await conv.regenerateStewardList(Date.now())
   * // later: a 'consensus-reached' event for `id`, then conv.stewards() is the new list
   * ```
   *
   * @throws {ConversationBlockedError} while Freezing or Selecting
   * @throws {PartialFreezeError} while an emergency proposal is open
   * @throws {AbortError} when `options.signal` aborts before the operation starts (it then never runs)
   */
  regenerateStewardList(now: number, options: AbortOptions = {}): Promise<number | undefined> {
    return this.#run(async () => {
      this.#assertOpen()
      const id = await proposeRegeneratedList(this.#core, now)
      await handleOutcomes(this.#core, now)
      return id
    }, options.signal)
  }

  /**
   * Every current member with its role in this epoch, in leaf order (the
   * reference's `member_roles`; see {@link MemberRole}).
   */
  memberRoles(): MemberRoleEntry[] {
    return memberRoles(this.#core, this.#core.now)
  }

  /** The role of `memberId` (default: ours) in this epoch, or `undefined` when it is not a member. */
  role(memberId: Uint8Array = this.#core.memberId): MemberRole | undefined {
    const hex = toHex(memberId)
    return memberRoles(this.#core, this.#core.now).find((e) => toHex(e.memberId) === hex)?.role
  }

  /** Whether recovery mode is on (a Deadlock ECP was accepted; any member may commit until an election lands). */
  isInRecoveryMode(): boolean {
    return this.#core.sm.mode === 'recovery'
  }

  /**
   * Freeze-round progress (the reference's `freeze_candidate_count`): the
   * candidates buffered for this epoch (0 outside Freezing and Selection)
   * and how many the round waits for.
   */
  freezeCandidateCount(): FreezeCandidateCount {
    return freezeCandidateCount(this.#core)
  }

  /**
   * Members whose self-leave was received and approved but not committed
   * yet (the reference's `pending_leave_member_ids`), in leaf order.
   */
  pendingLeaves(): Uint8Array[] {
    return pendingLeaves(this.#core)
  }

  /**
   * The approved add/remove work of this epoch in approval order, with
   * proposal ids, and whether the next commit carries each entry (the
   * reference's `approved_proposals_for_current_epoch`).
   */
  approvedProposals(): ApprovedProposal[] {
    return approvedProposals(this.#core)
  }

  /**
   * The open invitations we hold (ours, received, or synced when we
   * joined), oldest first: who vouches for whom, until when (ms). Those
   * that ended are left out (and forgotten): expired, used (the invitee is
   * a member) or revoked (the inviter is not). Under `admission: 'invite'`
   * our automatic vote on an invitee's join is YES.
   */
  invitations(now: number): { inviter: Uint8Array; invitee: Uint8Array; expiresAt: number }[] {
    const core = this.#core
    core.invitations.prune(now, (hex) => core.isMemberHex(hex))
    return core.invitations.all().map((h) => ({ inviter: h.invitation.inviter, invitee: h.invitation.invitee, expiresAt: h.expiresAt }))
  }

  /**
   * Create an invite link (beyond the reference): one string a person can
   * paste anywhere (`demls:` and base64url, a few hundred characters) that
   * lets whoever holds it join, `uses` times (default 1), until it expires
   * (default in 7 days, at most 30). It carries the conversation id, a fresh
   * secret, and the link's record signed with our member key (us as its
   * creator, its uses, expiry and the `addresses` given, where the group can
   * be reached). The record is sent encrypted to the group and synced to
   * joiners; the secret never leaves the link. A joiner proves it holds the
   * link by signing its own identity and key package with a key derived
   * from the secret (`User.joinByLink`); every member checks that proof
   * against the record, its revocations and its uses (counted when a commit
   * adds the joiner), and votes YES. The link stops working when it
   * expires, is spent, is revoked (`revokeInviteLink`, by any member) or
   * when we leave or are removed. Not while the group changes epoch.
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * declare const conv: Conversation
   * const { link, id, expiresAt } = await conv.createInviteLink(Date.now(), { uses: 3, expiresInMs: 3_600_000 })
   * console.log(`share ${link}; revoke with revokeInviteLink('${id}'); expires ${new Date(expiresAt).toISOString()}`)
   * ```
   *
   * @throws {InvalidArgumentError} on `uses` (1–1000), `expiresInMs` (1 ms–30 days) or `addresses` (at most 4 of at most 128 bytes) out of bounds
   * @throws {InviteLinkLimitError} when we already have 16 open links, or the members hold 256
   * @throws {ConversationBlockedError} while the group changes epoch (Freezing, Selection)
   * @throws {ConversationClosedError} when we left
   * @throws {AbortError} when `options.signal` aborts before the operation starts (it then never runs)
   */
  createInviteLink(now: number, options: InviteLinkOptions = {}): Promise<CreatedInviteLink> {
    return this.#run(async () => {
      this.#assertOpen()
      const core = this.#core
      this.#tick(now)
      inviteLinkFields(options, now)
      if (core.sm.blocksMessaging) throw new ConversationBlockedError('create an invite link', core.sm.state)
      return createInviteLink(core, options, now)
    }, options.signal)
  }

  /**
   * The open invite links we know of (ours, received, synced, or learned
   * from a joiner's proof), oldest first: id, creator, uses and how many
   * were used (members the link added, counted in commit order), expiry and
   * addresses. Expired and revoked links, and those whose creator is no
   * longer a member, are left out (and forgotten).
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * declare const conv: Conversation
   * for (const l of conv.inviteLinks(Date.now())) console.log(l.id, `${l.used}/${l.uses}`)
   * ```
   */
  inviteLinks(now: number): InviteLinkInfo[] {
    return openInviteLinks(this.#core, now)
  }

  /**
   * Revoke an open invite link for the whole group (any member may revoke
   * any link): a revocation signed with our member key, sent encrypted and
   * synced to joiners. A joiner using it afterwards is refused with
   * `RejectedError` reason `link-revoked`; a member that missed the
   * revocation gets it again from any member that sees such a join.
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * declare const conv: Conversation
   * declare const id: string // from createInviteLink or inviteLinks
   * await conv.revokeInviteLink(id, Date.now())
   * ```
   *
   * @throws {UnknownInviteLinkError} when we hold no open link with this id
   * @throws {ConversationBlockedError} while the group changes epoch (Freezing, Selection)
   * @throws {ConversationClosedError} when we left
   * @throws {AbortError} when `options.signal` aborts before the operation starts (it then never runs)
   */
  revokeInviteLink(id: string, now: number, options: AbortOptions = {}): Promise<void> {
    return this.#run(async () => {
      this.#assertOpen()
      const core = this.#core
      this.#tick(now)
      if (core.sm.blocksMessaging) throw new ConversationBlockedError('revoke an invite link', core.sm.state)
      await revokeInviteLink(core, id, now)
    }, options.signal)
  }

  /** Current MLS members (member ids in leaf order). */
  members(): Uint8Array[] {
    return this.#core.mls.members()
  }

  /** Current MLS epoch. */
  epoch(): bigint {
    return this.#core.epoch()
  }

  /** The epoch authenticator (equal on every member of an epoch; compare to detect forks). */
  epochAuthenticator(): Uint8Array {
    return this.#core.mls.epochAuthenticator()
  }

  /** Protocol phase. */
  state(): ConversationState {
    return this.#core.sm.state
  }

  /** Operating mode. */
  mode(): OperatingMode {
    return this.#core.sm.mode
  }

  /** Whether our own removal has been committed. */
  get isClosed(): boolean {
    return this.#core.left
  }

  /** Whether we are on the current steward list. */
  isSteward(): boolean {
    return this.#core.steward.isSteward(this.#core.memberId)
  }

  /** Whether we act as this epoch's steward (see {@link Conversation.epochSteward}). */
  isEpochSteward(): boolean {
    return this.#core.isEpochSteward(this.#core.now)
  }

  /**
   * The member acting as this epoch's steward here: the steward the
   * rotation names, unless we have not heard from it for the suspect
   * window (`suspectWindowMs`), then the next steward in rotation we have
   * heard from. The member {@link Conversation.memberRoles} marks
   * `epoch-steward` (`undefined` when it marks none: no list, an exhausted
   * list, nobody eligible). Equal to the shared rotation's epoch steward
   * while every steward is heard from; otherwise a local view.
   */
  epochSteward(): Uint8Array | undefined {
    return this.#core.actingEpochSteward(this.#core.now)
  }

  /** The installed steward list (rotation order), if any. */
  stewards(): Uint8Array[] {
    return [...(this.#core.steward.currentList()?.members ?? [])]
  }

  /**
   * In a group whose consensus plug-in aggregates votes (`@demls/bls`):
   * this epoch's ordered aggregation key list (members in ascending id
   * order, each with the key of its verified binding), or why there is
   * none (`'not-aggregating'`, `'missing'` bindings, an `'invalid-list'`).
   * Every member of the epoch builds the same list.
   */
  aggregationKeys(): AggregationKeyList {
    const list = orderedAggregationKeys(this.#core)
    // The session keeps this list for the epoch's votes and proofs: the caller gets arrays of its own.
    if (list.ok) return { ...list, members: list.members.map((m) => m.slice()), publicKeys: list.publicKeys.map((k) => k.slice()) }
    return list.reason === 'missing' ? { ...list, missing: list.missing.map((m) => m.slice()) } : list
  }

  /**
   * Whether we read this conversation's `votes` subtopic: the group's
   * plug-in aggregates votes and we are one of its aggregators (a steward
   * of the installed list). `User` subscribes and unsubscribes accordingly.
   */
  readsVotes(): boolean {
    return isAggregator(this.#core)
  }

  /**
   * Whether an open steward election names us in a group that aggregates
   * votes (and we do not aggregate yet): `User` subscribes to the `votes`
   * subtopic ahead, so that the members' transports know us as a
   * subscriber by the time the list is installed and the open votes are
   * sent to its aggregators.
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * declare const conversation: Conversation
   * const readVotesTopic = conversation.readsVotes() || conversation.aggregatesSoon()
   * ```
   */
  aggregatesSoon(): boolean {
    return aggregatesSoon(this.#core)
  }

  /** Whether the group's consensus plug-in aggregates votes (then its votes travel on the `votes` subtopic). */
  aggregatesVotes(): boolean {
    return this.#core.plugins.consensus.aggregation !== undefined && !this.#core.left
  }

  /**
   * Give the conversation our transport's contact (`Transport.contact()`),
   * or `undefined` when it has none. While we aggregate this group's votes
   * we announce it to the members (MLS-encrypted), when we become an
   * aggregator, when it changes and whenever members joined since, so they
   * can dial us (`Transport.dialContact`) and send us their votes directly
   * instead of through relays. `User` calls it; nothing is sent from here,
   * the next `poll` does it (the wake-up is due at once).
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * import type { Transport } from '@demls/wire'
   * declare const conversation: Conversation
   * declare const transport: Transport
   * conversation.setTransportContact(transport.contact?.())
   * ```
   */
  setTransportContact(contact: Uint8Array | undefined): void {
    const core = this.#core
    const held = core.aggregate.ownContact
    if (contact !== undefined && (contact.length === 0 || contact.length > MAX_CONTACT_BYTES)) contact = undefined
    if (held === contact || (held !== undefined && contact !== undefined && bytesEqual(held, contact))) return
    core.aggregate.ownContact = contact?.slice()
    registerWakeups(core, core.now)
  }

  /**
   * The group's current vote aggregators other than us (`current: true`),
   * each with the transport contact it announced (`undefined` until one
   * came), then the members an open steward election names that announced
   * theirs ahead (`current: false`). Empty in a group that does not
   * aggregate votes. `User` dials these contacts (the upcoming ones ahead,
   * so they are reached when the list is installed), and stops relaying
   * the `votes` subtopic once it reached every current aggregator
   * (`relayVotes: 'auto'`).
   *
   * @example
   * ```ts
   * import type { Conversation } from '@demls/session'
   * import type { Transport } from '@demls/wire'
   * declare const conversation: Conversation
   * declare const transport: Transport
   * for (const { contact } of conversation.aggregatorContacts()) if (contact !== undefined) await transport.dialContact?.(contact)
   * ```
   */
  aggregatorContacts(): { member: Uint8Array; contact: Uint8Array | undefined; current: boolean }[] {
    return aggregatorContacts(this.#core).map(({ member, contact, current }) => ({ member: member.slice(), contact: contact?.slice(), current }))
  }

  /**
   * Encrypted messages this member sent, by `AppMessage` payload (`vote`,
   * `proposal`, `demlsAggregateVote`, `demlsAggregateProof`, …): count and
   * ciphertext bytes since the conversation was opened here (memory only).
   * What the benchmarks read to count vote traffic.
   */
  sentByKind(): Record<string, { count: number; bytes: number }> {
    return Object.fromEntries([...this.#core.outbox.sentByKind].map(([k, v]) => [k, { ...v }]))
  }

  /** Counters of aggregated voting (votes sent and collected, proofs built, taken and refused, broadcast fallbacks). */
  aggregateStats(): Readonly<AggregateStats> {
    return { ...this.#core.aggregate.stats }
  }

  /** Every tracked member's score. */
  memberScores(): { memberId: Uint8Array; score: bigint }[] {
    return this.#core.scoring.allMembersWithScores()
  }

  /** Number of buffered (not yet proposed) add/remove requests. */
  pendingUpdateCount(): number {
    return this.#core.queues.pendingUpdates.size
  }

  /** Number of approved add/remove entries waiting for a commit. */
  approvedCount(): number {
    return this.#core.queues.approvedMlsWork().length
  }

  /** Retry round of the steward election in progress (0 normally). */
  electionRound(): number {
    return this.#core.steward.nextElectionRound
  }

  /** The current configuration (after any sync). */
  config(): ConversationConfig {
    return this.#core.config
  }
}
