// The store protocol's two messages (browser-safe: used by members' clients
// and by the Node store service). One request and one reply per stream,
// each one length-prefixed frame; every field bounded before it is read.

/**
 * The libp2p protocol id of a demls store: a member opens a stream, writes
 * one {@link StoreRequest} and reads one {@link StoreReply} (one page).
 *
 * @example
 * ```ts
 * import { STORE_PROTOCOL, createGossipsubNode } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode()
 * await node.start()
 * // a member asks a store it is connected to (see fetchFromStore for the whole exchange)
 * declare const store: Parameters<typeof node.dialProtocol>[0]
 * const stream = await node.dialProtocol(store, STORE_PROTOCOL)
 * ```
 */
export const STORE_PROTOCOL = '/demls/store/1.0.0'

/**
 * Size limits of the store protocol's frames, in bytes: a request larger
 * than `requestBytes` is dropped by the store (the stream is reset, nothing
 * answered), a reply larger than `replyBytes` is dropped by the member. A
 * topic is at most `topicBytes` of UTF-8.
 *
 * @example
 * ```ts
 * import { STORE_FRAME_LIMITS } from '@demls/transport-gossipsub'
 * console.log(STORE_FRAME_LIMITS.requestBytes, STORE_FRAME_LIMITS.replyBytes) // 1024 8388608
 * ```
 */
export const STORE_FRAME_LIMITS = Object.freeze({
  /** One request frame. */
  requestBytes: 1024,
  /** One reply frame (a page holds one packet up to the packet limit even when it exceeds the page budget). */
  replyBytes: 8 * 1024 * 1024,
  /** One topic string. */
  topicBytes: 512,
})

/**
 * Why a store refused a request: `not-served` (it does not keep that
 * topic), `rate-limited` (too many requests from this peer), `busy` (too
 * many streams at once), `bad-request` (not a readable request).
 *
 * @example
 * ```ts
 * import { type StoreRefusal, StoreRefusedError } from '@demls/transport-gossipsub'
 * function retryable(err: unknown): boolean {
 *   const reason: StoreRefusal | undefined = err instanceof StoreRefusedError ? err.reason : undefined
 *   return reason === 'busy' || reason === 'rate-limited'
 * }
 * ```
 */
export type StoreRefusal = 'not-served' | 'rate-limited' | 'busy' | 'bad-request'

/**
 * A member's request for one page of the packets a store kept on a topic.
 *
 * @example
 * ```ts
 * import { type StoreRequest, encodeStoreRequest } from '@demls/transport-gossipsub'
 * const request: StoreRequest = { topic: '/chat/1/app_msg/proto', sinceMs: Date.now() - 3_600_000, after: 0 }
 * const frame = encodeStoreRequest(request)
 * ```
 */
export interface StoreRequest {
  /** The gossipsub topic. */
  topic: string
  /** Only packets the store received at or after this time (ms since the Unix epoch, the store's clock). */
  sinceMs: number
  /** Only packets after this cursor (0: from the oldest); the last cursor of the previous page. */
  after: number
}

/**
 * One packet as the store kept it: the gossipsub message bytes exactly as
 * they travelled (a demls transport envelope), when the store received
 * them, and its cursor (increasing in the order the store received them).
 *
 * @example
 * ```ts
 * import { type StoredPacket, fetchFromStore } from '@demls/transport-gossipsub'
 * declare const pages: ReturnType<typeof fetchFromStore>
 * for await (const p of pages) {
 *   const packet: StoredPacket = p
 *   console.log(p.cursor, new Date(p.at), p.data.length)
 * }
 * ```
 */
export interface StoredPacket {
  /** Position in the store's log (increasing). */
  cursor: number
  /** When the store received it (ms since the Unix epoch). */
  at: number
  /** The packet bytes as they travelled. */
  data: Uint8Array
}

/**
 * A store's answer: one page of packets (`more` when the next page has
 * some), or a refusal.
 *
 * @example
 * ```ts
 * import { type StoreReply, decodeStoreReply, encodeStoreReply } from '@demls/transport-gossipsub'
 * const reply: StoreReply = decodeStoreReply(encodeStoreReply({ status: 'not-served' }))
 * if (reply.status === 'ok') console.log(reply.packets.length, reply.more)
 * ```
 */
export type StoreReply = { status: 'ok'; packets: StoredPacket[]; more: boolean } | { status: StoreRefusal }

const VERSION = 1
const REQUEST = 1
const REPLY = 2
const STATUS: readonly StoreReply['status'][] = ['ok', 'not-served', 'rate-limited', 'busy', 'bad-request']

/**
 * A store frame that is not a readable request or reply.
 *
 * @example
 * ```ts
 * import { StoreFrameError, decodeStoreRequest } from '@demls/transport-gossipsub'
 * try {
 *   decodeStoreRequest(new Uint8Array([9]))
 * } catch (err) {
 *   if (err instanceof StoreFrameError) console.log(err.message)
 * }
 * ```
 */
export class StoreFrameError extends Error {
  constructor(message: string) {
    super(`bad store frame: ${message}`)
    this.name = 'StoreFrameError'
  }
}

