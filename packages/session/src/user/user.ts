import {
  type AbortOptions,
  AbortError,
  type Clock,
  type InboundPacket,
  type SubtopicName,
  type TimerHandle,
  type Transport,
  bytesEqual,
  throwIfAborted,
  toHex,
  topicFor,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import { type Observable, Subject, filter, map } from 'rxjs'
import { type ConversationConfigInit, mergeConfigInit, resolveConfig } from '../core/config.js'
import { Conversation } from '../conversation/conversation.js'
import { type PluginOverrides, defaultPlugins } from '../conversation/default-plugins.js'
import type { ConversationPluginsFactory } from '../core/plugins.js'
import { ConversationExistsError, InvalidArgumentError, StateCorruptError, StorageOwnerError, UserStoppedError } from '../errors.js'
import type { ConversationOutbound } from '../core/events.js'
import { ConversationHandle } from './handle.js'
import { JoinAttempt, type JoinHost } from './join/attempt.js'
import type { JoinByLinkOptions, JoinOptions, KnockOptions } from './join/options.js'
import { type KnockComponents, buildKnock, isKnockTraffic, knockFields, onKnockTraffic } from '../join/knock.js'
import { KnockBook, VerifyBudget } from '../state/knocks.js'
import { type ParsedInviteLink, parseInviteLink, proveInviteLink } from '../join/invite-link.js'
import type { JoinPhase, JoinProgress } from './join/progress.js'
import type { ChatMessage, UserEvent } from './types.js'
import { assertConversationId, validateUserInit } from './validate.js'
import { evictOldest } from '../state/bounded.js'
import { type Storage, deriveStorageKey } from '@demls/storage'

/**
 * Delays (ms) of the re-publishes of a chat packet that reached nobody:
 * about 8 s in all, then it is given up (counted in the transport's
 * `publishStats().reachedNobody`).
 */
export const UNREACHED_RETRY_MS: readonly number[] = Object.freeze([250, 500, 1_000, 2_000, 4_000])

export type { ChatMessage, UserEvent } from './types.js'

export type { JoinByLinkOptions, JoinOptions, KnockOptions } from './join/options.js'

/**
 * Options of {@link User.create}.
 *
 * @example
 * ```ts
 * import { User, type UserInit } from '@demls/session'
 * import { gossipsubTransport } from '@demls/transport-gossipsub'
 * import { memoryStorage } from '@demls/storage'
 * import { systemClock } from '@demls/wire'
 * const init: UserInit = { privateKey: crypto.getRandomValues(new Uint8Array(32)), transport: gossipsubTransport(), clock: systemClock, storage: await memoryStorage() }
 * const alice = await User.create(init)
 * ```
 */
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
  /**
   * Where every conversation's state is saved (beyond the reference): a
   * `Storage` of `@demls/storage`, e.g. `levelStorage({ location })`.
   * Encrypted at rest by default: such a store is locked
   * (`storage.locked`), and `create` unlocks it, before it reads anything,
   * with `deriveStorageKey(privateKey)` (HKDF-SHA-256 of the private key,
   * domain-separated), so the same key reopens it after a restart; an
   * unencrypted store from an earlier version is re-encrypted then. A
   * store opened with the application's own `encryptionKey`, or with
   * `plaintext: true` (the explicit opt-out), or a custom `Storage`
   * without `locked`, is used as it is. `create` resumes every
   * conversation saved there (see {@link User.conversations}); the state
   * each step produced is durable before any packet of that step is
   * published; a conversation we leave is deleted; `stop()` closes it. A
   * store belongs to one member. Joins in flight are not saved.
   */
  storage?: Storage
  /**
   * What `create` does with a saved conversation it cannot read
   * ({@link StateCorruptError}): `'throw'` fails `create`; `'skip'` leaves it
   * out (its bytes stay in the store) and lists it in
   * {@link User.unreadableConversations}.
   * @default 'throw'
   */
  onCorruptState?: 'throw' | 'skip'
  /**
   * In a conversation whose consensus plug-in aggregates votes (e.g.
   * `@demls/bls`): whether a member that is not an aggregator still
   * subscribes to the conversation's `votes` subtopic, to relay the votes
   * (it never decrypts them, but receives every one). On gossipsub a
   * member whose peers include no aggregator can reach the aggregators
   * only through members subscribed to the topic, so without relays most
   * votes are lost and every change waits for the broadcast fallback.
   *
   * - `true`: always relay.
   * - `'auto'`: we announce our transport contact while we aggregate (or
   *   an open election names us), dial the contacts the aggregators
   *   announce (`Transport.dialContact`), and relay only until we are
   *   connected to every current aggregator (then our votes reach them in
   *   one hop), or for good when the transport cannot dial contacts. It
   *   saves each member most of the votes' bytes at the cost of a
   *   connection to each current aggregator (a former aggregator's is
   *   released, `Transport.releaseContact`). On 30 peer processes sharing
   *   2 cores, four pairs of runs against relaying won five phases of
   *   eight and lost one by 70 %, a cascade of votes that fell back to the
   *   broadcast path (`docs/fault-runs.md`): not the default yet.
   * - `false`: never (every member is connected to the aggregators: a
   *   full mesh, the memory transport).
   * @default true
   */
  relayVotes?: boolean | 'auto'
}

