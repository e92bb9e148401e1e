import {
  AbortError,
  type Clock,
  type JoinBeacon,
  JoinRejectReason,
  type InviteLinkProofInit,
  type JoinStatus,
  JoinStatusKind,
  type KnockAnswer,
  KnockAnswerKind,
  type MemberWelcome,
  type TimerHandle,
  type TopicReadiness,
  type Transport,
  decodeAppMessage,
  decodeWelcomeChannelMessage,
  encodeWelcomeChannelMessage,
  toHex,
  topicFor,
} from '@demls/wire'
import { sha256 } from '../../util/hash.js'
import { randomBytes } from '@noble/hashes/utils.js'
import type { ConversationConfigInit } from '../../core/config.js'
import { Conversation } from '../../conversation/conversation.js'
import { type ConversationPluginsFactory, pluginVersions } from '../../core/plugins.js'
import { type MlsService, inspectMessageEpoch } from '@demls/mls'
import {
  ForeignWelcomeError,
  InvalidSyncError,
  KnockRefusedError,
  type JoinRejectionReason,
  NoReadyPeersError,
  PluginMismatchError,
  RejectedError,
  WelcomeTimeoutError,
} from '../../errors.js'
import { PROBE_NONCE_LENGTH } from '../../join/responder.js'
import { pluginMismatch } from '../../sync/conversation-sync.js'
import type { ConversationHandle } from '../handle.js'
import { ANNOUNCE_FIRST_MS, Backoff, type JoinRetryInit } from './backoff.js'
import { JOIN_PHASES, type JoinPhase, type JoinProgress } from './progress.js'
import { JoinTrust } from './trust.js'
import { SeenAnnouncements } from './seen-announcements.js'
import { evictOldest } from '../../state/bounded.js'
import { AVAILABILITY_LIMITS } from '../../sync/limits.js'

/** What a join attempt needs from its `User`. @internal */
export interface JoinHost {
  readonly memberId: Uint8Array
  readonly plugins: ConversationPluginsFactory
  readonly transport: Transport
  readonly clock: Clock
  readonly random: () => number
  publish(conversationId: string, subtopic: 'app' | 'welcome', payload: Uint8Array): void
  /** Tracked fire-and-forget work. */
  spawn(work: Promise<unknown>, conversationId: string, operation: string): void
  progress(progress: JoinProgress): void
  /** Register a joined conversation (start driving it) and return its handle. */
  register(conversation: Conversation): ConversationHandle
  /** Whether we issued the key package with this SHA-256 (hex) out of band. */
  issuedKeyPackage(hashHex: string): boolean
  /** The attempt ended (success or not). */
  settled(conversationId: string, failed: boolean): void
}

/** Resolved settings of one join. @internal */
export interface JoinSettings {
  config: ConversationConfigInit
  timeoutMs: number
  probe: boolean
  /** Our announced key package, or undefined with `announce: false`. */
  keyPackage: Uint8Array | undefined
  /** Our proof that we hold an invite link (`User.joinByLink`), carried by the announcement. */
  linkProof?: InviteLinkProofInit
  trusted: Set<string> | undefined
  retry: JoinRetryInit
  probeRetry: JoinRetryInit
  signal: AbortSignal | undefined
  onProgress: ((p: JoinProgress) => void) | undefined
  /**
   * `User.knock`: our signed knock (welcome-channel bytes), its id and
   * expiry, published instead of the key package until a member lets us
   * in; `joinTimeoutMs` is the deadline from then.
   */
  knock?: { payload: Uint8Array; id: string; expiresAt: number; joinTimeoutMs: number }
}

/** At most this many packets are held while pending, replayed once joined. */
const BACKLOG_LIMIT = 1024
/** Welcomes remembered (each is tried once). */
const WELCOME_LIMIT = 64
/** Welcomes held until a beacon tells us which group answered (the oldest are dropped). */
const HELD_LIMIT = 16
/** A new peer on the welcome channel triggers a probe at most this often. */
const PROBE_REACT_INTERVAL_MS = 1_000

type Timer = 'deadline' | 'probe' | 'announce' | 'knock'

