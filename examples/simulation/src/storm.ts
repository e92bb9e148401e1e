/**
 * A guard against packet storms. Under some fault sequences members can
 * fall into an exchange that publishes hundreds of packets per virtual
 * millisecond (see the README, "Known problems it shows"). Virtual time
 * then hardly moves and the run would never end. The guard watches the
 * network trace; past the budget it reports the storm once and the
 * simulation cuts every peer off, ends the run early and says so.
 */
import type { NetworkTraceEvent } from '@demls/transport-memory'

/** Packets per user per 100 ms of virtual time that count as a storm (normal traffic is a few per second). */
export const STORM_PACKETS_PER_100MS_PER_USER = 25

/** What the guard saw when it tripped. */
export interface Storm {
  /** Virtual time (ms since the Unix epoch) when it tripped. */
  at: number
  /** Packets in the window, by sender, largest first (those with at least a tenth of them). */
  bySender: [string, number][]
  /** Packets in the window, by topic and size, largest first (e.g. `/sim/1/app_msg/proto 412 B`; those with at least a tenth of them). */
  byKind: [string, number][]
}

/** Counts publishes per 100 ms window of virtual time. */
export class StormGuard {
  /** Called once, when the budget is exceeded. */
  onStorm: ((storm: Storm) => void) | undefined
  /** The storm, once tripped. */
  storm: Storm | undefined
  readonly #budget: number
  #window = -1
  #senders = new Map<string, number>()
  #kinds = new Map<string, number>()
  #count = 0

  constructor(budget: number) {
    this.#budget = budget
  }

  /** The `trace` hook of the network. */
  onTrace(e: NetworkTraceEvent): void {
    if (e.type !== 'publish' || this.storm !== undefined) return
    const window = Math.floor(e.at / 100)
    if (window !== this.#window) {
      this.#window = window
      this.#senders = new Map()
      this.#kinds = new Map()
      this.#count = 0
    }
    this.#count++
    this.#senders.set(e.from, (this.#senders.get(e.from) ?? 0) + 1)
    const kind = `${e.topic} ${e.bytes} B`
    this.#kinds.set(kind, (this.#kinds.get(kind) ?? 0) + 1)
    if (this.#count <= this.#budget) return
    // The five largest entries that hold at least a tenth of the window's packets.
    const top = (m: Map<string, number>) => [...m].filter(([, n]) => n * 10 >= this.#count).sort((a, b) => b[1] - a[1]).slice(0, 5)
    this.storm = { at: e.at, bySender: top(this.#senders), byKind: top(this.#kinds) }
    this.onStorm?.(this.storm)
  }
}
