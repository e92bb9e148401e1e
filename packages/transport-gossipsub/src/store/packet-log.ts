import { createHash } from 'node:crypto'
import { Level } from 'level'
import type { StoredPacket } from './codec.js'

/** One packet's index entry (its bytes stay on disk). */
interface Entry {
  seq: number
  at: number
  bytes: number
  hash: string
}

/** The entries of one topic, oldest first (a deque: `start` is the first live one). */
class TopicLog {
  entries: Entry[] = []
  start = 0
  bytes = 0
  readonly hashes = new Set<string>()
  get size(): number {
    return this.entries.length - this.start
  }
  oldest(): Entry | undefined {
    return this.entries[this.start]
  }
  push(e: Entry): void {
    this.entries.push(e)
    this.bytes += e.bytes
    this.hashes.add(e.hash)
  }
  shift(): Entry {
    const e = this.entries[this.start]!
    this.entries[this.start] = undefined as unknown as Entry
    this.start++
    this.bytes -= e.bytes
    this.hashes.delete(e.hash)
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start)
      this.start = 0
    }
    return e
  }
  /** Index of the first live entry with `seq > after` (entries are in `seq` order). */
  firstAfter(after: number): number {
    let lo = this.start
    let hi = this.entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.entries[mid]!.seq <= after) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** The retention limits a {@link PacketLog} enforces on every append. */
export interface LogLimits {
  maxAgeMs: number
  maxBytesPerTopic: number
  maxPacketsPerTopic: number
  maxTotalBytes: number
  maxTotalPackets: number
}

/** Deleting one packet: its bytes and its index entry. */
const delOps = (topic: string, seq: number): Op[] => [
  { type: 'del', key: keyOf(topic, seq) },
  { type: 'del', key: metaOf(topic, seq) },
]

/** One write of a batch. */
type Op = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

/** What an append did. */
export type AppendResult = 'stored' | 'duplicate'

/** The packet's bytes. */
const PREFIX = 'p/'
/** The packet's index entry (arrival time, size, hash): what a restart reads, not the bytes. */
const META = 'm/'
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex')
const unhex = (h: string) => Buffer.from(h, 'hex').toString('utf8')
const seqKey = (seq: number) => seq.toString(16).padStart(14, '0')
const keyOf = (topic: string, seq: number) => `${PREFIX}${hex(topic)}/${seqKey(seq)}`
const metaOf = (topic: string, seq: number) => `${META}${hex(topic)}/${seqKey(seq)}`
const digest = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
/** An index entry on disk: arrival time (f64), size (u32), sha256 (32 bytes). */
const META_BYTES = 8 + 4 + 32

/**
 * The store's packets on LevelDB: two records per packet, written and
 * deleted in one batch (keys: topic and a sequence number increasing in
 * arrival order; `p/…` holds the bytes, `m/…` the arrival time, size and
 * hash), an in-memory index rebuilt on open from the `m/…` records alone
 * (a restart does not read the packets), and the retention
 * limits applied on every append (oldest first: over a topic's budget, its
 * own oldest go; over the total budget, the oldest of the topic holding the
 * most bytes go, so a flood of one topic evicts that topic first). Writes
 * are serialised; each is one LevelDB batch.
 *
 * @internal
 */
export class PacketLog {
  readonly #db: Level<string, Uint8Array>
  readonly #topics = new Map<string, TopicLog>()
  readonly #limits: LogLimits
  #seq = 0
  #bytes = 0
  #packets = 0
  #evicted = 0
  #writeErrors = 0
  #writes: Promise<void> = Promise.resolve()
  #closed = false

  private constructor(db: Level<string, Uint8Array>, limits: LogLimits) {
    this.#db = db
    this.#limits = limits
  }

  /** Open (or create) the log in `directory` and rebuild its index. */
  static async open(directory: string, limits: LogLimits): Promise<PacketLog> {
    const db = new Level<string, Uint8Array>(directory, { keyEncoding: 'utf8', valueEncoding: 'view' })
    await db.open()
    const log = new PacketLog(db, limits)
    // The index entries only (about 50 bytes a packet), in key order: topic, then arrival.
    for await (const [key, value] of db.iterator({ gte: META, lt: `${META}\xff` })) {
      if (value.length !== META_BYTES) continue
      const slash = key.lastIndexOf('/')
      const topic = unhex(key.slice(META.length, slash))
      const seq = Number.parseInt(key.slice(slash + 1), 16)
      const view = new DataView(value.buffer, value.byteOffset, META_BYTES)
      const bytes = view.getUint32(8)
      log.#topicLog(topic).push({ seq, at: view.getFloat64(0), bytes, hash: Buffer.from(value.subarray(12)).toString('hex') })
      log.#bytes += bytes
      log.#packets++
      if (seq >= log.#seq) log.#seq = seq
    }
    return log
  }

  #topicLog(topic: string): TopicLog {
    let t = this.#topics.get(topic)
    if (t === undefined) {
      t = new TopicLog()
      this.#topics.set(topic, t)
    }
    return t
  }

