/**
 * The one bounded-collection helper of the session state: every cache and
 * rate-limit table that must not grow with hostile input keeps its newest
 * entries and evicts the oldest (insertion order, FIFO).
 */

/**
 * Evict the oldest entries of `map` (insertion order) until at most `size`
 * remain. Returns how many were evicted.
 */
export function evictOldest<K, V>(map: Map<K, V>, size: number): number {
  let evicted = 0
  while (map.size > size) {
    map.delete(map.keys().next().value as K)
    evicted++
  }
  return evicted
}

/** Set `key` in `map` and evict the oldest entries past `size`. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, size: number): void {
  map.set(key, value)
  evictOldest(map, size)
}

/** Drop the oldest entries of `list` (index 0 first) until at most `size` remain. */
export function trimOldest<T>(list: T[], size: number): void {
  if (list.length > size) list.splice(0, list.length - size)
}

/** A set that remembers its last `capacity` entries (FIFO eviction). */
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
    if (this.#items.size > this.capacity) {
      const oldest = this.#items.values().next().value as T
      this.#items.delete(oldest)
    }
    return true
  }

  get size(): number {
    return this.#items.size
  }

  values(): T[] {
    return [...this.#items]
  }
}
