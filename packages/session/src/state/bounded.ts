/**
 * The one bounded-collection helper of the session state: every cache and
 * rate-limit table that must not grow with hostile input keeps its newest
 * entries and evicts the oldest (insertion order, FIFO).
 */

/** A `Map` or a `Set`: what {@link evictOldest} needs. */
export interface InsertionOrdered<K> {
  readonly size: number
  keys(): Iterator<K>
  delete(key: K): boolean
}

/**
 * Evict the oldest entries of a map or set (insertion order) until at most
 * `size` remain. Returns how many were evicted.
 */
export function evictOldest<K>(collection: InsertionOrdered<K>, size: number): number {
  let evicted = 0
  while (collection.size > size) {
    collection.delete(collection.keys().next().value as K)
    evicted++
  }
  return evicted
}

/** Drop the oldest entries of `list` (index 0 first) until at most `size` remain. */
export function trimOldest<T>(list: T[], size: number): void {
  if (list.length > size) list.splice(0, list.length - size)
}

/**
 * A set that remembers its last `capacity` entries (FIFO eviction).
 *
 * @example
 * ```ts
 * import { BoundedSet } from '@demls/session/rules'
 * const seen = new BoundedSet<string>(2)
 * seen.add('a')
 * seen.add('b')
 * seen.add('c') // evicts 'a', the oldest
 * seen.has('a') // false
 * ```
 */
export class BoundedSet<T> {
  readonly #items = new Set<T>()
  readonly capacity: number

  constructor(capacity: number) {
    this.capacity = capacity
  }

  has(item: T): boolean {
    return this.#items.has(item)
  }

  /** Add; returns false if already present. Evicts the oldest past capacity. */
  add(item: T): boolean {
    if (this.#items.has(item)) return false
    this.#items.add(item)
    evictOldest(this.#items, this.capacity)
    return true
  }

  get size(): number {
    return this.#items.size
  }

  /** Forget every item. */
  clear(): void {
    this.#items.clear()
  }

  values(): T[] {
    return [...this.#items]
  }
}

/**
 * Drop the oldest entries of `list` until at most `count` remain and
 * their `bytes` sum to at most `maxBytes` (the newest entry alone may
 * exceed it only if it is the last one; callers refuse oversized entries
 * first). Returns the bytes kept.
 */
export function trimOldestBytes<T>(list: T[], count: number, maxBytes: number, bytes: (item: T) => number): number {
  trimOldest(list, count)
  let total = 0
  for (const item of list) total += bytes(item)
  while (list.length > 1 && total > maxBytes) total -= bytes(list.shift() as T)
  return total
}

/**
 * A token bucket: at most `capacity` units at once, refilled at
 * `capacity` per `periodMs`. Budgets the work hostile input can make us do
 * (answers sent, requests broadcast) per conversation.
 */
export class TokenBucket {
  readonly capacity: number
  readonly periodMs: number
  #tokens: number
  #at: number | undefined

  constructor(capacity: number, periodMs: number) {
    this.capacity = capacity
    this.periodMs = periodMs
    this.#tokens = capacity
  }

  /** Take `cost` units at time `now` if available; returns whether it did. */
  take(now: number, cost = 1): boolean {
    if (this.#at !== undefined && now > this.#at) {
      this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#at) * this.capacity) / this.periodMs)
    }
    this.#at = this.#at === undefined ? now : Math.max(this.#at, now)
    if (this.#tokens < cost) return false
    this.#tokens -= cost
    return true
  }
}
