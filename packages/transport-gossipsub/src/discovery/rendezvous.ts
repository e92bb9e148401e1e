import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { InvalidReachConfigError } from '../errors.js'

/**
 * How members of a conversation find each other on the DHT (Node, with `dht`).
 *
 * @example
 * ```ts
 * import { type RendezvousInit, gossipsubTransport } from '@demls/transport-gossipsub'
 * declare const teamSecret: Uint8Array // every member and invitee of 'team' holds it (e.g. from the invite link)
 * const rendezvous: RendezvousInit = { secret: (conversationId) => (conversationId === 'team' ? teamSecret : undefined) }
 * const transport = gossipsubTransport({ dht: 'client', nat: true, rendezvous, bootstrap: ['/ip4/192.0.2.7/tcp/4001/p2p/12D3Koo…'] })
 * ```
 */
export interface RendezvousInit {
  /**
   * A secret mixed into the DHT key of a conversation, known to its members
   * and to whoever may find them (e.g. carried by the invite link), or a
   * function giving it per conversation id. Without one the key is derived
   * from the conversation id alone: whoever knows or guesses the id can
   * look its members up (see docs/security.md, "Network layer").
   * @default none
   */
  secret?: Uint8Array | ((conversationId: string) => Uint8Array | undefined)
  /**
   * Time between two rounds (announce ourselves, look the others up and
   * dial those we are not connected to) once some member was found; until
   * then rounds back off from 1 s up to this.
   * @default 30_000
   */
  intervalMs?: number
  /**
   * Members dialled per conversation per round at most (a poisoned DHT
   * answer cannot make us dial more).
   * @default 8
   */
  maxDialsPerRound?: number
}

/** Domain tag of the DHT key of a conversation. */
export const RENDEZVOUS_DOMAIN = 'demls/rendezvous/v1'

const encoder = new TextEncoder()

/**
 * The 32-byte DHT key under which members of `conversationId` announce
 * themselves: SHA-256 of the domain tag, the secret (length-prefixed, empty
 * without one) and the conversation id. A DHT server storing it learns
 * neither the id nor the secret.
 *
 * @example
 * ```ts
 * import { rendezvousKey } from '@demls/transport-gossipsub'
 * const key = rendezvousKey('team', new TextEncoder().encode('secret from the invite link'))
 * console.log(key.length) // 32
 * ```
 */
export function rendezvousKey(conversationId: string, secret?: Uint8Array): Uint8Array {
  const s = secret ?? new Uint8Array(0)
  const tag = encoder.encode(RENDEZVOUS_DOMAIN)
  const id = encoder.encode(conversationId)
  const buf = new Uint8Array(tag.length + 1 + 4 + s.length + id.length)
  buf.set(tag, 0)
  let o = tag.length + 1
  new DataView(buf.buffer).setUint32(o, s.length)
  o += 4
  buf.set(s, o)
  buf.set(id, o + s.length)
  return sha256(buf)
}

/** The CID (raw, sha2-256 multihash) of a rendezvous key, as the DHT takes it. */
export function rendezvousCid(key: Uint8Array): CID {
  return CID.createV1(0x55, createDigest(0x12, key))
}

/** A provider found on the DHT. */
export interface FoundPeer {
  id: PeerId
  multiaddrs: Multiaddr[]
}

/** What the rendezvous needs from the transport and its DHT. */
export interface RendezvousHost {
  readonly active: boolean
  /** Our own peer id (string). */
  readonly self: string
  provide(cid: CID, signal: AbortSignal): Promise<void>
  findProviders(cid: CID, signal: AbortSignal): AsyncIterable<FoundPeer>
  cancelProvide(cid: CID): Promise<void>
  isConnected(peerId: string): boolean
  /** Dial a found member (its addresses are merged into the peer store first). */
  dialPeer(peer: FoundPeer, signal: AbortSignal): Promise<void>
}

interface Entry {
  id: string
  cid: CID
  timer: ReturnType<typeof setTimeout> | undefined
  delay: number
  running: boolean
}

/** Providers read from one DHT answer at most. */
const MAX_PROVIDERS_READ = 64
/** Deadline of one round (provide + lookup + dials), in ms. */
const ROUND_TIMEOUT_MS = 20_000

/**
 * Per subscribed conversation: announce ourselves under its rendezvous key
 * on the DHT and look the other members up, dialling those we are not
 * connected to; repeat every `intervalMs` (backing off from 1 s while
 * nobody is found). Gossipsub then finds the topic subscriptions over those
 * connections. Nothing a provider record claims is trusted beyond being a
 * peer to dial: members are authenticated by MLS, not by the DHT.
 */
