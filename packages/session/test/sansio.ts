import type { MlsService } from '@demls/mls'
import { type AppMessage, decodeAppMessage, decodeWelcomeChannelMessage } from '@demls/wire'
import {
  Conversation,
  type ConversationConfigInit,
  type ConversationEvent,
  type ConversationOutbound,
  type ConversationPluginsFactory,
  FAST_TIMING,
  defaultPlugins,
} from '../src/index.js'
import { keyFor } from './scenarios/harness.js'

/**
 * A sans-I/O test bed in the style of the reference's `tests/common/harness.rs`:
 * `Conversation`s driven by hand, one `now` per member (a member's clock may
 * be skewed), every outbound packet delivered to every other member, and an
 * optional interceptor to drop or rewrite a packet on one link.
 */
export interface Peer {
  index: number
  plugins: ConversationPluginsFactory
  conversation?: Conversation
  /** Milliseconds this member's clock runs ahead of the bed's. */
  skewMs: number
  events: ConversationEvent[]
  /** Every packet this member published. */
  sent: ConversationOutbound[]
  /** This member's MLS group (to act as a malicious member: encrypt arbitrary messages under its identity). */
  mls?: MlsService
}

export type Intercept = (from: number, to: number, packet: ConversationOutbound) => ConversationOutbound | undefined

export class Bed {
  now: number
  readonly peers: Peer[] = []
  intercept: Intercept | undefined
  /**
   * Called before a member's outbound is drained; returning `'crash'` kills
   * it there (its outbound is lost and its conversation removed; packets to
   * it are dropped until the test gives it a conversation again), and
   * `'crash-after-send'` kills it right after that outbound is delivered.
   */
  onDrain: ((peer: Peer) => 'crash' | 'crash-after-send' | undefined) | undefined
  readonly #config: ConversationConfigInit
  /** Vote requests already answered by {@link Bed.answerVoteRequests}, per member. */
  readonly #answered = new Map<number, number>()
  /** The conversation id. */
  readonly id: string

  private constructor(id: string, config: ConversationConfigInit, now: number) {
    this.id = id
    this.#config = config
    this.now = now
  }