/** How often an aggregator reads its transport's contact again (`Transport.contact`). */
const CONTACT_REFRESH_MS = 30_000
/** A failed dial of an aggregator contact is tried again after this long. */
const CONTACT_RETRY_MS = 30_000
/** A reached aggregator contact is dialled again after this long (a no-op while connected; a reconnect after a drop). */
const CONTACT_RECHECK_MS = 60_000
/** Aggregator contacts whose dials we remember (the oldest is forgotten first). */
const MAX_CONTACT_DIALS = 64
/** No direct routes wanted (shared: it is passed on every flush of a conversation that reads or relays the votes). */
const NO_CONTACTS: ReadonlySet<string> = new Set()

/** Storage keys: the owner record and each conversation's state. */
const OWNER_KEY = ['user', 'member-id']
const stateKey = (conversationId: string) => ['conv', conversationId, 'state']

/**
 * A join in flight, as listed by {@link User.joins}: `phase` is the last
 * {@link JoinPhase} reached, or `starting` before the first one (while the
 * key package is minted, and with `probe: false, announce: false` until the
 * Welcome).
 *
 * @example
 * ```ts
 * import type { PendingJoin, User } from '@demls/session'
 * declare const bob: User
 * const pending: PendingJoin[] = bob.joins()
 * for (const j of pending) console.log(`${j.conversationId}: ${j.phase} for ${j.elapsedMs} ms`)
 * ```
 */
export interface PendingJoin {
  /** The conversation being joined. */
  conversationId: string
  /** The last phase reached (`starting` before the first one). */
  phase: JoinPhase | 'starting'
  /** When `join` was called (ms since the Unix epoch, on the user's clock). */
  startedAt: number
  /** Milliseconds since `join` was called (on the user's clock). */
  elapsedMs: number
}