/**
 * Re-sends of a knock: every 1 to 4 s (jittered), so a member's book,
 * which turns over at most `KNOCK_VERIFY_PER_SECOND` (20) new knocks a
 * second, keeps ours listed (it is evicted only after `KNOCKS_MAX` (128)
 * newer ones: 6.4 s at the least).
 */
const KNOCK_RETRY = { initialMs: 1_000, maxMs: 4_000 }

/** A progress event without the fields the attempt fills in (distributes over the union). */
type Step<P = JoinProgress> = P extends JoinProgress ? Omit<P, 'conversationId' | 'elapsedMs'> : never

/**
 * One `User.join` in flight: the joiner state machine (beyond the
 * reference; calimero's readiness design, landscape §2.10).
 *
 * probing (subscribe; probe while the transport reaches a peer, retried
 * with backoff) → beacon (a valid signed answer echoing one of our nonces)
 * → announcing (key package published, republished with backoff) → acked →
 * admitted (verified statuses bound to our key package) → welcomed →
 * synced → ready. Every exit path clears its timers and listeners.
 *
 * @internal
 */
export class JoinAttempt {
  readonly conversationId: string
  /** Settles with the handle, or a typed error. */
  readonly promise: Promise<ConversationHandle>
  readonly #host: JoinHost
  readonly #s: JoinSettings
  readonly #started: number
  readonly #topic: string
  readonly #timers = new Map<Timer, TimerHandle>()
  readonly #trust: JoinTrust
  readonly #backlog: { subtopic: 'app' | 'welcome'; payload: Uint8Array }[] = []
  /** Bytes in {@link JoinAttempt.#backlog} (bounded by `AVAILABILITY_LIMITS.joinBacklogBytes`). */
  #backlogBytes = 0
  /** Other joiners' announcements seen while pending, handed to our conversation once we are in. */
  readonly #seenAnnouncements: SeenAnnouncements
  readonly #welcomes = new Set<string>()
  /** Welcomes that came before any beacon while probing: checked once one is accepted. */
  readonly #held = new Map<string, MemberWelcome>()
  readonly #probeBackoff: Backoff
  readonly #announceBackoff: Backoff
  /**
   * Once admitted, the announcement repeats at its first interval and no longer backs off: the commit that adds us
   * is due, and a member that merged it re-sends its Welcome when it hears us again. Backing off, a joiner whose
   * Welcome was lost announced twice in the next 20 s, and the group removed it as inactive before either
   * reached a steward (churn seed 74, FAST_TIMING at 20 % loss); its next join was refused as not invited.
   */
  readonly #welcomeWait: Backoff
  /** A member told us the group approved our join (`admitted`). */
  #admitted = false
  readonly #announcement: Uint8Array | undefined
  #welcomeChain: Promise<void> = Promise.resolve()
  #resolve!: (h: ConversationHandle) => void
  #reject!: (e: Error) => void
  #phase: JoinPhase | undefined
  #done = false
  #probesSent = 0
  #lastProbeAt = Number.NEGATIVE_INFINITY
  #lastProbeSkipped = false
  #meshPeers = 0
  #announcements = 0
  #reachable = false
  #beaconSeen = false
  /** A held Welcome leads to a group none of whose members answered us yet: probing resumes until one does. */
  #reanchor = false
  /** Knock mode: re-sends of our knock, and whether a member let us in (we announce then). */
  readonly #knockBackoff: Backoff
  #knocks = 0
  #letIn = false

