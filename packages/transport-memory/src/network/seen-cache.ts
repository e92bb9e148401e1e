/** FNV-1a over the bytes: a cheap bucket key (collisions are resolved by comparing the bytes). */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The bucket key of `bytes` (FNV-1a mixed with the length); compute once per packet. */
export function seenKey(bytes: Uint8Array): number {
  return (fnv1a(bytes) ^ Math.imul(bytes.length, 0x9e3779b1)) >>> 0
}

/** No bucket key: the recipient keeps no seen cache. */
export const NO_SEEN_KEY = -1

interface Entry {
  readonly key: number
  readonly bytes: Uint8Array
  readonly expiresAt: number
}

/**
 * One peer's gossipsub seen cache (internal): the packets (by their exact
 * bytes, as gossipsub's message id is the sha256 of the bytes) this peer
 * published or received in the last `ttlMs` of virtual time. Exact: no
 * false positives, however the bytes hash.
 *
 * Every peer of a simulated network holds one entry per packet it saw, so
 * an entry is kept small: one object (the bytes are the packet's own,
 * shared by every peer that saw it), a numeric map key, and a bucket that
 * is the entry itself unless two packets share a key.
 */
export class SeenCache {
  readonly #ttlMs: number
  readonly #buckets = new Map<number, Entry | Entry[]>()
  /** Insertion order = expiry order (virtual time never goes back). */
  readonly #fifo: Entry[] = []
  #head = 0

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs
  }

  /** Whether `bytes` (bucket `key`, from {@link seenKey}) were seen within the window before `now`. */
  has(key: number, bytes: Uint8Array, now: number): boolean {
    this.#prune(now)
    const bucket = this.#buckets.get(key)
    if (bucket === undefined) return false
    if (Array.isArray(bucket)) return bucket.some((e) => sameBytes(e.bytes, bytes))
    return sameBytes(bucket.bytes, bytes)
  }

  /** Remember `bytes` from `now` on, unless already seen (gossipsub's `put`). */
  add(key: number, bytes: Uint8Array, now: number): void {
    if (this.has(key, bytes, now)) return
    const entry: Entry = { key, bytes, expiresAt: now + this.#ttlMs }
    const bucket = this.#buckets.get(key)
    if (bucket === undefined) this.#buckets.set(key, entry)
    else if (Array.isArray(bucket)) bucket.push(entry)
    else this.#buckets.set(key, [bucket, entry])
    this.#fifo.push(entry)
  }

  /** Whether `bytes` were seen within the window before `now`; if not, remember them (receive path). */
  checkAndAdd(key: number, bytes: Uint8Array, now: number): boolean {
    if (this.has(key, bytes, now)) return true
    this.add(key, bytes, now)
    return false
  }

  /** Forget everything (a restarted gossipsub node starts with an empty cache). */
  clear(): void {
    this.#buckets.clear()
    this.#fifo.length = 0
    this.#head = 0
  }

  #prune(now: number): void {
    while (this.#head < this.#fifo.length && this.#fifo[this.#head]!.expiresAt <= now) {
      const entry = this.#fifo[this.#head++]!
      const bucket = this.#buckets.get(entry.key)
      if (bucket === entry) this.#buckets.delete(entry.key)
      else if (Array.isArray(bucket)) {
        const i = bucket.indexOf(entry)
        if (i >= 0) bucket.splice(i, 1)
        if (bucket.length === 1) this.#buckets.set(entry.key, bucket[0]!)
      }
    }
    if (this.#head > 1024 && this.#head * 2 > this.#fifo.length) {
      this.#fifo.splice(0, this.#head)
      this.#head = 0
    }
  }
}