/** A join call, from its start (before the attempt exists) to its end. */
interface JoinCall {
  startedAt: number
  attempt: JoinAttempt | undefined
  promise: Promise<ConversationHandle>
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
 * import { User } from '@demls/session'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const aliceKey = crypto.getRandomValues(new Uint8Array(32)) // keep it: it is alice's identity
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
  /** Every join call in flight, including the key-package minting before its attempt exists. */
  readonly #joinCalls = new Map<string, JoinCall>()
  /** Conversations whose `createConversation` is in flight. */
  readonly #creating = new Map<string, Promise<ConversationHandle>>()
  readonly #issued = new Set<string>()
  readonly #events = new Subject<UserEvent>()
  readonly #joinProgress = new Subject<JoinProgress>()
  /** What join attempts use of this user. */
  readonly #joinHost: JoinHost
  #publishing: Promise<unknown> = Promise.resolve()
  /** Timers of pending re-publishes of chat that reached nobody. */
  readonly #retries = new Set<TimerHandle>()
  readonly #storage: Storage | undefined
  readonly #relayVotes: boolean | 'auto'
  /** Aggregator contacts we dialled (hex), with the outcome: reached, or when the last dial failed or began. */
  readonly #contactDials = new Map<string, { state: 'dialing' | 'reached' | 'failed'; at: number; contact: Uint8Array }>()
  /** Per conversation, the aggregator contacts (hex) it wants a direct route to: its current and upcoming aggregators'. */
  readonly #wantedContacts = new Map<string, ReadonlySet<string>>()
  /** Our transport's contact, read at most every {@link CONTACT_REFRESH_MS}. */
  #ownContact: { contact: Uint8Array | undefined; at: number } | undefined
  /** Saved conversations that could not be read (`onCorruptState: 'skip'`), reported once events can be seen. */
  #unreadable: StateCorruptError[] = []
  #stopped = false
  #stopping: Promise<void> | undefined
  /** The signature checks knocks may cost us, over all our conversations. */
  readonly #knockBudget = new VerifyBudget()
  /** Open knocks of each conversation we are a member of (memory only). */
  readonly #knockBooks = new Map<string, KnockBook>()
  /** Aborts fetches from the transport's stores on `stop`. */
  readonly #storeFetches = new AbortController()

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
    this.#storage = init.storage
    this.#relayVotes = init.relayVotes ?? true
    this.messages$ = this.events$.pipe(
      filter((e): e is Extract<UserEvent, { type: 'message' }> => e.type === 'message'),
      map((e) => ({ conversationId: e.conversationId, sender: e.sender, body: e.body, epoch: e.epoch, id: e.id })),
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

  /**
   * Validate the options, build the plug-ins, start the transport, and
   * return the user.
   *
   * @throws {InvalidPrivateKeyError} unless `privateKey` is 32 bytes of a valid secp256k1 scalar
   * @throws {InvalidUserInitError} on a missing or unusable `transport`, `clock`, `random` or `plugins`, or an unknown option
   * @throws {InvalidConfigError} on an invalid `config` (unknown key, wrong type, out of range; `field` names it)
   * @throws {StorageEncryptionKeyError} (of `@demls/storage`) when a locked `storage` does not open with the key derived from `privateKey` (another member's store, or one encrypted with the application's own key)
   * @throws {StorageOwnerError} when an unlocked `storage` holds another member's state
   * @throws {AbortError} when `options.signal` is aborted
   */
  static async create(init: UserInit, options: AbortOptions = {}): Promise<User> {
    throwIfAborted(options.signal)
    validateUserInit(init)
    resolveConfig(init.config)
    const plugins = isFactory(init.plugins) ? init.plugins : await defaultPlugins(init.privateKey, init.plugins ?? {})
    throwIfAborted(options.signal)
    if (init.storage !== undefined) {
      await unlockStorage(init.storage, init.privateKey, options.signal)
      await claimStorage(init.storage, plugins.mls.memberId, options.signal)
    }
    const restored = init.storage === undefined ? { conversations: [], unreadable: [] } : await restoreAll(init, plugins, options.signal)
    if (!init.transport.isStarted) await init.transport.start(options.signal === undefined ? undefined : { signal: options.signal })
    const user = new User(plugins.mls.memberId, plugins, init)
    user.#unreadable = restored.unreadable
    for (const conversation of restored.conversations) {
      user.#subscribe(conversation.id)
      user.#register(conversation)
      // Stores are one more backfill source (when the transport has them): what they kept while we were down.
      user.#spawn(user.#backfillFromStores(conversation), conversation.id, 'store-backfill')
    }
    return user
  }

  /**
   * Ask the transport's stores for the `app` packets of a restored
   * conversation since its history request reaches back, and feed them in
   * batches through the conversation (deduplicated, authenticated by MLS).
   * A failed store becomes an `error` event (`operation: 'store-backfill'`)
   * after what the others returned was fed.
   */
  async #backfillFromStores(conversation: Conversation, attempt = 0): Promise<void> {
    const sinceMs = conversation.storeBackfillSince()
    const fetchStored = this.transport.fetchStored?.bind(this.transport)
    if (fetchStored === undefined || sinceMs === undefined) return
    const id = conversation.id
    let batch: Uint8Array[] = []
    const feed = async () => {
      if (batch.length === 0 || this.#stopped || !this.#entries.has(id)) return
      const payloads = batch
      batch = []
      await conversation.receiveStored(payloads, this.clock.now())
      this.#flush(id)
    }
    try {
      for await (const packet of fetchStored(topicFor(id, 'app'), { sinceMs, signal: this.#storeFetches.signal })) {
        if (this.#stopped) return
        batch.push(packet.envelope.payload)
        if (batch.length >= STORE_BACKFILL_BATCH) await feed()
      }
    } catch (err) {
      if (this.#stopped) return
      // A store fetch can fail for a moment (a stream closed while the node's connections churn): it is asked
      // again after each of STORE_BACKFILL_RETRY_MS, from the same time (what comes twice is read once).
      const delay = STORE_BACKFILL_RETRY_MS[attempt]
      if (delay === undefined) throw err
      const handle = this.clock.setTimer(() => {
        this.#retries.delete(handle)
        if (this.#stopped || !this.#entries.has(id)) return
        this.#spawn(this.#backfillFromStores(conversation, attempt + 1), id, 'store-backfill')
      }, delay)
      this.#retries.add(handle)
    } finally {
      await feed()
    }
  }

  /**
   * The saved conversations `create` could not read and left out
   * (`onCorruptState: 'skip'`); their bytes are still in the store.
   */
  unreadableConversations(): StateCorruptError[] {
    return [...this.#unreadable]
  }

  /** Whether {@link User.stop} was called: every later call throws {@link UserStoppedError}. */
  get isStopped(): boolean {
    return this.#stopped
  }

  /** @throws {UserStoppedError} after `stop()` */
  #assertRunning(operation: string): void {
    if (this.#stopped) throw new UserStoppedError(operation)
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
   *
   * @throws {UserStoppedError} after `stop()`
   * @throws {AbortError} when `options.signal` aborts before the key package is ready
   */
  async keyPackage(options: AbortOptions = {}): Promise<Uint8Array> {
    this.#assertRunning('keyPackage')
    throwIfAborted(options.signal)
    const kp = await this.plugins.generateKeyPackage(this.clock.now())
    throwIfAborted(options.signal)
    this.#issued.add(toHex(sha256(kp)))
    evictOldest(this.#issued, ISSUED_KEY_PACKAGES)
    return kp
  }

  /**
   * Create a conversation in which we are the only member and steward.
   * `config` is layered over the user's configuration, field by field.
   * Its `admission` policy (default `'invite'`: only identities a member
   * vouched for with {@link ConversationHandle.invite} or an explicit YES
   * get in; `'open'`: every announced joiner is auto-admitted, as in the
   * reference) is stored in the conversation's config and synced to
   * joiners.
   *
   * @example
   * ```ts
   * import type { User } from '@demls/session'
   * declare const alice: User
   * declare const bob: User
   * const chat = await alice.createConversation('chat')
   * await chat.invite(bob.memberId)
   * const lobby = await alice.createConversation('lobby', { admission: 'open' })
   * ```
   *
   * @throws {ConversationExistsError} when we already created or joined `conversationId`, or a join or creation of it is in flight
   * @throws {InvalidConversationIdError} on an id that cannot name a topic
   * @throws {InvalidConfigError} on an invalid `config` (`field` names the key)
   * @throws {UserStoppedError} after `stop()`
   * @throws {AbortError} when `options.signal` aborts before the conversation is registered
   */
  async createConversation(
    conversationId: string,
    config?: ConversationConfigInit,
    options: AbortOptions = {},
  ): Promise<ConversationHandle> {
    this.#assertRunning('createConversation')
    throwIfAborted(options.signal)
    assertConversationId(conversationId)
    const merged = mergeConfigInit(this.#config, config)
    resolveConfig(merged)
    if (this.#handles.has(conversationId)) throw new ConversationExistsError(conversationId, 'member')
    if (this.#joinCalls.has(conversationId)) throw new ConversationExistsError(conversationId, 'joining')
    if (this.#creating.has(conversationId)) throw new ConversationExistsError(conversationId, 'creating')
    const creating = this.#create(conversationId, merged, options.signal)
    this.#creating.set(conversationId, creating)
    try {
      return await creating
    } finally {
      this.#creating.delete(conversationId)
    }
  }

  async #create(conversationId: string, config: ConversationConfigInit, signal: AbortSignal | undefined): Promise<ConversationHandle> {
    this.#subscribe(conversationId)
    let conversation: Conversation
    try {
      conversation = await this.#track(
        Conversation.create({
          conversationId,
          plugins: this.plugins,
          config,
          now: this.clock.now(),
        }),
      )
      this.#assertRunning('createConversation')
      throwIfAborted(signal)
    } catch (err) {
      this.#unsubscribe(conversationId)
      throw err
    }
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
   * `options.onProgress`, and the join is listed by {@link User.joins}
   * until it settles. A second call while a join (or a creation) of the
   * same conversation is pending returns the same promise; a call for a
   * conversation we are already in resolves its existing handle (joining
   * is idempotent; `createConversation` is not, it throws).
   *
   * @example
   * ```ts
   * import type { User } from '@demls/session'
   * declare const bob: User
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
   * @throws {InvalidConversationIdError} on an id that cannot name a topic
   * @throws {InvalidConfigError} on an invalid `options.config` (`field` names the key)
   * @throws {UserStoppedError} after `stop()`
   */
  async join(conversationId: string, options: JoinOptions = {}): Promise<ConversationHandle> {
    return this.#joinEntry(conversationId, options, undefined)
  }

  /**
   * Join a conversation with an invite link (`ConversationHandle.createInviteLink`):
   * read the link (`parseInviteLink`), let `options.connect` reach the
   * addresses it carries, then join as {@link User.join} does, with an
   * announcement that proves we hold the link (the link key's signature
   * over our identity and this key package: a copy of the announcement
   * admits nobody else). Every member checks the proof against what the
   * link's creator signed, the link's revocations and its uses, and votes
   * YES while it admits. A link the group refuses fails the join with
   * `RejectedError` and `reason` `link-spent`, `link-expired`,
   * `link-revoked` (or its creator left) or `link-invalid`.
   *
   * @example
   * ```ts
   * import { RejectedError, type User } from '@demls/session'
   * declare const bob: User
   * declare const link: string // demls:…
   * const chat = await bob
   *   .joinByLink(link, { signal: AbortSignal.timeout(120_000), onProgress: (p) => console.log(p.phase) })
   *   .catch((err) => {
   *     if (err instanceof RejectedError && err.reason === 'link-spent') console.log('ask for a new link')
   *     throw err
   *   })
   * ```
   *
   * @throws {InvalidInviteLinkError} when `link` is not an invite link we can read
   * @throws {RejectedError} when a member reported (signed) that the group refused us (`link-…` reasons for the link)
   * @throws {AbortError} when `options.signal` aborts or the user stops (with `elapsedMs`)
   * @throws {NoReadyPeersError} when no ready member answered a probe before the deadline
   * @throws {WelcomeTimeoutError} when the group was reachable but no Welcome came before the deadline
   * @throws {InvalidArgumentError} on a non-positive `timeoutMs`
   * @throws {InvalidConfigError} on an invalid `options.config`
   * @throws {UserStoppedError} after `stop()`
   */
  async joinByLink(link: string, options: JoinByLinkOptions = {}): Promise<ConversationHandle> {
    this.#assertRunning('joinByLink')
    if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason, elapsedMs: 0 })
    const parsed = parseInviteLink(link)
    if (options.connect !== undefined && parsed.addresses.length > 0) await options.connect(parsed.addresses, { signal: options.signal })
    const { connect: _connect, ...join } = options
    return this.#joinEntry(parsed.conversationId, join, parsed)
  }

  async #joinEntry(
    conversationId: string,
    options: JoinOptions,
    link: ParsedInviteLink | undefined,
    knock?: { note: string; lifetimeMs: number },
  ): Promise<ConversationHandle> {
    this.#assertRunning('join')
    if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason, elapsedMs: 0 })
    assertConversationId(conversationId)
    const config = mergeConfigInit(this.#config, options.config)
    const resolved = resolveConfig(config)
    const timeoutMs = options.timeoutMs ?? 3 * resolved.commitInactivityMs
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new InvalidArgumentError(`timeoutMs must be > 0 (got ${timeoutMs})`)
    const existing = this.#handles.get(conversationId)
    if (existing) return existing
    const inFlight = this.#joinCalls.get(conversationId)
    if (inFlight) return inFlight.promise
    const creating = this.#creating.get(conversationId)
    if (creating) return creating
    const call: JoinCall = { startedAt: this.clock.now(), attempt: undefined, promise: Promise.resolve(undefined as never) }
    call.promise = this.#join(conversationId, options, config, timeoutMs, call, link, knock)
    this.#joinCalls.set(conversationId, call)
    const forget = () => {
      if (this.#joinCalls.get(conversationId) === call) this.#joinCalls.delete(conversationId)
    }
    call.promise.then(forget, forget)
    return call.promise
  }

  async #join(
    conversationId: string,
    options: JoinOptions,
    config: ConversationConfigInit,
    timeoutMs: number,
    call: JoinCall,
    link: ParsedInviteLink | undefined,
    knock?: { note: string; lifetimeMs: number },
  ): Promise<ConversationHandle> {
    // A link join proves the link in its announcement, a knock carries the key package: both announce.
    const announce = link !== undefined || knock !== undefined || options.announce !== false
    const started = call.startedAt
    this.#subscribe(conversationId)
    let keyPackage: Uint8Array | undefined
    try {
      keyPackage = announce ? await this.#track(this.plugins.generateKeyPackage(started)) : undefined
      if (this.#stopped) throw new AbortError(`join of ${conversationId} aborted`, { cause: new UserStoppedError('join'), elapsedMs: this.clock.now() - started })
    } catch (err) {
      this.#unsubscribe(conversationId)
      throw err
    }
    const raced = this.#handles.get(conversationId) ?? this.#pending.get(conversationId)
    if (raced) return raced instanceof JoinAttempt ? raced.promise : raced
    const knocked =
      knock === undefined || keyPackage === undefined
        ? undefined
        : buildKnock(this.plugins.consensus.signer, conversationId, keyPackage, { note: knock.note, expiresInMs: knock.lifetimeMs }, started)
    const attempt = new JoinAttempt(
      this.#joinHost,
      conversationId,
      {
        config,
        // A knock's deadline is its expiry until a member lets it in, then `timeoutMs` from there.
        timeoutMs: knocked === undefined ? timeoutMs : knocked.expiresAt - started,
        probe: knocked !== undefined || (options.probe ?? announce),
        ...(knocked !== undefined ? { knock: { payload: knocked.payload, id: knocked.id, expiresAt: knocked.expiresAt, joinTimeoutMs: timeoutMs } } : {}),
        keyPackage,
        ...(link !== undefined && keyPackage !== undefined ? { linkProof: proveInviteLink(link, this.memberId, keyPackage) } : {}),
        trusted: options.trustedMembers === undefined ? undefined : new Set(options.trustedMembers.map(toHex)),
        retry: options.retry ?? {},
        probeRetry: options.probeRetry ?? { initialMs: 1_000, maxMs: 5_000 },
        signal: options.signal,
        onProgress: options.onProgress,
      },
      started,
    )
    this.#pending.set(conversationId, attempt)
    call.attempt = attempt
    if (options.signal?.aborted) attempt.abort(options.signal.reason)
    else attempt.start()
    return attempt.promise
  }

  /**
   * Knock on a conversation we hold no invitation for (beyond the
   * reference): ask its members to let us in. We probe like `join`, then
   * publish a signed knock (our id, a fresh key package, `note`, an
   * expiry; at most 4096 bytes) and re-send it every 1 to 4 s; members see
   * a `knock` event. When a member lets us in (`ConversationHandle.letIn`:
   * it invites us, then answers), we announce our key package and the
   * group admits us by its usual vote: the join's phases follow, and the
   * call resolves the handle like `join`. Progress: `knocking` ("waiting
   * for a member to let you in"), `let-in`, then the join's phases. Only
   * an answer signed by a member we trust counts (with `trustedMembers`
   * one of them, otherwise a member whose beacon answered our probes): an
   * outsider cannot end our knock. A knock in flight is not saved: after a
   * restart, knock again.
   *
   * @example
   * ```ts
   * import { KnockRefusedError, type User } from '@demls/session'
   * declare const bob: User
   * try {
   *   const chat = await bob.knock('climbing', { note: 'bob, a friend of alice', onProgress: (p) => p.phase === 'knocking' && console.log('waiting for a member to let you in') })
   *   await chat.sendMessage(new TextEncoder().encode('thanks for letting me in'))
   * } catch (err) {
   *   if (err instanceof KnockRefusedError) console.log(err.reason) // 'knock-declined' or 'knock-expired'
   * }
   * ```
   *
   * @throws {KnockRefusedError} `reason` `knock-declined` (a member declined) or `knock-expired` (reachable, unanswered before the expiry)
   * @throws {RejectedError} when, let in, the group still refused the join (signed, with its reason)
   * @throws {NoReadyPeersError} when no ready member answered a probe before the knock's expiry
   * @throws {WelcomeTimeoutError} when let in, but no Welcome came within `timeoutMs`
   * @throws {InvalidArgumentError} on a note over 256 bytes, `expiresInMs` out of 1 ms–1 hour, a non-positive `timeoutMs`
   * @throws {InvalidConversationIdError} on an id that cannot name a topic
   * @throws {AbortError} when `options.signal` aborts or the user stops
   * @throws {UserStoppedError} after `stop()`
   */
  async knock(conversationId: string, options: KnockOptions = {}): Promise<ConversationHandle> {
    this.#assertRunning('knock')
    if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason, elapsedMs: 0 })
    assertConversationId(conversationId)
    const fields = knockFields(options)
    const { note: _note, expiresInMs: _expires, ...join } = options
    return this.#joinEntry(conversationId, join, undefined, fields)
  }

  /** @internal The members' side of knocking on a conversation we are in. */
  knockDesk(conversationId: string): KnockComponents | undefined {
    const entry = this.#entries.get(conversationId)
    if (entry === undefined) return undefined
    let book = this.#knockBooks.get(conversationId)
    if (book === undefined) {
      book = new KnockBook()
      this.#knockBooks.set(conversationId, book)
    }
    const conversation = entry.conversation
    return {
      conversationId,
      signer: this.plugins.consensus.signer,
      book,
      budget: this.#knockBudget,
      isMember: (memberId) => conversation.members().some((m) => bytesEqual(m, memberId)),
      endorses: () => {
        const role = conversation.role()
        return role !== undefined && role !== 'member'
      },
      emit: (event) => this.#events.next({ ...event, conversationId }),
      publish: (payload) => this.#publish(conversationId, 'welcome', payload),
    }
  }

  /** @internal Resolves once what was queued for publishing so far has gone out (its state saved first). */
  published(): Promise<unknown> {
    return this.#publishing
  }

  /** The handle of a conversation we are in. */
  conversation(conversationId: string): ConversationHandle | undefined {
    return this.#handles.get(conversationId)
  }

  /**
   * Ids of the conversations we are a working member of (created, or
   * joined and ready). Joins in flight are not listed: see {@link User.joins}.
   */
  conversations(): string[] {
    return [...this.#handles.keys()]
  }

  /**
   * The joins in flight, oldest first: the conversation, the last phase
   * reached (`starting` while the key package is minted), when `join` was
   * called and how long ago. A join leaves this list when it settles; a
   * successful one then appears in {@link User.conversations}.
   *
   * @example
   * ```ts
   * import type { User } from '@demls/session'
   * declare const user: User
   * for (const j of user.joins()) console.log(`${j.conversationId}: ${j.phase} for ${j.elapsedMs} ms`)
   * ```
   */
  joins(): PendingJoin[] {
    const now = this.clock.now()
    const out: PendingJoin[] = []
    for (const [conversationId, call] of this.#joinCalls) {
      if (this.#handles.has(conversationId)) continue
      out.push({ conversationId, phase: call.attempt?.phase ?? 'starting', startedAt: call.startedAt, elapsedMs: now - call.startedAt })
    }
    return out
  }

  /**
   * Stop every timer, abort every join in flight (`AbortError`), and stop
   * the transport. Every later call on the user or its handles throws
   * {@link UserStoppedError}; a second `stop` returns the first one's promise.
   *
   * @throws {AbortError} when `options.signal` is already aborted (nothing is stopped then)
   */
  stop(options: AbortOptions = {}): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping
    if (options.signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: options.signal.reason }))
    this.#stopping = this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    this.#stopped = true
    this.#storeFetches.abort(new UserStoppedError('store-backfill'))
    for (const attempt of [...this.#pending.values()]) attempt.abort(new UserStoppedError('join'))
    for (const e of this.#entries.values()) if (e.timer !== undefined) this.clock.clearTimer(e.timer)
    for (const handle of this.#retries) this.clock.clearTimer(handle)
    this.#retries.clear()
    await this.#publishing
    await this.transport.stop()
    if (this.#storage !== undefined && !this.#storage.closed) await this.#storage.close()
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
    if (this.#votesTopics.delete(id)) this.transport.unsubscribe(topicFor(id, 'votes'))
    this.#wantContacts(id, NO_CONTACTS)
  }

  /** Conversations whose `votes` subtopic we read (we aggregate their votes). */
  readonly #votesTopics = new Set<string>()

  /**
   * Subscribe to a conversation's `votes` subtopic while we aggregate its
   * votes, or, with `relayVotes`, while the group aggregates at all (to
   * relay them); unsubscribe otherwise (issue 55).
   */
  #syncVotesTopic(id: string, conversation: Conversation): void {
    // With 'auto', every member of an aggregating group may be elected: the conversation announces our contact when
    // we aggregate or an open election names us. Otherwise we offer none (members that relay need none).
    if (conversation.aggregatesVotes() && this.#relayVotes === 'auto') conversation.setTransportContact(this.#transportContact())
    // An upcoming aggregator subscribes ahead (its subscription must have reached the voters by the time they send to it).
    const reads = conversation.readsVotes() || conversation.aggregatesSoon()
    const want = reads || (conversation.aggregatesVotes() && this.#relaysVotes(id, conversation))
    // Direct routes only while we neither read the votes ourselves nor relay them all: the rest are released.
    if (reads || !conversation.aggregatesVotes()) this.#wantContacts(id, NO_CONTACTS)
    if (want === this.#votesTopics.has(id)) return
    if (want) {
      this.#votesTopics.add(id)
      this.transport.subscribe(topicFor(id, 'votes'))
    } else {
      this.#votesTopics.delete(id)
      this.transport.unsubscribe(topicFor(id, 'votes'))
    }
  }

  /** Our transport's contact, read again at most every {@link CONTACT_REFRESH_MS} (addresses change rarely). */
  #transportContact(): Uint8Array | undefined {
    const now = this.clock.now()
    const held = this.#ownContact
    if (held !== undefined && now - held.at < CONTACT_REFRESH_MS) return held.contact
    const contact = this.transport.contact?.()
    this.#ownContact = { contact, at: now }
    return contact
  }

  /**
   * Whether we relay the `votes` subtopic of `conversation` (it aggregates
   * votes, we are not an aggregator): always or never as configured; with
   * `'auto'`, until we are connected to every current aggregator, whose
   * contacts we dial here as they come (and again every
   * {@link CONTACT_RECHECK_MS}, a cheap no-op while connected), and those
   * of the members an open election names, ahead.
   */
  #relaysVotes(id: string, conversation: Conversation): boolean {
    if (this.#relayVotes !== 'auto') return this.#relayVotes
    if (this.transport.dialContact === undefined) return true
    const now = this.clock.now()
    let reachedAll = true
    const wanted = new Set<string>()
    for (const { contact, current } of conversation.aggregatorContacts()) {
      if (contact === undefined) {
        reachedAll = false
        continue
      }
      const key = toHex(contact)
      wanted.add(key)
      const dial = this.#contactDials.get(key)
      // An upcoming aggregator (named in an open election) is dialled ahead, and does not hold the decision.
      if (current && dial?.state !== 'reached') reachedAll = false
      const due = dial === undefined || (dial.state === 'failed' && now - dial.at >= CONTACT_RETRY_MS) || (dial.state === 'reached' && now - dial.at >= CONTACT_RECHECK_MS)
      if (due && !this.#stopped) this.#dialContact(id, key, contact, now)
    }
    this.#wantContacts(id, wanted)
    return !reachedAll
  }

  /**
   * Record the aggregator contacts conversation `id` wants a direct route
   * to, and release (`Transport.releaseContact`) every contact we dialled
   * that no conversation wants any more: a former aggregator's connection
   * is closed instead of kept for good (issue 55).
   */
  #wantContacts(id: string, wanted: ReadonlySet<string>): void {
    if (wanted.size === 0) this.#wantedContacts.delete(id)
    else this.#wantedContacts.set(id, wanted)
    for (const [key, dial] of this.#contactDials) {
      if (this.#contactWanted(key)) continue
      this.#contactDials.delete(key)
      // A dial still under way is released when it settles (see #dialContact).
      if (dial.state === 'reached') this.#releaseContact(id, dial.contact)
    }
  }

  #contactWanted(key: string): boolean {
    for (const wanted of this.#wantedContacts.values()) if (wanted.has(key)) return true
    return false
  }

  #releaseContact(id: string, contact: Uint8Array): void {
    const release = this.transport.releaseContact
    if (release === undefined || this.#stopped) return
    this.#spawn(release.call(this.transport, contact), id, 'release-contact')
  }

  /** Dial one aggregator contact in the background; the conversation is flushed again when it settles (the relay decision may change). */
  #dialContact(id: string, key: string, contact: Uint8Array, now: number): void {
    const was = this.#contactDials.get(key)
    // A recheck of a reached contact keeps it reached while it runs.
    this.#contactDials.set(key, { state: was?.state === 'reached' ? 'reached' : 'dialing', at: now, contact })
    while (this.#contactDials.size > MAX_CONTACT_DIALS) {
      const [oldest, entry] = this.#contactDials.entries().next().value as [string, { state: string; contact: Uint8Array }]
      this.#contactDials.delete(oldest)
      if (entry.state === 'reached') this.#releaseContact(id, entry.contact)
    }
    const settle = (ok: boolean) => {
      // No longer wanted while it ran (the aggregators changed): the route it opened is released at once.
      if (!this.#contactWanted(key)) {
        this.#contactDials.delete(key)
        if (ok) this.#releaseContact(id, contact)
        return
      }
      this.#contactDials.set(key, { state: ok ? 'reached' : 'failed', at: this.clock.now(), contact })
      if (ok !== (was?.state === 'reached')) this.#flush(id)
    }
    this.#spawn(
      (this.transport.dialContact as NonNullable<Transport['dialContact']>).call(this.transport, contact).then(settle, (err: unknown) => {
        settle(false)
        throw err
      }),
      id,
      'dial-contact',
    )
  }

  #register(conversation: Conversation): ConversationHandle {
    const id = conversation.id
    if (this.#storage !== undefined) conversation.enableSaving()
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
      // Votes are for a group's aggregators: a joiner has none to read.
      if (subtopic !== 'votes') pending.onPacket(subtopic, payload)
      return
    }
    const entry = this.#entries.get(conversationId)
    if (!entry) return
    // A relay of the votes subtopic: the votes are the aggregators', nothing to decrypt here.
    if (subtopic === 'votes' && !entry.conversation.readsVotes()) return
    if (subtopic === 'welcome' && isKnockTraffic(payload)) {
      // Knocks and their answers are the members' knock desk's (bounded, budgeted); the conversation ignores them.
      const desk = this.knockDesk(conversationId)
      if (desk !== undefined) onKnockTraffic(desk, payload, this.clock.now())
      return
    }
    await entry.conversation.receive({ subtopic, payload }, this.clock.now())
    this.#flush(conversationId)
  }

  #publish(conversationId: string, subtopic: SubtopicName, payload: Uint8Array, retryUnreached = false, attempt = 0): void {
    const send = async () => {
      try {
        const r = await this.transport.publish({ conversationId, subtopic, payload }, { allowNoPeers: true })
        if (retryUnreached && r.recipients === 0) this.#republishLater(conversationId, subtopic, payload, attempt)
      } catch (err) {
        this.#events.next({ type: 'error', conversationId, operation: 'publish', error: err as Error })
      }
    }
    this.#publishing = this.#publishing.then(send)
    this.#track(this.#publishing)
  }

  /**
   * Write a conversation's state, then publish the packets of the steps
   * that produced it (in the publish order): a packet never leaves before
   * its state is durable. When the write fails, they are not sent (an
   * `error` event, `operation: 'save'`); the protocol's own re-sends
   * recover from such a loss.
   */
  #save(conversationId: string, state: Uint8Array, outbound: readonly ConversationOutbound[]): void {
    const storage = this.#storage as Storage
    const write = async () => {
      try {
        await storage.put(stateKey(conversationId), state)
      } catch (err) {
        this.#events.next({ type: 'error', conversationId, operation: 'save', error: err as Error })
        return false
      }
      return true
    }
    const written = this.#publishing.then(write)
    this.#publishing = written
    this.#track(written)
    written.then((ok) => {
      if (ok) for (const out of outbound) this.#publish(conversationId, out.subtopic, out.payload, out.retryUnreached === true)
    })
  }

  /**
   * A chat packet or a vote reached nobody (no reachable subscriber yet: a new
   * connection, a short partition): publish it again after
   * {@link UNREACHED_RETRY_MS}[attempt], while we still hold the
   * conversation. The transport did not mark unreached bytes as seen, so
   * the same bytes go out again.
   */
  #republishLater(conversationId: string, subtopic: SubtopicName, payload: Uint8Array, attempt: number): void {
    const delay = UNREACHED_RETRY_MS[attempt]
    if (delay === undefined || this.#stopped) return
    const handle = this.clock.setTimer(() => {
      this.#retries.delete(handle)
      if (this.#stopped || !this.#entries.has(conversationId)) return
      this.#publish(conversationId, subtopic, payload, true, attempt + 1)
    }, delay)
    this.#retries.add(handle)
  }

  /** Publish outbound, emit events, and reschedule the conversation's poll. */
  #flush(id: string): void {
    const entry = this.#entries.get(id)
    if (!entry) return
    const conv = entry.conversation
    const save = this.#storage === undefined ? undefined : conv.takeSave()
    const outbound = conv.drainOutbound()
    if (save !== undefined) this.#save(id, save, outbound)
    else for (const out of outbound) this.#publish(id, out.subtopic, out.payload, out.retryUnreached === true)
    for (const e of conv.drainEvents()) this.#events.next({ ...e, conversationId: id })
    if (conv.isClosed) {
      this.#remove(id)
      return
    }
    this.#syncVotesTopic(id, conv)
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
    this.#knockBooks.delete(id)
    this.#unsubscribe(id)
    const storage = this.#storage
    if (storage !== undefined) {
      // We left (or were removed): nothing of the conversation stays on disk.
      const forget = async () => {
        try {
          await storage.delete(['conv', id])
        } catch (err) {
          this.#events.next({ type: 'error', conversationId: id, operation: 'save', error: err as Error })
        }
      }
      this.#publishing = this.#publishing.then(forget)
      this.#track(this.#publishing)
    }
    this.#events.next({ type: 'conversation-removed', conversationId: id })
  }

  /** @internal */
  eventsOf(conversationId: string): Observable<UserEvent> {
    return this.events$.pipe(filter((e) => e.conversationId === conversationId))
  }
}

/**
 * Unlock a locked `storage` (`levelStorage({ location })`, encrypted at
 * rest by default) with the key derived from the private key; a store that
 * is not locked is left as it is.
 */
async function unlockStorage(storage: Storage, privateKey: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
  if (storage.locked !== true || storage.unlock === undefined) return
  const opts = signal === undefined ? {} : { signal }
  await storage.unlock(await deriveStorageKey(privateKey, opts), opts)
}

/**
 * Mark `storage` as ours, or refuse it when it holds another member's state.
 *
 * @throws {StorageOwnerError} when the store belongs to another member
 */
async function claimStorage(storage: Storage, memberId: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
  const opts = signal === undefined ? {} : { signal }
  const owner = await storage.get(OWNER_KEY, opts)
  if (owner === undefined) await storage.put(OWNER_KEY, memberId, opts)
  else if (toHex(owner) !== toHex(memberId)) throw new StorageOwnerError(toHex(owner), toHex(memberId))
}

/** Packets from stores fed to a conversation at a time (a member's history reply is bounded the same). */
const STORE_BACKFILL_BATCH = 256

/** A failed store fetch of a restored conversation is tried again after each of these (ms); then it is an `error` event. */
const STORE_BACKFILL_RETRY_MS: readonly number[] = [1_000, 4_000]

/** Every conversation saved in the store, resumed (see {@link Conversation.restore}). */
async function restoreAll(
  init: UserInit,
  plugins: ConversationPluginsFactory,
  signal: AbortSignal | undefined,
): Promise<{ conversations: Conversation[]; unreadable: StateCorruptError[] }> {
  const storage = init.storage as Storage
  const conversations: Conversation[] = []
  const unreadable: StateCorruptError[] = []
  for await (const { key, value } of storage.entries(['conv'], signal === undefined ? {} : { signal })) {
    if (key.length !== 3 || key[2] !== 'state') continue
    const conversationId = key[1] as string
    try {
      conversations.push(await Conversation.restore({ conversationId, plugins, state: value, now: init.clock.now() }))
    } catch (err) {
      if (!(err instanceof StateCorruptError) || init.onCorruptState !== 'skip') throw err
      unreadable.push(err)
    }
  }
  return { conversations, unreadable }
}
