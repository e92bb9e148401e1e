/** One entry of the {@link EventQueue}. */
export interface ScheduledEvent {
  /** Virtual time at which it runs. */
  at: number
  /** Insertion order; breaks ties between events due at the same time. */
  seq: number
  run: () => void
  cancelled: boolean
}

function before(x: ScheduledEvent, y: ScheduledEvent): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq)
}

/** A binary min-heap of events ordered by `(at, seq)`. */
export class EventQueue {
  private readonly heap: ScheduledEvent[] = []
  private live = 0

  /** Number of events that are scheduled and not cancelled. */
  get size(): number {
    return this.live
  }

  push(event: ScheduledEvent): void {
    const h = this.heap
    h.push(event)
    this.live++
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = h[parent]!
      if (!before(event, p)) break
      h[i] = p
      i = parent
    }
    h[i] = event
  }

  /** Mark an event cancelled; it is discarded lazily. */
  cancel(event: ScheduledEvent): void {
    if (event.cancelled) return
    event.cancelled = true
    this.live--
  }

  /** The earliest live event, without removing it. */
  peek(): ScheduledEvent | undefined {
    this.dropCancelled()
    return this.heap[0]
  }

  /** Remove and return the earliest live event. */
  pop(): ScheduledEvent | undefined {
    this.dropCancelled()
    const top = this.heap[0]
    if (top === undefined) return undefined
    this.removeTop()
    this.live--
    top.cancelled = true
    return top
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.removeTop()
  }

  private removeTop(): void {
    const h = this.heap
    const last = h.pop()!
    if (h.length === 0) return
    let i = 0
    const n = h.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      let c = l
      if (r < n && before(h[r]!, h[l]!)) c = r
      if (!before(h[c]!, last)) break
      h[i] = h[c]!
      i = c
    }
    h[i] = last
  }
}
