import {
  AbortError,
  type AbortOptions,
  type Clock,
  type InboundPacket,
  type MemberWelcome,
  type TimerHandle,
  type Transport,
  decodeAppMessage,
  decodeWelcomeChannelMessage,
  encodeWelcomeChannelMessage,
  topicFor,
} from '@demls/wire'
import { type Observable, Subject, filter, map } from 'rxjs'
import type { ConversationConfigInit } from '../conversation/config.js'
import { Conversation } from '../conversation/conversation.js'
import { type PluginOverrides, defaultPlugins } from '../conversation/default-plugins.js'
import type { ConversationEvent } from '../conversation/events.js'
import type { ConversationPluginsFactory } from '../conversation/plugins.js'
import { WelcomeTimeoutError } from '../errors.js'
import { ConversationHandle } from './handle.js'

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

/** Options of {@link User.join}. */
export interface JoinOptions extends AbortOptions {
  /** Conversation configuration (the group's synced values overwrite the shared ones). */
  config?: ConversationConfigInit
  /**
   * Announce a fresh key package on the welcome channel. Set to `false` when
   * a member adds us with a key package we gave it out of band
   * ({@link User.keyPackage}); we then only wait for the Welcome.
   * @default true
   */
  announce?: boolean
}

interface PendingJoin {
  welcome: (w: MemberWelcome) => void
  /** App-channel packets seen while pending, replayed once joined (deviation 6). */
  backlog: { subtopic: 'app' | 'welcome'; payload: Uint8Array }[]
}

/** At most this many packets are held for a pending join. */
const JOIN_BACKLOG_LIMIT = 1024

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
  readonly #pending = new Map<string, PendingJoin>()
  readonly #events = new Subject<UserEvent>()
  #publishing: Promise<unknown> = Promise.resolve()
  #stopped = false

  /** Every event of every conversation, plus lifecycle events. */
  readonly events$: Observable<UserEvent> = this.#events.asObservable()
  /** Every decrypted chat message. */
  readonly messages$: Observable<ChatMessage>

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

  /** A fresh key package of ours (for an out-of-band `addMember`). */
  keyPackage(): Promise<Uint8Array> {
    return this.plugins.generateKeyPackage(this.clock.now())
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
   * Join a conversation: announce a key package on its welcome channel
   * (republished with exponential backoff from 3 s to 30 s, ¼ jitter) and
   * resolve once a Welcome made us a working member.
   *
   * @throws {AbortError} when `options.signal` aborts
   * @throws {WelcomeTimeoutError} when no Welcome came within 3 × commit inactivity
   */
  async join(conversationId: string, options: JoinOptions = {}): Promise<ConversationHandle> {
    const existing = this.#handles.get(conversationId)
    if (existing) return existing
    if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason })
    this.#subscribe(conversationId)
    const config = { ...this.#config, ...options.config }
    const started = this.clock.now()
    const announce =
      options.announce === false
        ? new Uint8Array(0)
        : encodeWelcomeChannelMessage({
            keyPackage: {
              keyPackageBytes: await this.#track(this.plugins.generateKeyPackage(started)),
              memberId: this.memberId,
            },
          })
    const commitInactivity = config.commitInactivityMs ?? 60_000
    return new Promise<ConversationHandle>((resolve, reject) => {
      let timer: TimerHandle | undefined
      let delay = 3_000
      let done = false
      const finish = (err?: Error, handle?: ConversationHandle) => {
        if (done) return
        done = true
        if (timer !== undefined) this.clock.clearTimer(timer)
        this.#pending.delete(conversationId)
        options.signal?.removeEventListener('abort', onAbort)
        if (err) {
          if (!this.#handles.has(conversationId)) this.#unsubscribe(conversationId)
          reject(err)
        } else resolve(handle as ConversationHandle)
      }
      const onAbort = () => finish(new AbortError(undefined, { cause: options.signal?.reason }))
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const publish = () => {
        if (done) return
        const elapsed = this.clock.now() - started
        if (elapsed >= 3 * commitInactivity) {
          finish(new WelcomeTimeoutError(conversationId, elapsed))
          return
        }
        if (options.announce !== false) this.#publish(conversationId, 'welcome', announce)
        const jitter = Math.floor(this.#random() * (delay / 4))
        timer = this.clock.setTimer(publish, delay + jitter)
        delay = Math.min(30_000, delay * 2)
      }
      const pending: PendingJoin = {
        backlog: [],
        welcome: (w) => {
          if (done) return
          this.#spawn(
            (async () => {
              const conversation = await Conversation.join({ plugins: this.plugins, welcome: w, config, now: this.clock.now() })
              if (conversation === undefined || done) return
              // What the group said between our Welcome and now (an election in flight, votes, chat).
              for (const p of pending.backlog) await conversation.receive(p, this.clock.now())
              pending.backlog.length = 0
              finish(undefined, this.#register(conversation))
            })().catch((err) => finish(err as Error)),
            conversationId,
            'join',
          )
        },
      }
      this.#pending.set(conversationId, pending)
      publish()
    })
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
    for (const e of this.#entries.values()) if (e.timer !== undefined) this.clock.clearTimer(e.timer)
    await this.#publishing
    await this.transport.stop()
    this.#events.complete()
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
      const welcome = this.#welcomeIn(subtopic, payload)
      if (welcome) pending.welcome(welcome)
      else if (subtopic === 'app' && pending.backlog.length < JOIN_BACKLOG_LIMIT) pending.backlog.push({ subtopic, payload })
      return
    }
    const entry = this.#entries.get(conversationId)
    if (!entry) return
    await entry.conversation.receive({ subtopic, payload }, this.clock.now())
    this.#flush(conversationId)
  }

  #welcomeIn(subtopic: string, payload: Uint8Array): MemberWelcome | undefined {
    try {
      if (subtopic === 'welcome') return decodeWelcomeChannelMessage(payload).welcome
      if (payload[0] !== 0x00) return decodeAppMessage(payload).memberWelcome
    } catch {
      return undefined
    }
    return undefined
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