  /** `n` members' plug-ins; member 0 creates the conversation. */
  static async create(id: string, n: number, config: ConversationConfigInit = {}): Promise<Bed> {
    // ts-mls checks key-package lifetimes against the system clock: start at the real time.
    const bed = new Bed(id, { ...FAST_TIMING, attestationIntervalMs: 3_600_000, ...config }, Math.floor(Date.now() / 1000) * 1000)
    for (let i = 0; i < n; i++) {
      const defaults = await defaultPlugins(keyFor(i))
      const peer: Peer = { index: i, plugins: defaults, skewMs: 0, events: [], sent: [] }
      peer.plugins = {
        ...defaults,
        createMls: async (id, now) => {
          peer.mls = await defaults.createMls(id, now)
          return peer.mls
        },
        welcomeMls: async (welcome, accept, options) => {
          const mls = await defaults.welcomeMls(welcome, accept, options)
          if (mls !== undefined) peer.mls = mls
          return mls
        },
      }
      bed.peers.push(peer)
    }
    const c = await Conversation.create({ conversationId: id, plugins: bed.peers[0]!.plugins, config: bed.#config, now: bed.now })
    bed.peers[0]!.conversation = c
    await bed.flush()
    return bed
  }

  conv(i: number): Conversation {
    const c = this.peers[i]!.conversation
    if (c === undefined) throw new Error(`member ${i} has no conversation`)
    return c
  }

  /** Member `i`'s clock. */
  clock(i: number): number {
    return this.now + this.peers[i]!.skewMs
  }

  /** Deliver everything queued, repeatedly, until nothing is left; join members a Welcome is for. */
  async flush(): Promise<void> {
    for (let round = 0; round < 64; round++) {
      let moved = false
      for (const from of this.peers) {
        const c = from.conversation
        if (c === undefined) continue
        from.events.push(...c.drainEvents())
        const fate = this.onDrain?.(from)
        if (fate === 'crash') {
          c.drainOutbound()
          from.conversation = undefined
          continue
        }
        const out = c.drainOutbound()
        if (fate === 'crash-after-send') from.conversation = undefined
        from.sent.push(...out)
        for (const packet of out) {
          moved = true
          for (const to of this.peers) {
            if (to === from) continue
            const p = this.intercept ? this.intercept(from.index, to.index, packet) : packet
            if (p !== undefined) await this.#deliver(to, p)
          }
        }
      }
      if (!moved) return
    }
  }

  async #deliver(to: Peer, packet: ConversationOutbound): Promise<void> {
    const now = this.clock(to.index)
    if (to.conversation !== undefined) {
      await to.conversation.receive(packet, now)
      return
    }
    if (packet.subtopic !== 'welcome') return
    const welcome = decodeWelcomeChannelMessage(packet.payload).welcome
    if (welcome === undefined) return
    const c = await Conversation.join({ plugins: to.plugins, welcome, config: this.#config, now })
    if (c !== undefined) to.conversation = c
  }

  /** Poll every member at its clock, then deliver. */
  async poll(): Promise<void> {
    for (const p of this.peers) if (p.conversation && !p.conversation.isClosed) await p.conversation.poll(this.clock(p.index))
    await this.flush()
  }

  /** Advance `ms` in steps of `step`, polling and delivering at each. */
  async run(ms: number, step = 50): Promise<void> {
    const end = this.now + ms
    while (this.now < end) {
      this.now = Math.min(end, this.now + step)
      await this.poll()
    }
  }

  /** Run until `predicate` holds (throws after `maxMs`). */
  async until(predicate: () => boolean, maxMs = 30_000, step = 50): Promise<void> {
    const end = this.now + maxMs
    while (!predicate()) {
      if (this.now >= end) throw new Error(`condition not met within ${maxMs} ms`)
      this.now += step
      await this.poll()
    }
  }

  /**
   * The steward among `members` goes silent (every packet it sends is lost).
   * Returns it and the others.
   */
  silenceSteward(members: number[]): { s: number; live: number[] } {
    const s = members.find((i) => this.conv(i).isSteward())!
    this.intercept = (from, _to, p) => (from === s ? undefined : p)
    return { s, live: members.filter((i) => i !== s) }
  }

  /**
   * Answer the vote requests members `who` received since the last call:
   * `choose` returns the vote, or undefined to leave the request to the
   * auto-vote. Then deliver what the votes produced.
   */
  async answerVoteRequests(
    who: number[],
    choose: (i: number, request: Extract<ConversationEvent, { type: 'vote-requested' }>) => boolean | undefined,
  ): Promise<void> {
    for (const i of who) {
      const requests = this.eventsOf(i, 'vote-requested')
      for (const r of requests.slice(this.#answered.get(i) ?? 0)) {
        const choice = choose(i, r)
        if (choice !== undefined) await this.conv(i).vote(r.proposalId, choice, this.clock(i))
      }
      this.#answered.set(i, requests.length)
    }
    await this.flush()
  }

  /** Member 0 adds member `i` with a fresh key package; wait until `i` is in. */
  async add(i: number): Promise<void> {
    const kp = await this.peers[i]!.plugins.generateKeyPackage(this.now)
    await this.conv(0).addMember(kp, this.now)
    await this.flush()
    await this.until(() => this.peers[i]!.conversation !== undefined && this.peers.every((p) => !p.conversation || p.conversation.members().length >= i + 1))
  }

  /** Decoded plaintext app messages member `i` published (commit candidates, control, welcomes). */
  plaintextSent(i: number): AppMessage[] {
    return this.peers[i]!.sent.filter((p) => p.subtopic === 'app' && p.payload[0] !== 0).map((p) => decodeAppMessage(p.payload))
  }

  /** Commit candidates member `i` published (its own and its echoes). */
  candidatesSent(i: number) {
    return this.plaintextSent(i).flatMap((m) => (m.commitCandidate ? [m.commitCandidate] : []))
  }

  eventsOf<T extends ConversationEvent['type']>(i: number, type: T): Extract<ConversationEvent, { type: T }>[] {
    this.peers[i]!.events.push(...(this.peers[i]!.conversation?.drainEvents() ?? []))
    return this.peers[i]!.events.filter((e): e is Extract<ConversationEvent, { type: T }> => e.type === type)
  }
}