export class Rendezvous {
  readonly #host: RendezvousHost
  readonly #secret: RendezvousInit['secret']
  readonly #interval: number
  readonly #maxDials: number
  readonly #entries = new Map<string, Entry>()
  #controller = new AbortController()
  /** Rounds run and peers dialled (for tests and diagnostics). */
  readonly stats = { rounds: 0, found: 0, dialled: 0, failures: 0 }

  constructor(host: RendezvousHost, init: RendezvousInit = {}) {
    this.#host = host
    this.#secret = init.secret
    this.#interval = init.intervalMs ?? 30_000
    this.#maxDials = init.maxDialsPerRound ?? 8
    if (!(this.#interval >= 1_000)) throw new InvalidReachConfigError('rendezvous.intervalMs', 'at least 1000')
    if (!Number.isInteger(this.#maxDials) || this.#maxDials < 1 || this.#maxDials > 64)
      throw new InvalidReachConfigError('rendezvous.maxDialsPerRound', 'an integer from 1 to 64')
  }

  /** The CID members of `conversationId` meet under. */
  cidFor(conversationId: string): CID {
    const secret = typeof this.#secret === 'function' ? this.#secret(conversationId) : this.#secret
    return rendezvousCid(rendezvousKey(conversationId, secret))
  }

  /** Start meeting the members of `conversationId` (idempotent). */
  add(conversationId: string): void {
    if (this.#entries.has(conversationId)) return
    const entry: Entry = { id: conversationId, cid: this.cidFor(conversationId), timer: undefined, delay: 1_000, running: false }
    this.#entries.set(conversationId, entry)
    if (this.#host.active) this.#schedule(entry, 0)
  }

  /** Stop meeting them, and stop announcing ourselves (our record stays on servers until it expires). */
  remove(conversationId: string): void {
    const entry = this.#entries.get(conversationId)
    if (entry === undefined) return
    this.#entries.delete(conversationId)
    if (entry.timer !== undefined) clearTimeout(entry.timer)
    void this.#host.cancelProvide(entry.cid).catch(() => undefined)
  }

  /** The transport started: run a round for every conversation now. */
  start(): void {
    this.#controller = new AbortController()
    for (const e of this.#entries.values()) {
      e.delay = 1_000
      this.#schedule(e, 0)
    }
  }

  /** The transport stopped: cancel rounds under way and scheduled. */
  stop(): void {
    this.#controller.abort()
    for (const e of this.#entries.values()) {
      if (e.timer !== undefined) clearTimeout(e.timer)
      e.timer = undefined
    }
  }

  /**
   * Run one round for `conversationId` now; resolves with how many members
   * we are connected to afterwards. For a conversation we have no topic of
   * (a joiner about to join), only look up: we announce nothing.
   */
  async lookup(conversationId: string): Promise<number> {
    const entry = this.#entries.get(conversationId)
    if (entry !== undefined) return this.#round(entry)
    return this.#round({ id: conversationId, cid: this.cidFor(conversationId), timer: undefined, delay: 0, running: false }, false)
  }

  #schedule(entry: Entry, delay: number): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer)
    entry.timer = setTimeout(() => {
      entry.timer = undefined
      void this.#round(entry).then((connected) => {
        if (!this.#host.active || this.#entries.get(entry.id) !== entry) return
        if (connected > 0) entry.delay = this.#interval
        else entry.delay = Math.min(this.#interval, entry.delay * 2)
        this.#schedule(entry, entry.delay * (0.75 + Math.random() * 0.5))
      })
    }, delay)
  }

  /** One round; resolves with how many members (other than us) we are connected to afterwards. */
  async #round(entry: Entry, announce = true): Promise<number> {
    if (!this.#host.active || entry.running) return 0
    entry.running = true
    this.stats.rounds++
    const signal = AbortSignal.any([this.#controller.signal, AbortSignal.timeout(ROUND_TIMEOUT_MS)])
    let connected = 0
    try {
      if (announce) await this.#host.provide(entry.cid, signal).catch(() => undefined)
      const dials: Promise<void>[] = []
      let read = 0
      for await (const peer of this.#host.findProviders(entry.cid, signal)) {
        if (++read > MAX_PROVIDERS_READ) break
        const id = peer.id.toString()
        if (id === this.#host.self) continue
        this.stats.found++
        if (this.#host.isConnected(id)) {
          connected++
          continue
        }
        if (dials.length >= this.#maxDials) continue
        this.stats.dialled++
        dials.push(
          this.#host.dialPeer(peer, signal).then(
            () => {
              connected++
            },
            () => {
              this.stats.failures++
            },
          ),
        )
      }
      await Promise.all(dials)
    } catch {
      // a lookup that fails (no DHT peers yet, timeout) is retried next round
    } finally {
      entry.running = false
    }
    return connected
  }
}