  constructor(host: JoinHost, conversationId: string, settings: JoinSettings, started: number) {
    this.#host = host
    this.conversationId = conversationId
    this.#s = settings
    this.#started = started
    this.#topic = topicFor(conversationId, 'welcome')
    this.#probeBackoff = new Backoff(settings.probeRetry, host.random)
    this.#announceBackoff = new Backoff(settings.retry, host.random)
    const first = settings.retry.initialMs ?? ANNOUNCE_FIRST_MS
    this.#welcomeWait = new Backoff({ initialMs: first, maxMs: first }, host.random)
    this.#seenAnnouncements = new SeenAnnouncements(host.memberId)
    this.#knockBackoff = new Backoff(KNOCK_RETRY, host.random)
    const kpHash = settings.keyPackage === undefined ? undefined : toHex(sha256(settings.keyPackage))
    this.#trust = new JoinTrust({
      conversationId,
      memberId: host.memberId,
      verifier: host.plugins.consensus.signer,
      trusted: settings.trusted,
      // With `announce: false`, the key packages we handed out through `User.keyPackage`.
      isOurKeyPackage: (hash) => (kpHash !== undefined ? hash === kpHash : host.issuedKeyPackage(hash)),
    })
    if (settings.keyPackage !== undefined) {
      this.#announcement = encodeWelcomeChannelMessage({
        keyPackage: {
          keyPackageBytes: settings.keyPackage,
          memberId: host.memberId,
          ...(settings.linkProof !== undefined ? { demlsLinkProof: settings.linkProof } : {}),
          // A plug-in that aggregates votes: our key binding, which the group checks before admitting us.
          ...(host.plugins.consensus.aggregation !== undefined ? { demlsBlsBinding: { keyBinding: host.plugins.consensus.aggregation.binding } } : {}),
        },
      })
    }
    this.promise = new Promise<ConversationHandle>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  /** The last phase reached, if any progress was made. */
  get phase(): JoinPhase | undefined {
    return this.#phase
  }

  /** When the join was called (ms, on the user's clock). */
  get startedAt(): number {
    return this.#started
  }

  /** Start: deadline, abort listener, then probing (or announcing at once). */
  start(): void {
    const signal = this.#s.signal
    signal?.addEventListener('abort', this.#onAbort, { once: true })
    // The deadline counts from the `join` call (the key package was minted in between).
    this.#setTimer('deadline', this.#onDeadline, Math.max(0, this.#s.timeoutMs - this.#elapsed()))
    if (this.#s.probe) {
      this.#host.transport.addEventListener('readiness', this.#onReadiness)
      this.#emit({ phase: 'probing', probesSent: 0, transportReady: this.#ready() })
      this.#probeTick()
    } else {
      this.#reachable = true
      if (this.#announcement !== undefined) this.#announceTick()
    }
  }

  /** Cancel from outside (the user stops). */
  abort(reason: unknown): void {
    this.#finish(new AbortError(`join of ${this.conversationId} aborted`, { cause: reason, elapsedMs: this.#elapsed() }))
  }

  /** A packet of this conversation while we are not a member yet. */
  onPacket(subtopic: 'app' | 'welcome', payload: Uint8Array): void {
    if (this.#done) return
    if (subtopic === 'app') {
      const welcome = this.#appWelcome(payload)
      if (welcome !== undefined) this.#onWelcome(welcome)
      else if (this.#backlog.length < BACKLOG_LIMIT && this.#backlogBytes + payload.length <= AVAILABILITY_LIMITS.joinBacklogBytes) {
        this.#backlog.push({ subtopic, payload })
        this.#backlogBytes += payload.length
      }
      return
    }
    let msg: ReturnType<typeof decodeWelcomeChannelMessage>
    try {
      msg = decodeWelcomeChannelMessage(payload)
    } catch {
      return
    }
    if (msg.welcome !== undefined) this.#onWelcome(msg.welcome)
    else if (msg.joinBeacon !== undefined) this.#onBeacon(msg.joinBeacon)
    else if (msg.joinStatus !== undefined) this.#onStatus(msg.joinStatus)
    else if (msg.demlsKnockAnswer !== undefined) this.#onKnockAnswer(msg.demlsKnockAnswer)
    else if (msg.keyPackage !== undefined) this.#seenAnnouncements.keep(msg.keyPackage.memberId, payload)
    // Probes of other joiners are for members.
  }

  #appWelcome(payload: Uint8Array): MemberWelcome | undefined {
    // MLS messages start with 0x00 (version 1); plaintext AppMessages never do.
    if (payload.length === 0 || payload[0] === 0x00) return undefined
    try {
      return decodeAppMessage(payload).memberWelcome
    } catch {
      return undefined
    }
  }

  #elapsed(): number {
    return this.#host.clock.now() - this.#started
  }

  #ready(): boolean {
    return this.#host.transport.readiness(this.#topic).ready
  }

  #setTimer(name: Timer, fn: () => void, delay: number): void {
    const old = this.#timers.get(name)
    if (old !== undefined) this.#host.clock.clearTimer(old)
    this.#timers.set(
      name,
      this.#host.clock.setTimer(() => {
        this.#timers.delete(name)
        fn()
      }, delay),
    )
  }

  #clearTimer(name: Timer): void {
    const t = this.#timers.get(name)
    if (t !== undefined) this.#host.clock.clearTimer(t)
    this.#timers.delete(name)
  }

  /** Schedule a retry if it fits strictly inside the deadline (jitter included). */
  #retry(name: Timer, fn: () => void, backoff: Backoff): void {
    const delay = backoff.next()
    if (this.#s.knock !== undefined) {
      // A knock's deadline moves when a member lets us in: retry while the deadline timer is pending.
      if (this.#timers.has('deadline')) this.#setTimer(name, fn, delay)
      return
    }
    if (this.#elapsed() + delay < this.#s.timeoutMs) this.#setTimer(name, fn, delay)
  }

  #emit(p: Exclude<Step, { phase: 'welcome-dropped' | 'rejected' | 'let-in' }>): void {
    const rank = JOIN_PHASES.indexOf(p.phase)
    const current = this.#phase === undefined ? -1 : JOIN_PHASES.indexOf(this.#phase)
    if (rank < current) return
    this.#phase = p.phase as JoinPhase
    this.#notify(p)
  }

  /** Publish an event without moving the phase. */
  #notify(p: Step): void {
    const progress = { conversationId: this.conversationId, elapsedMs: this.#elapsed(), ...p } as JoinProgress
    this.#host.progress(progress)
    try {
      this.#s.onProgress?.(progress)
    } catch {
      // A throwing callback must not break the join.
    }
  }

  #phaseBefore(phase: JoinPhase): boolean {
    return this.#phase === undefined || JOIN_PHASES.indexOf(this.#phase) < JOIN_PHASES.indexOf(phase)
  }

  // ---------------------------------------------------------------- probing

  /** Probing goes on until a beacon, or until the group is reachable otherwise and no Welcome waits for a beacon. */
  #probingDone(): boolean {
    if (this.#done) return true
    // A Welcome waits for a beacon of one of its group's members (`#tryWelcome`): probe until one answers.
    if (this.#reanchor) return false
    return this.#beaconSeen || (this.#reachable && this.#held.size === 0)
  }

  readonly #probeTick = (): void => {
    if (this.#probingDone()) return
    const readiness = this.#host.transport.readiness(this.#topic)
    this.#meshPeers = readiness.meshPeers
    if (readiness.ready) {
      this.#lastProbeSkipped = false
      this.#lastProbeAt = this.#host.clock.now()
      const nonce = randomBytes(PROBE_NONCE_LENGTH)
      this.#trust.probed(nonce)
      this.#probesSent++
      this.#host.publish(
        this.conversationId,
        'welcome',
        encodeWelcomeChannelMessage({
          joinProbe: { memberId: this.#host.memberId, nonce, sentAtMs: Math.max(0, Math.floor(this.#host.clock.now())) },
        }),
      )
      this.#emit({ phase: 'probing', probesSent: this.#probesSent, transportReady: true })
    } else this.#lastProbeSkipped = true
    this.#retry('probe', this.#probeTick, this.#probeBackoff)
  }

  /**
   * A peer appeared on the welcome channel: probe at once (at most once per
   * {@link PROBE_REACT_INTERVAL_MS}) instead of waiting for the next retry.
   */
  readonly #onReadiness = (e: CustomEvent<TopicReadiness>): void => {
    if (this.#probingDone() || e.detail.topic !== this.#topic) return
    const grew = e.detail.meshPeers > this.#meshPeers
    this.#meshPeers = e.detail.meshPeers
    if (!e.detail.ready || !(grew || this.#lastProbeSkipped)) return
    if (this.#host.clock.now() - this.#lastProbeAt < PROBE_REACT_INTERVAL_MS) return
    this.#clearTimer('probe')
    this.#probeTick()
  }

  #onBeacon(b: JoinBeacon): void {
    if (!this.#trust.acceptBeacon(b)) return
    this.#beaconSeen = true
    this.#reanchor = false
    this.#clearTimer('probe')
    if (!this.#reachable) this.#onFirstReach(b)
    // Welcomes that came before any beacon can be checked now.
    const held = [...this.#held.values()]
    this.#held.clear()
    for (const w of held) this.#onWelcome(w)
  }

  #onFirstReach(b: JoinBeacon): void {
    // The group runs other plug-ins: joining would fork it, and once added we
    // would refuse its Welcome. Refuse now, before anyone proposes us. (A
    // forged beacon can cause this too: see "Trust limits" in the README.)
    const mismatch = pluginMismatch(b.plugins, pluginVersions(this.#host.plugins, this.#host.plugins.makeScoring({})))
    if (mismatch !== undefined) {
      this.#finish(mismatch)
      return
    }
    this.#reachable = true
    this.#clearTimer('probe')
    this.#emit({
      phase: 'beacon',
      responder: b.responder,
      epoch: b.epoch,
      epochSteward: b.epochSteward,
      memberCount: b.memberCount,
    })
    if (this.#s.knock !== undefined && !this.#letIn) this.#knockTick()
    else if (this.#announcement !== undefined) this.#announceTick()
  }

  // ---------------------------------------------------------------- knocking

  /** Whether we still knock: knock mode, not let in, no member acknowledged our key package yet. */
  #knocking(): boolean {
    return !this.#done && this.#s.knock !== undefined && !this.#letIn && this.#phaseBefore('acked')
  }

  readonly #knockTick = (): void => {
    const knock = this.#s.knock
    if (knock === undefined || !this.#knocking()) return
    this.#knocks++
    this.#host.publish(this.conversationId, 'welcome', knock.payload)
    this.#emit({ phase: 'knocking', knockId: knock.id, knocks: this.#knocks, expiresAt: knock.expiresAt })
    this.#retry('knock', this.#knockTick, this.#knockBackoff)
  }

  /** A member's answer to a knock: ours, signed, and from a member we trust (as for REJECTED), or ignored. */
  #onKnockAnswer(a: KnockAnswer): void {
    const knock = this.#s.knock
    if (knock === undefined || !this.#knocking() || !this.#trust.acceptKnockAnswer(a, knock.id)) return
    if (a.answer === KnockAnswerKind.KNOCK_ANSWER_DECLINED) {
      this.#finish(new KnockRefusedError(this.conversationId, this.#elapsed(), 'knock-declined', a.member))
      return
    }
    this.#onLetIn(a.member)
  }

  /** A member let us in (or acknowledged our key package): stop knocking, announce, and take the join's deadline from now. */
  #onLetIn(member: Uint8Array | undefined): void {
    const knock = this.#s.knock
    if (knock === undefined || this.#letIn) return
    this.#letIn = true
    this.#clearTimer('knock')
    this.#setTimer('deadline', this.#onDeadline, knock.joinTimeoutMs)
    if (member !== undefined) this.#notify({ phase: 'let-in', member })
    if (this.#announcement !== undefined && !this.#timers.has('announce')) this.#announceTick()
  }

  // ------------------------------------------------------------- announcing

  readonly #announceTick = (): void => {
    if (this.#done || this.#announcement === undefined) return
    this.#announcements++
    this.#host.publish(this.conversationId, 'welcome', this.#announcement)
    if (this.#phaseBefore('acked')) this.#emit({ phase: 'announcing', announcements: this.#announcements })
    // Keep republishing until the Welcome: a member that already added us re-sends it.
    this.#retry('announce', this.#announceTick, this.#admitted ? this.#welcomeWait : this.#announceBackoff)
  }

  #onStatus(st: JoinStatus): void {
    if (!this.#trust.acceptStatus(st)) return
    if (st.status !== JoinStatusKind.JOIN_STATUS_REJECTED && this.#s.knock !== undefined) this.#onLetIn(undefined)
    if (st.status === JoinStatusKind.JOIN_STATUS_ACKED) {
      this.#reachable = true
      if (this.#probingDone()) this.#clearTimer('probe')
      this.#emit({ phase: 'acked', responder: st.responder, proposalId: st.proposalId })
    } else if (st.status === JoinStatusKind.JOIN_STATUS_ADMITTED) {
      this.#reachable = true
      if (this.#probingDone()) this.#clearTimer('probe')
      if (!this.#admitted && this.#phaseBefore('welcomed')) {
        this.#admitted = true
        // The next announcement one first interval from now, not after the backoff reached so far.
        if (this.#timers.has('announce')) {
          this.#clearTimer('announce')
          this.#retry('announce', this.#announceTick, this.#welcomeWait)
        }
      }
      this.#emit({ phase: 'admitted', responder: st.responder, proposalId: st.proposalId })
    } else if (st.status === JoinStatusKind.JOIN_STATUS_REJECTED) {
      if (!this.#phaseBefore('welcomed')) return
      const reason = rejectionReasonOf(st.rejectReason)
      const error = new RejectedError(this.conversationId, this.#elapsed(), st.proposalId, st.responder, reason)
      this.#notify({ phase: 'rejected', responder: st.responder, proposalId: st.proposalId, reason, error })
      this.#finish(error)
    }
  }

  // -------------------------------------------------------------- welcomed

  #onWelcome(w: MemberWelcome): void {
    if (this.#done || w.welcomeBytes.length === 0) return
    const hash = toHex(sha256(w.welcomeBytes))
    if (this.#welcomes.has(hash)) return
    if (this.#s.probe && !this.#trust.anchored()) {
      // Probing and no beacon yet: we cannot tell the group that answers us from another one. Wait for a beacon.
      this.#held.delete(hash)
      this.#held.set(hash, w)
      evictOldest(this.#held, HELD_LIMIT)
      if (!this.#timers.has('probe')) this.#probeTick()
      return
    }
    this.#welcomes.add(hash)
    evictOldest(this.#welcomes, WELCOME_LIMIT)
    const work = this.#welcomeChain.then(() => this.#tryWelcome(w))
    this.#welcomeChain = work.catch(() => undefined)
    this.#host.spawn(
      work.catch((err) => this.#finish(err as Error)),
      this.conversationId,
      'join',
    )
  }

  async #tryWelcome(w: MemberWelcome): Promise<void> {
    if (this.#done) return
    const clock = this.#host.clock
    let conversation: Conversation | undefined
    try {
      conversation = await Conversation.join({
        plugins: this.#host.plugins,
        welcome: w,
        config: this.#s.config,
        now: clock.now(),
        // Only the group that answered us (checked before our key package is consumed).
        acceptGroup: (group) => this.#acceptGroup(group),
        // We refuse the group (plug-ins, invalid sync) but MLS made us a member: leave again.
        onRefusal: (outbound) => {
          for (const o of outbound) this.#host.publish(this.conversationId, 'app', o.payload)
        },
      })
    } catch (err) {
      // The group that answered us runs other plug-ins or sent an invalid sync: the join ends.
      if (err instanceof PluginMismatchError || err instanceof InvalidSyncError) throw err
      // A Welcome into a group none of whose members answered our probes: the members that did may have left in
      // the very commit that adds us (issue 56: the inviting epoch steward leaving while its invitee joins; the
      // group added us and later removed us as inactive). Hold it and probe again: a beacon signed by one of the
      // group's members anchors it, exactly as a Welcome that came before any beacon (the trust rule is the same).
      if (err instanceof ForeignWelcomeError && err.reason === 'not-answered' && this.#s.probe && !this.#done) {
        const hash = toHex(sha256(w.welcomeBytes))
        this.#welcomes.delete(hash)
        this.#held.delete(hash)
        this.#held.set(hash, w)
        evictOldest(this.#held, HELD_LIMIT)
        if (!this.#reanchor) {
          this.#reanchor = true
          if (!this.#timers.has('probe')) this.#probeTick()
        }
      }
      // Garbage, unusable or foreign: anyone can publish one. Drop it and wait for the real Welcome.
      if (!this.#done) {
        this.#notify({ phase: 'welcome-dropped', reason: err instanceof ForeignWelcomeError ? 'foreign' : 'invalid', error: err as Error })
      }
      return
    }
    if (conversation === undefined || this.#done) return
    // We are in: no more retries, and the deadline no longer applies (only an abort does).
    for (const t of this.#timers.values()) this.#host.clock.clearTimer(t)
    this.#timers.clear()
    this.#emit({ phase: 'welcomed', epoch: conversation.epoch() })
    // What the group said between our Welcome and now (an election in flight, votes, chat).
    const joinedAt = conversation.epoch()
    for (const p of this.#backlog) {
      if (this.#done) return
      // Framed before the epoch we were welcomed into: we never held its keys, so it can only be dropped
      // (a joiner of a large batch buffered every proposal and vote that admitted the batch).
      if (p.subtopic === 'app' && framedBefore(p.payload, joinedAt)) continue
      await conversation.receive(p, clock.now())
    }
    this.#backlog.length = 0
    this.#backlogBytes = 0
    // Joiners announced while we were pending: we may be the next epoch steward, the one who proposes them.
    const members = new Set(conversation.members().map(toHex))
    for (const payload of this.#seenAnnouncements.replayable((hex) => members.has(hex))) {
      if (this.#done) return
      await conversation.receive({ subtopic: 'welcome', payload }, clock.now())
    }
    if (this.#done) return
    this.#emit({ phase: 'synced', epoch: conversation.epoch() })
    const handle = this.#host.register(conversation)
    this.#emit({ phase: 'ready', epoch: conversation.epoch(), memberCount: conversation.members().length })
    this.#finish(undefined, handle)
  }

  /** Refuse a group that is not the one that answered us (throws {@link ForeignWelcomeError}). */
  #acceptGroup(group: MlsService): void {
    const members = group.members()
    if (group.conversationId !== this.conversationId) throw new ForeignWelcomeError('other-conversation', this.conversationId, members)
    const reason = this.#trust.checkGroup(members)
    if (reason !== undefined) throw new ForeignWelcomeError(reason, this.conversationId, members)
  }

  // ------------------------------------------------------------------- end

  readonly #onDeadline = (): void => {
    const elapsed = this.#elapsed()
    if (this.#reachable && this.#knocking()) {
      this.#finish(new KnockRefusedError(this.conversationId, elapsed, 'knock-expired'))
      return
    }
    if (this.#reachable) this.#finish(new WelcomeTimeoutError(this.conversationId, elapsed, this.#phase))
    else this.#finish(new NoReadyPeersError(this.conversationId, elapsed, this.#probesSent))
  }

  readonly #onAbort = (): void => {
    this.#finish(
      new AbortError(`join of ${this.conversationId} aborted`, { cause: this.#s.signal?.reason, elapsedMs: this.#elapsed() }),
    )
  }

  #finish(err: Error | undefined, handle?: ConversationHandle): void {
    if (this.#done) return
    this.#done = true
    for (const t of this.#timers.values()) this.#host.clock.clearTimer(t)
    this.#timers.clear()
    this.#s.signal?.removeEventListener('abort', this.#onAbort)
    this.#host.transport.removeEventListener('readiness', this.#onReadiness)
    this.#backlog.length = 0
    this.#backlogBytes = 0
    this.#seenAnnouncements.clear()
    this.#held.clear()
    this.#host.settled(this.conversationId, err !== undefined)
    if (err !== undefined) this.#reject(err)
    else this.#resolve(handle as ConversationHandle)
  }
}

/**
 * The reason a REJECTED status carries (signed with it), for the joiner:
 * absent (a member that predates the field) or a value this version does
 * not know is `unknown`.
 */
function rejectionReasonOf(value: JoinRejectReason): JoinRejectionReason {
  switch (value) {
    case JoinRejectReason.JOIN_REJECT_REASON_NOT_INVITED:
      return 'not-invited'
    case JoinRejectReason.JOIN_REJECT_REASON_VOTED_NO:
      return 'voted-no'
    case JoinRejectReason.JOIN_REJECT_REASON_KEY_PACKAGE_EXPIRED:
      return 'key-package-expired'
    case JoinRejectReason.JOIN_REJECT_REASON_LINK_SPENT:
      return 'link-spent'
    case JoinRejectReason.JOIN_REJECT_REASON_LINK_EXPIRED:
      return 'link-expired'
    case JoinRejectReason.JOIN_REJECT_REASON_LINK_REVOKED:
      return 'link-revoked'
    case JoinRejectReason.JOIN_REJECT_REASON_LINK_INVALID:
      return 'link-invalid'
    default:
      return 'unknown'
  }
}

/** Whether `payload` is an MLS message framed in an epoch before `epoch` (plaintext and other bytes: no). */
function framedBefore(payload: Uint8Array, epoch: bigint): boolean {
  const framed = inspectMessageEpoch(payload)
  return framed !== undefined && framed < epoch
}
