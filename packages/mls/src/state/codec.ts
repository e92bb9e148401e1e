import { type ClientConfig, type ClientState, decodeGroupState, encodeGroupState } from '#ts-mls'
import { MlsDecodeError } from '../errors.js'
import type { PendingOwnCommit } from '../group/pending-commit.js'
import type { MembershipChange } from '../types.js'

const MAGIC = [0x44, 0x4d, 0x4c, 0x53] // "DMLS"
const VERSION = 1
const FLAG_PUBLIC_HANDSHAKES = 1
const FLAG_PENDING = 2
const FLAG_WELCOME = 4

/** What {@link encodeExportedState} stores. */
export interface ExportedState {
  state: ClientState
  publicHandshakes: boolean
  pending: PendingOwnCommit | undefined
}

/** What {@link decodeExportedState} returns (states without client config). */
export interface DecodedExport {
  state: ClientState
  publicHandshakes: boolean
  pending: PendingOwnCommit | undefined
}

class Writer {
  readonly parts: Uint8Array[] = []
  u8(n: number): void {
    this.parts.push(Uint8Array.of(n))
  }
  u32(n: number): void {
    const b = new Uint8Array(4)
    new DataView(b.buffer).setUint32(0, n)
    this.parts.push(b)
  }
  u64(n: bigint): void {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, n)
    this.parts.push(b)
  }
  bytes(b: Uint8Array): void {
    this.u32(b.length)
    this.parts.push(b)
  }
  finish(): Uint8Array {
    const len = this.parts.reduce((s, p) => s + p.length, 0)
    const out = new Uint8Array(len)
    let off = 0
    for (const p of this.parts) {
      out.set(p, off)
      off += p.length
    }
    return out
  }
}

class Reader {
  off = 0
  constructor(readonly buf: Uint8Array) {}
  need(n: number): void {
    if (this.off + n > this.buf.length) throw new MlsDecodeError('exported state', 'truncated')
  }
  u8(): number {
    this.need(1)
    return this.buf[this.off++] as number
  }
  u32(): number {
    this.need(4)
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.off, 4).getUint32(0)
    this.off += 4
    return v
  }
  u64(): bigint {
    this.need(8)
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.off, 8).getBigUint64(0)
    this.off += 8
    return v
  }
  count(): number {
    const n = this.u32()
    if (n * 4 > this.buf.length - this.off) throw new MlsDecodeError('exported state', 'bad count')
    return n
  }
  bytes(): Uint8Array {
    const n = this.u32()
    this.need(n)
    const v = this.buf.slice(this.off, this.off + n)
    this.off += n
    return v
  }
}

/**
 * Serialise a group: header `DMLS` v1, flags, the ts-mls GroupState
 * (`encodeGroupState`: group context, key schedule, secret tree, ratchet
 * tree, private path keys, signature private key, historical receiver
 * data), then the pending own commit (its resulting state, proposal,
 * commit and Welcome bytes, joiners, changes, epoch) when there is one.
 */
export function encodeExportedState(e: ExportedState): Uint8Array {
  const w = new Writer()
  for (const b of MAGIC) w.u8(b)
  w.u8(VERSION)
  const p = e.pending
  let flags = e.publicHandshakes ? FLAG_PUBLIC_HANDSHAKES : 0
  if (p) flags |= FLAG_PENDING | (p.candidate.welcome ? FLAG_WELCOME : 0)
  w.u8(flags)
  w.bytes(encodeGroupState(e.state))
  if (p) {
    const c = p.candidate
    w.bytes(encodeGroupState(p.newState))
    w.u64(c.epoch)
    w.bytes(c.commit)
    if (c.welcome) w.bytes(c.welcome)
    w.u32(c.proposals.length)
    for (const m of c.proposals) w.bytes(m)
    w.u32(c.joiners.length)
    for (const j of c.joiners) w.bytes(j)
    w.u32(c.changes.length)
    for (const ch of c.changes) {
      w.u8(ch.action === 'add' ? 0 : 1)
      w.bytes(ch.memberId)
    }
  }
  return w.finish()
}

function groupState(bytes: Uint8Array, clientConfig: ClientConfig): ClientState {
  let decoded: ReturnType<typeof decodeGroupState>
  try {
    decoded = decodeGroupState(bytes, 0)
  } catch (cause) {
    throw new MlsDecodeError('exported state', `group state: ${String(cause)}`, { cause })
  }
  if (decoded === undefined || decoded[1] !== bytes.length) {
    throw new MlsDecodeError('exported state', 'malformed group state')
  }
  return { ...decoded[0], clientConfig }
}

/** Inverse of {@link encodeExportedState}; re-attaches `clientConfig`. */
export function decodeExportedState(bytes: Uint8Array, clientConfig: ClientConfig): DecodedExport {
  if (!(bytes instanceof Uint8Array)) throw new MlsDecodeError('exported state', 'not a Uint8Array')
  const r = new Reader(bytes)
  for (const b of MAGIC) if (r.u8() !== b) throw new MlsDecodeError('exported state', 'bad magic')
  const version = r.u8()
  if (version !== VERSION) throw new MlsDecodeError('exported state', `unsupported version ${version}`)
  const flags = r.u8()
  const state = groupState(r.bytes(), clientConfig)
  let pending: PendingOwnCommit | undefined
  if (flags & FLAG_PENDING) {
    const newState = groupState(r.bytes(), clientConfig)
    const epoch = r.u64()
    const commit = r.bytes()
    const welcome = flags & FLAG_WELCOME ? r.bytes() : undefined
    const proposals = Array.from({ length: r.count() }, () => r.bytes())
    const joiners = Array.from({ length: r.count() }, () => r.bytes())
    const changes: MembershipChange[] = Array.from({ length: r.count() }, () => {
      const action = r.u8() === 0 ? 'add' : 'remove'
      return { action, memberId: r.bytes() }
    })
    pending = { candidate: { proposals, commit, welcome, joiners, changes, epoch }, newState, consumed: [] }
  }
  if (r.off !== bytes.length) throw new MlsDecodeError('exported state', 'trailing bytes')
  return { state, publicHandshakes: (flags & FLAG_PUBLIC_HANDSHAKES) !== 0, pending }
}
