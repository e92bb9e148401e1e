import { AbortError, type Clock, type InboundPacket, type TimerHandle, type Transport, toHex, topicFor } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { type Observable, Subject, filter, map } from 'rxjs'
import type { ConversationConfigInit } from '../conversation/config.js'
import { Conversation } from '../conversation/conversation.js'
import { type PluginOverrides, defaultPlugins } from '../conversation/default-plugins.js'
import type { ConversationEvent } from '../conversation/events.js'
import type { ConversationPluginsFactory } from '../conversation/plugins.js'
import { InvalidArgumentError } from '../errors.js'
import { ConversationHandle } from './handle.js'
import { JoinAttempt, type JoinHost } from './join/attempt.js'
import type { JoinOptions } from './join/options.js'
import type { JoinProgress } from './join/progress.js'

export type { JoinOptions } from './join/options.js'

/** Options of {@link User.create}. */
export interface UserInit {
  /** 32-byte secp256k1 private key: the member id is its Ethereum address. */
  privateKey: Uint8Array
  /** The pub/sub transport (started by `create` if needed). */
  transport: Transport
  /** The clock that drives `poll` (virtual in simulations). */
  clock: Clock
  /** Replace any default plug-in, or pass a complete factory. */
  plugins?: PluginOverrides | ConversationPluginsFactory
  /** Default configuration of conversations this user creates or joins. */
  config?: ConversationConfigInit
  /** Random numbers in [0, 1) for retry jitter (seed it in simulations). @default Math.random */
  random?: () => number
}

/** A conversation event tagged with its conversation. */
export type UserEvent =
  | (ConversationEvent & { conversationId: string })
  | { type: 'conversation-created'; conversationId: string }
  | { type: 'conversation-removed'; conversationId: string }

/** A decrypted chat message. */
export interface ChatMessage {
  conversationId: string
  sender: Uint8Array
  body: Uint8Array
  epoch: bigint
}

/** Key packages issued by {@link User.keyPackage} that we remember (to recognise statuses about them). */
const ISSUED_KEY_PACKAGES = 32

interface Entry {
  conversation: Conversation
  timer: TimerHandle | undefined
  wakeAt: number | undefined
}

function isFactory(p: UserInit['plugins']): p is ConversationPluginsFactory {
  return p !== undefined && typeof (p as ConversationPluginsFactory).createMls === 'function'
}

/**
 * A de-MLS participant: its identity, its conversations, a transport and a
 * clock that drives every conversation's `poll`. Everything observable is
 * an RxJS stream. RxJS appears only here.
 *
 * @example
 * ```ts
 * const net = new MemoryNetwork({ seed: 1 })
 * const alice = await User.create({ privateKey: aliceKey, transport: net.createTransport('alice'), clock: net.clock })
 * const chat = await alice.createConversation('chat')
 * chat.messages$.subscribe((m) => console.log(new TextDecoder().decode(m.body)))
 * ```
 */
export class User {
  /** Our member id (20-byte Ethereum address). */
  readonly memberId: Uint8Array
  readonly plugins: ConversationPluginsFactory
  readonly transport: Transport
  readonly clock: Clock
  readonly #config: ConversationConfigInit
  readonly #random: () => number
  readonly #entries = new Map<string, Entry>()
  readonly #handles = new Map<string, ConversationHandle>()
  readonly #pending = new Map<string, JoinAttempt>()
  readonly #issued = new Set<string>()
  readonly #events = new Subject<UserEvent>()
  readonly #joinProgress = new Subject<JoinProgress>()
  /** What join attempts use of this user. */
  readonly #joinHost: JoinHost
  #publishing: Promise<unknown> = Promise.resolve()
  #stopped = false

  /** Every event of every conversation, plus lifecycle events. */
  readonly events$: Observable<UserEvent> = this.#events.asObservable()
  /** Every decrypted chat message. */
  readonly messages$: Observable<ChatMessage>
  /**
   * Progress of every join in flight ({@link JoinProgress}, by phase).
   * Filter by `conversationId` for one join, or pass
   * {@link JoinOptions.onProgress}.
   */
  readonly joinProgress$: Observable<JoinProgress> = this.#joinProgress.asObservable()