class Writer {
  readonly #parts: Uint8Array[] = []
  #bytes = 0
  byte(b: number): void {
    this.raw(Uint8Array.of(b))
  }
  /** An unsigned integer ≤ 2^53 as LEB128. */
  uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a safe unsigned integer: ${n}`)
    const out: number[] = []
    let v = n
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80)
      v = Math.floor(v / 0x80)
    }
    out.push(v)
    this.raw(Uint8Array.from(out))
  }
  bytes(b: Uint8Array): void {
    this.uint(b.length)
    this.raw(b)
  }
  raw(b: Uint8Array): void {
    this.#parts.push(b)
    this.#bytes += b.length
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.#bytes)
    let at = 0
    for (const p of this.#parts) {
      out.set(p, at)
      at += p.length
    }
    return out
  }
}

class Reader {
  #at = 0
  constructor(readonly buf: Uint8Array) {}
  byte(): number {
    if (this.#at >= this.buf.length) throw new StoreFrameError('truncated')
    return this.buf[this.#at++]!
  }
  uint(): number {
    let n = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const b = this.byte()
      n += (b & 0x7f) * scale
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(n)) throw new StoreFrameError('integer out of range')
        return n
      }
      scale *= 0x80
    }
    throw new StoreFrameError('integer too long')
  }
  bytes(max: number): Uint8Array {
    const n = this.uint()
    if (n > max || this.#at + n > this.buf.length) throw new StoreFrameError('field length out of bounds')
    const out = this.buf.slice(this.#at, this.#at + n)
    this.#at += n
    return out
  }
  end(): void {
    if (this.#at !== this.buf.length) throw new StoreFrameError('trailing bytes')
  }
}

function header(r: Reader, type: number): void {
  if (r.byte() !== VERSION) throw new StoreFrameError('unknown version')
  if (r.byte() !== type) throw new StoreFrameError('unexpected message type')
}

/**
 * Encode a request frame.
 *
 * @throws {RangeError} on a topic over `STORE_FRAME_LIMITS.topicBytes` or a negative or unsafe number
 *
 * @example
 * ```ts
 * import { decodeStoreRequest, encodeStoreRequest } from '@demls/transport-gossipsub'
 * const frame = encodeStoreRequest({ topic: '/chat/1/app_msg/proto', sinceMs: 0, after: 0 })
 * console.log(decodeStoreRequest(frame).topic)
 * ```
 */
export function encodeStoreRequest(req: StoreRequest): Uint8Array {
  const topic = new TextEncoder().encode(req.topic)
  if (topic.length > STORE_FRAME_LIMITS.topicBytes) throw new RangeError(`topic over ${STORE_FRAME_LIMITS.topicBytes} bytes`)
  const w = new Writer()
  w.byte(VERSION)
  w.byte(REQUEST)
  w.bytes(topic)
  w.uint(Math.floor(req.sinceMs))
  w.uint(req.after)
  return w.finish()
}

/**
 * Decode a request frame.
 *
 * @throws {StoreFrameError} when it is not a readable request
 *
 * @example
 * ```ts
 * import { decodeStoreRequest, encodeStoreRequest } from '@demls/transport-gossipsub'
 * const { topic, sinceMs, after } = decodeStoreRequest(encodeStoreRequest({ topic: '/chat/1/app_msg/proto', sinceMs: 5, after: 2 }))
 * ```
 */
export function decodeStoreRequest(frame: Uint8Array): StoreRequest {
  if (frame.length > STORE_FRAME_LIMITS.requestBytes) throw new StoreFrameError('request too large')
  const r = new Reader(frame)
  header(r, REQUEST)
  let topic: string
  try {
    topic = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(STORE_FRAME_LIMITS.topicBytes))
  } catch (err) {
    if (err instanceof StoreFrameError) throw err
    throw new StoreFrameError('topic is not UTF-8')
  }
  const sinceMs = r.uint()
  const after = r.uint()
  r.end()
  return { topic, sinceMs, after }
}

/**
 * Encode a reply frame.
 *
 * @example
 * ```ts
 * import { encodeStoreReply } from '@demls/transport-gossipsub'
 * const frame = encodeStoreReply({ status: 'ok', packets: [{ cursor: 1, at: Date.now(), data: new Uint8Array([1, 2]) }], more: false })
 * ```
 */
export function encodeStoreReply(reply: StoreReply): Uint8Array {
  const w = new Writer()
  w.byte(VERSION)
  w.byte(REPLY)
  w.byte(STATUS.indexOf(reply.status))
  if (reply.status === 'ok') {
    w.uint(reply.packets.length)
    for (const p of reply.packets) {
      w.uint(p.cursor)
      w.uint(Math.floor(p.at))
      w.bytes(p.data)
    }
    w.byte(reply.more ? 1 : 0)
  }
  return w.finish()
}

/**
 * Decode a reply frame (each packet at most `maxPacketBytes`).
 *
 * @throws {StoreFrameError} when it is not a readable reply
 *
 * @example
 * ```ts
 * import { decodeStoreReply, encodeStoreReply } from '@demls/transport-gossipsub'
 * const reply = decodeStoreReply(encodeStoreReply({ status: 'rate-limited' }))
 * console.log(reply.status) // 'rate-limited'
 * ```
 */
export function decodeStoreReply(frame: Uint8Array, maxPacketBytes: number = STORE_FRAME_LIMITS.replyBytes): StoreReply {
  if (frame.length > STORE_FRAME_LIMITS.replyBytes) throw new StoreFrameError('reply too large')
  const r = new Reader(frame)
  header(r, REPLY)
  const status = STATUS[r.byte()]
  if (status === undefined) throw new StoreFrameError('unknown status')
  if (status !== 'ok') {
    r.end()
    return { status }
  }
  const count = r.uint()
  // Each packet takes at least 3 bytes: a count beyond that is a lie.
  if (count > frame.length / 3) throw new StoreFrameError('packet count out of bounds')
  const packets: StoredPacket[] = []
  for (let i = 0; i < count; i++) {
    const cursor = r.uint()
    const at = r.uint()
    packets.push({ cursor, at, data: r.bytes(maxPacketBytes) })
  }
  const more = r.byte()
  if (more > 1) throw new StoreFrameError('bad more flag')
  r.end()
  return { status, packets, more: more === 1 }
}
