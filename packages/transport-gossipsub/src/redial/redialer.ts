import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Options of the redial policy.
 *
 * @example
 * ```ts
 * import { type RedialInit, gossipsubTransport } from '@demls/transport-gossipsub'
 * const redial: RedialInit = { initialDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 20 }
 * const transport = gossipsubTransport({ bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…'], redial })
 * ```
 */
export interface RedialInit {
  /**
   * Delay before the first redial after a disconnect, in ms.
   * @default 250
   */
  initialDelayMs?: number
  /**
   * Cap of the exponential backoff (the delay doubles per failed attempt).
   * @default 10_000
   */
  maxDelayMs?: number
  /**
   * Failed attempts after which a peer is given up (until it is dialled
   * again by hand or the transport restarts).
   * @default Infinity
   */
  maxAttempts?: number
}

/** A remembered dial target. */
interface Target {
  addr: Multiaddr
  /** Peer id learnt from the address or the first connection. */
  peerId: string | undefined
  attempts: number
  timer: ReturnType<typeof setTimeout> | undefined
}

/** What the redialer needs from its transport. */
export interface RedialHost {
  /** Dial; resolves with the remote peer id. */
  dial(addr: Multiaddr): Promise<string>
  /** Whether a connection to `peerId` is open. */
  isConnected(peerId: string): boolean
  /** Whether the transport is started (redials stop otherwise). */
  readonly active: boolean
  /**
   * When a remembered address fails: look the peer up by its id (the DHT's
   * `peerRouting.findPeer`) and dial the addresses found; resolves whether
   * that connected. Absent without a DHT.
   */
  findAndDial?(peerId: string): Promise<boolean>
}

/**
 * Remembers the addresses we dialled (bootstrap list and `dial` calls) and
 * redials them with capped exponential backoff (±25 % jitter) after the
 * connection drops, for as long as the transport is started. Peers that
 * dialled us are not redialled by us: they redial us. With redial turned
 * off, remembered addresses are still dialled (once) on every start.
 * When a remembered address fails and the host can look peers up (a DHT),
 * the peer is looked up by its id and dialled at the addresses found, so a
 * peer that restarted on a new address is found again.
 */
export class Redialer {
  readonly #host: RedialHost
  readonly #initial: number
  readonly #max: number
  readonly #maxAttempts: number
  readonly #enabled: boolean
  readonly #targets = new Map<string, Target>()
  /** Peer-routing lookups made after a remembered address failed. */
  lookups = 0

  /** `init === false`: remember and dial on start, but never retry or redial. */
  constructor(host: RedialHost, init: RedialInit | false = {}) {
    this.#host = host
    this.#enabled = init !== false
    if (init === false) init = {}
    this.#initial = init.initialDelayMs ?? 250
    this.#max = init.maxDelayMs ?? 10_000
    this.#maxAttempts = init.maxAttempts ?? Number.POSITIVE_INFINITY
  }

  /** Remember `addr` (idempotent); returns its target key. */
  remember(addr: Multiaddr, peerId?: string): void {
    const key = addr.toString()
    const t = this.#targets.get(key)
    if (t) {
      if (peerId !== undefined) t.peerId = peerId
      t.attempts = 0
      return
    }
    this.#targets.set(key, { addr, peerId: peerId ?? addr.getComponents().find((c) => c.name === 'p2p')?.value, attempts: 0, timer: undefined })
  }

  /** Remembered addresses. */
  addresses(): Multiaddr[] {
    return [...this.#targets.values()].map((t) => t.addr)
  }

  /** Dial every remembered address now (used on start); failures are retried with backoff. */
  async dialAll(): Promise<void> {
    await Promise.all([...this.#targets.values()].map((t) => this.#attempt(t)))
  }

  /** A peer disconnected: schedule redials of the addresses that led to it. */
  onDisconnect(peerId: string): void {
    for (const t of this.#targets.values()) {
      if (t.peerId === peerId) this.#schedule(t)
    }
  }

  /** Cancel every pending redial (used on stop). */
  cancel(): void {
    for (const t of this.#targets.values()) {
      if (t.timer !== undefined) clearTimeout(t.timer)
      t.timer = undefined
      t.attempts = 0
    }
  }

  #schedule(t: Target): void {
    if (!this.#enabled || !this.#host.active || t.timer !== undefined || t.attempts >= this.#maxAttempts) return
    const base = Math.min(this.#max, this.#initial * 2 ** t.attempts)
    const delay = base * (0.75 + Math.random() * 0.5)
    t.timer = setTimeout(() => {
      t.timer = undefined
      void this.#attempt(t)
    }, delay)
  }

  async #attempt(t: Target): Promise<void> {
    if (!this.#host.active) return
    if (t.peerId !== undefined && this.#host.isConnected(t.peerId)) {
      t.attempts = 0
      return
    }
    try {
      t.peerId = await this.#host.dial(t.addr)
      t.attempts = 0
      return
    } catch {
      // the address failed: the peer may have moved (a restart on a new address)
    }
    if (t.peerId !== undefined && this.#host.findAndDial !== undefined && this.#host.active) {
      this.lookups++
      if (await this.#host.findAndDial(t.peerId).catch(() => false)) {
        t.attempts = 0
        return
      }
    }
    t.attempts++
    this.#schedule(t)
  }
}