  private constructor(memberId: Uint8Array, plugins: ConversationPluginsFactory, init: UserInit) {
    this.memberId = memberId
    this.plugins = plugins
    this.transport = init.transport
    this.clock = init.clock
    this.#config = init.config ?? {}
    this.#random = init.random ?? Math.random
    this.messages$ = this.events$.pipe(
      filter((e): e is Extract<UserEvent, { type: 'message' }> => e.type === 'message'),
      map((e) => ({ conversationId: e.conversationId, sender: e.sender, body: e.body, epoch: e.epoch })),
    )
    this.#joinHost = {
      memberId,
      plugins,
      transport: this.transport,
      clock: this.clock,
      random: this.#random,
      publish: (id, subtopic, payload) => this.#publish(id, subtopic, payload),
      spawn: (work, id, operation) => this.#spawn(work, id, operation),
      progress: (p) => this.#joinProgress.next(p),
      register: (conversation) => this.#register(conversation),
      issuedKeyPackage: (hash) => this.#issued.has(hash),
      settled: (id, failed) => {
        this.#pending.delete(id)
        if (failed && !this.#handles.has(id)) this.#unsubscribe(id)
      },
    }
    this.transport.addEventListener('message', (e) => this.#spawn(this.#onPacket(e.detail), e.detail.envelope.conversationId, 'receive'))
  }

  /** Build the plug-ins, start the transport, and return the user. */
  static async create(init: UserInit): Promise<User> {
    const plugins = isFactory(init.plugins) ? init.plugins : await defaultPlugins(init.privateKey, init.plugins ?? {})
    if (!init.transport.isStarted) await init.transport.start()
    return new User(plugins.mls.memberId, plugins, init)
  }

  /** Register work with the clock (virtual clocks wait for it) and return it unchanged. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.clock.track?.(work.catch(() => undefined))
    return work
  }

  /** Fire-and-forget tracked work; a failure becomes an `error` event. */
  #spawn(work: Promise<unknown>, conversationId = '', operation = 'user'): void {
    this.#track(
      work.catch((err) => {
        this.#events.next({ type: 'error', conversationId, operation, error: err as Error })
      }),
    )
  }

  /**
   * A fresh key package of ours (for an out-of-band `addMember`). We
   * remember the last few, so a `join(id, { announce: false })` recognises
   * the group's statuses about them.
   */
  async keyPackage(): Promise<Uint8Array> {
    const kp = await this.plugins.generateKeyPackage(this.clock.now())
    this.#issued.add(toHex(sha256(kp)))
    if (this.#issued.size > ISSUED_KEY_PACKAGES) this.#issued.delete(this.#issued.values().next().value as string)
    return kp
  }

  /** Create a conversation in which we are the only member and steward. */
  async createConversation(conversationId: string, config?: ConversationConfigInit): Promise<ConversationHandle> {
    this.#subscribe(conversationId)
    const conversation = await this.#track(
      Conversation.create({
        conversationId,
        plugins: this.plugins,
        config: { ...this.#config, ...config },
        now: this.clock.now(),
      }),
    )
    return this.#register(conversation)
  }

  /**
   * Join a conversation, driving the joiner state machine (beyond the
   * reference): subscribe and probe until a ready member answers with a
   * signed beacon; announce a fresh key package (republished with
   * exponential backoff, 3 s doubling to 30 s, jitter up to ¼, inside the
   * deadline); follow the signed statuses (acknowledged, admitted) and
   * resolve once a Welcome made us a working member. Every step is
   * published on {@link User.joinProgress$} and given to
   * `options.onProgress`. A second call while a join of the same
   * conversation is pending returns the same promise.
   *
   * @example
   * ```ts
   * const chat = await bob.join('chat', {
   *   signal: AbortSignal.timeout(120_000),
   *   onProgress: (p) => console.log(p.phase, p.elapsedMs),
   * })
   * // probing 0, probing 0, beacon 25, announcing 25, acked 60, admitted 420, welcomed 560, synced 560, ready 560
   * ```
   *
   * @throws {AbortError} when `options.signal` aborts or the user stops (with `elapsedMs`)
   * @throws {NoReadyPeersError} when no ready member answered a probe before the deadline
   * @throws {WelcomeTimeoutError} when the group was reachable but no Welcome came before the deadline
   * @throws {RejectedError} when a member reported (signed) that the group voted against us
   * @throws {InvalidArgumentError} on a non-positive `timeoutMs`
   */
  async join(conversationId: string, options: JoinOptions = {}): Promise<ConversationHandle> {
    const existing = this.#handles.get(conversationId)
    if (existing) return existing
    const inFlight = this.#pending.get(conversationId)
    if (inFlight) return inFlight.promise
    if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason, elapsedMs: 0 })
    const config = { ...this.#config, ...options.config }
    const timeoutMs = options.timeoutMs ?? 3 * (config.commitInactivityMs ?? 60_000)
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new InvalidArgumentError(`timeoutMs must be > 0 (got ${timeoutMs})`)
    const announce = options.announce !== false
    const started = this.clock.now()
    this.#subscribe(conversationId)
    let keyPackage: Uint8Array | undefined
    try {
      keyPackage = announce ? await this.#track(this.plugins.generateKeyPackage(started)) : undefined
    } catch (err) {
      this.#unsubscribe(conversationId)
      throw err
    }
    const raced = this.#handles.get(conversationId) ?? this.#pending.get(conversationId)
    if (raced) return raced instanceof JoinAttempt ? raced.promise : raced
    const attempt = new JoinAttempt(
      this.#joinHost,
      conversationId,
      {
        config,
        timeoutMs,
        probe: options.probe ?? announce,
        keyPackage,
        trusted: options.trustedMembers === undefined ? undefined : new Set(options.trustedMembers.map(toHex)),
        retry: options.retry ?? {},
        probeRetry: options.probeRetry ?? { initialMs: 1_000, maxMs: 5_000 },
        signal: options.signal,
        onProgress: options.onProgress,
      },
      started,
    )
    this.#pending.set(conversationId, attempt)
    if (options.signal?.aborted) attempt.abort(options.signal.reason)
    else attempt.start()
    return attempt.promise
  }

  /** The handle of a conversation we are in. */
  conversation(conversationId: string): ConversationHandle | undefined {
    return this.#handles.get(conversationId)
  }

  /** Ids of our conversations. */
  conversations(): string[] {
    return [...this.#handles.keys()]
  }

  /** Stop every timer and the transport. */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const attempt of [...this.#pending.values()]) attempt.abort(new Error('the user stopped'))
    for (const e of this.#entries.values()) if (e.timer !== undefined) this.clock.clearTimer(e.timer)
    await this.#publishing
    await this.transport.stop()
    this.#events.complete()
    this.#joinProgress.complete()
  }

  #subscribe(id: string): void {
    this.transport.subscribe(topicFor(id, 'app'))
    this.transport.subscribe(topicFor(id, 'welcome'))
  }

  #unsubscribe(id: string): void {
    this.transport.unsubscribe(topicFor(id, 'app'))
    this.transport.unsubscribe(topicFor(id, 'welcome'))
  }

  #register(conversation: Conversation): ConversationHandle {
    const id = conversation.id
    this.#entries.set(id, { conversation, timer: undefined, wakeAt: undefined })
    const handle = new ConversationHandle(conversation, this, (work) => this.#track(work.then(() => this.#flush(id))))
    this.#handles.set(id, handle)
    this.#events.next({ type: 'conversation-created', conversationId: id })
    this.#flush(id)
    return handle
  }

  async #onPacket(packet: InboundPacket): Promise<void> {
    if (this.#stopped) return
    const { conversationId, subtopic, payload } = packet.envelope
    const pending = this.#pending.get(conversationId)
    if (pending) {
      pending.onPacket(subtopic, payload)
      return
    }
    const entry = this.#entries.get(conversationId)
    if (!entry) return
    await entry.conversation.receive({ subtopic, payload }, this.clock.now())
    this.#flush(conversationId)
  }

  #publish(conversationId: string, subtopic: 'app' | 'welcome', payload: Uint8Array): void {
    const send = async () => {
      try {
        await this.transport.publish({ conversationId, subtopic, payload }, { allowNoPeers: true })
      } catch (err) {
        this.#events.next({ type: 'error', conversationId, operation: 'publish', error: err as Error })
      }
    }
    this.#publishing = this.#publishing.then(send)
    this.#track(this.#publishing)
  }

  /** Publish outbound, emit events, and reschedule the conversation's poll. */
  #flush(id: string): void {
    const entry = this.#entries.get(id)
    if (!entry) return
    const conv = entry.conversation
    for (const out of conv.drainOutbound()) this.#publish(id, out.subtopic, out.payload)
    for (const e of conv.drainEvents()) this.#events.next({ ...e, conversationId: id })
    if (conv.isClosed) {
      this.#remove(id)
      return
    }
    this.#schedule(id, entry)
  }

  #schedule(id: string, entry: Entry): void {
    if (this.#stopped) return
    const wake = entry.conversation.nextWakeupAt()
    if (wake === entry.wakeAt && entry.timer !== undefined) return
    if (entry.timer !== undefined) this.clock.clearTimer(entry.timer)
    entry.timer = undefined
    entry.wakeAt = wake
    if (wake === undefined) return
    entry.timer = this.clock.setTimer(() => {
      entry.timer = undefined
      entry.wakeAt = undefined
      this.#spawn(entry.conversation.poll(this.clock.now()).then(() => this.#flush(id)), id, 'poll')
    }, Math.max(0, wake - this.clock.now()))
  }

  #remove(id: string): void {
    const entry = this.#entries.get(id)
    if (entry?.timer !== undefined) this.clock.clearTimer(entry.timer)
    this.#entries.delete(id)
    this.#handles.delete(id)
    this.#unsubscribe(id)
    this.#events.next({ type: 'conversation-removed', conversationId: id })
  }

  /** @internal */
  eventsOf(conversationId: string): Observable<UserEvent> {
    return this.events$.pipe(filter((e) => e.conversationId === conversationId))
  }
}