  /** Bytes and packets kept, in all and per topic, and packets evicted since open. */
  stats(): { bytes: number; packets: number; evicted: number; writeErrors: number; topics: Map<string, { bytes: number; packets: number }> } {
    const topics = new Map<string, { bytes: number; packets: number }>()
    for (const [topic, t] of this.#topics) if (t.size > 0) topics.set(topic, { bytes: t.bytes, packets: t.size })
    return { bytes: this.#bytes, packets: this.#packets, evicted: this.#evicted, writeErrors: this.#writeErrors, topics }
  }

  /**
   * Keep `data` received on `topic` at `at`, evicting what the limits
   * require (the index changes at once; the batch is written in order).
   * A packet whose bytes the topic already holds is not kept again.
   */
  append(topic: string, data: Uint8Array, at: number): AppendResult {
    const log = this.#topicLog(topic)
    const hash = digest(data)
    if (log.hashes.has(hash)) return 'duplicate'
    const seq = ++this.#seq
    log.push({ seq, at, bytes: data.length, hash })
    this.#bytes += data.length
    this.#packets++
    const meta = new Uint8Array(META_BYTES)
    const view = new DataView(meta.buffer)
    view.setFloat64(0, at)
    view.setUint32(8, data.length)
    meta.set(Buffer.from(hash, 'hex'), 12)
    // One batch: the bytes and their index entry are written (and evicted) together.
    const ops: Op[] = [
      { type: 'put', key: keyOf(topic, seq), value: data },
      { type: 'put', key: metaOf(topic, seq), value: meta },
    ]
    for (const [t, e] of this.#evictions(topic, at)) ops.push(...delOps(t, e.seq))
    this.#write(ops)
    return 'stored'
  }

  /** Remove packets older than the age limit from every topic; how many went. */
  sweep(now: number): number {
    const ops: Op[] = []
    for (const [topic, log] of this.#topics) {
      while (log.size > 0 && log.oldest()!.at < now - this.#limits.maxAgeMs) ops.push(...delOps(topic, this.#drop(log).seq))
      if (log.size === 0) this.#topics.delete(topic)
    }
    if (ops.length > 0) this.#write(ops)
    return ops.length / 2
  }

  #drop(log: TopicLog): Entry {
    const e = log.shift()
    this.#bytes -= e.bytes
    this.#packets--
    this.#evicted++
    return e
  }

  /** The entries to evict after an append to `topic` at `now`, removed from the index. */
  #evictions(topic: string, now: number): Array<[string, Entry]> {
    const out: Array<[string, Entry]> = []
    const l = this.#limits
    const own = this.#topicLog(topic)
    while (own.size > 0 && (own.bytes > l.maxBytesPerTopic || own.size > l.maxPacketsPerTopic || own.oldest()!.at < now - l.maxAgeMs)) {
      out.push([topic, this.#drop(own)])
    }
    while (this.#bytes > l.maxTotalBytes || this.#packets > l.maxTotalPackets) {
      let largest: [string, TopicLog] | undefined
      for (const entry of this.#topics) if (entry[1].size > 0 && (largest === undefined || entry[1].bytes > largest[1].bytes)) largest = entry
      if (largest === undefined) break
      out.push([largest[0], this.#drop(largest[1])])
    }
    return out
  }

  #write(ops: Op[]): void {
    // A failed batch (disk full, I/O error) is counted; its packets read back as absent and are left out of replies.
    this.#writes = this.#writes
      .then(() => (this.#closed ? undefined : this.#db.batch(ops)))
      .catch(() => {
        this.#writeErrors++
      })
  }

  /**
   * Up to `maxBytes` (at least one packet) and `maxPackets` of the packets
   * kept on `topic` received at or after `sinceMs` (and not older than the
   * age limit at `now`), after cursor `after`, oldest first; `more` when
   * some are left for the next page.
   */
  async read(topic: string, q: { sinceMs: number; after: number; maxBytes: number; maxPackets: number; now: number }): Promise<{ packets: StoredPacket[]; more: boolean }> {
    const log = this.#topics.get(topic)
    if (log === undefined) return { packets: [], more: false }
    const since = Math.max(q.sinceMs, q.now - this.#limits.maxAgeMs)
    const picked: Entry[] = []
    let bytes = 0
    let more = false
    for (let i = log.firstAfter(q.after); i < log.entries.length; i++) {
      const e = log.entries[i]!
      if (e.at < since) continue
      if (picked.length >= q.maxPackets || (picked.length > 0 && bytes + e.bytes > q.maxBytes)) {
        more = true
        break
      }
      picked.push(e)
      bytes += e.bytes
    }
    // Pending batches first: what the index holds is on disk.
    await this.#writes
    const values = picked.length === 0 ? [] : await this.#db.getMany(picked.map((e) => keyOf(topic, e.seq)))
    const packets: StoredPacket[] = []
    picked.forEach((e, i) => {
      const v = values[i]
      // Evicted meanwhile: left out.
      if (v !== undefined) packets.push({ cursor: e.seq, at: e.at, data: new Uint8Array(v) })
    })
    return { packets, more }
  }

  /** Wait for pending writes and close the database (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.#writes
    this.#closed = true
    await this.#db.close()
  }
}
