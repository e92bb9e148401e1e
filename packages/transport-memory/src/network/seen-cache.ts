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
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The bucket key of `bytes` (length and FNV-1a); compute once per packet. */
export function seenKey(bytes: Uint8Array): string {
  return `${bytes.length}:${fnv1a(bytes)}`
}

interface Entry {
  bytes: Uint8Array
  expiresAt: number
}

/**
 * One peer's gossipsub seen cache (internal): the packets (by their exact
 * bytes, as gossipsub's message id is the sha256 of the bytes) this peer
 * published or received in the last `ttlMs` of virtual time. Exact: no
 * false positives, however the bytes hash.
 */
export class SeenCache {
  readonly #ttlMs: number
  readonly #buckets = new Map<string, Entry[]>()
  /** Insertion order = expiry order (virtual time never goes back). */
  readonly #fifo: { key: string; entry: Entry }[] = []
  #head = 0

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs
  }

  /** Whether `bytes` (bucket `key`, from {@link seenKey}) were seen within the window before `now`. */
  has(key: string, bytes: Uint8Array, now: number): boolean {
    this.#prune(now)
    return this.#buckets.get(key)?.some((e) => sameBytes(e.bytes, bytes)) ?? false
  }

  /** Remember `bytes` from `now` on, unless already seen (gossipsub's `put`). */
  add(key: string, bytes: Uint8Array, now: number): void {
    if (this.has(key, bytes, now)) return
    const entry = { bytes, expiresAt: now + this.#ttlMs }
    const bucket = this.#buckets.get(key)
    if (bucket === undefined) this.#buckets.set(key, [entry])
    else bucket.push(entry)
    this.#fifo.push({ key, entry })
  }

  /** Whether `bytes` were seen within the window before `now`; if not, remember them (receive path). */
  checkAndAdd(key: string, bytes: Uint8Array, now: number): boolean {
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
    while (this.#head < this.#fifo.length && this.#fifo[this.#head]!.entry.expiresAt <= now) {
      const { key, entry } = this.#fifo[this.#head++]!
      const bucket = this.#buckets.get(key)
      if (bucket === undefined) continue
      const i = bucket.indexOf(entry)
      if (i >= 0) bucket.splice(i, 1)
      if (bucket.length === 0) this.#buckets.delete(key)
    }
    if (this.#head > 1024 && this.#head * 2 > this.#fifo.length) {
      this.#fifo.splice(0, this.#head)
      this.#head = 0
    }
  }
}
