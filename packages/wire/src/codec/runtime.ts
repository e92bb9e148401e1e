// Shared glue between the generated typed API (gen/messages.ts) and the
// protobufjs static code (gen/pb.js). Internal to @demls/wire.
import Long from 'long'
import $protobuf from 'protobufjs/minimal.js'
import { DecodeError, InvalidMessageError } from '../errors/wire-errors.js'
import { concatBytes } from '../bytes.js'
import * as generated from '../gen/pb.js'
import type { PbMessageType } from '../gen/pb.js'

// Bundlers for browsers cannot run protobufjs's `require('long')` probe;
// give it Long explicitly so 64-bit fields decode exactly everywhere.
if (!$protobuf.util.Long) {
  $protobuf.util.Long = Long
  $protobuf.configure()
}

export const pb = generated

const U64_MAX = (1n << 64n) - 1n
const I64_MIN = -(1n << 63n)
const I64_MAX = (1n << 63n) - 1n
const EMPTY = new Uint8Array(0)

interface LongLike {
  low: number
  high: number
}

function toLongBits(v: bigint): LongLike {
  const u = BigInt.asUintN(64, v)
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0 }
}

function checkInteger(v: bigint | number, min: bigint, max: bigint, what: string): bigint {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`${what}: ${v} is not a safe integer`)
    v = BigInt(v)
  } else if (typeof v !== 'bigint') {
    throw new TypeError(`${what}: expected bigint or number, got ${typeof v}`)
  }
  if (v < min || v > max) throw new RangeError(`${what}: ${v} out of range`)
  return v
}

export function u64In(v: bigint | number): LongLike | number {
  const b = checkInteger(v, 0n, U64_MAX, 'uint64')
  return b === 0n ? 0 : toLongBits(b)
}

export function i64In(v: bigint | number): LongLike | number {
  const b = checkInteger(v, I64_MIN, I64_MAX, 'int64')
  return b === 0n ? 0 : toLongBits(b)
}

function longToBigInt(v: unknown, signed: boolean): bigint {
  if (v == null) return 0n
  if (typeof v === 'number') return BigInt(v)
  const { low, high } = v as LongLike
  const u = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)
  return signed ? BigInt.asIntN(64, u) : u
}

export function u64Out(v: unknown): bigint {
  return longToBigInt(v, false)
}

export function i64Out(v: unknown): bigint {
  return longToBigInt(v, true)
}

export function u32In(v: number): number {
  // A negative int32 is taken as its two's complement (`v >>> 0`), as
  // protobufjs always did: ids folded with `^` are often negative numbers.
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
    throw new RangeError(`uint32: ${String(v)} is not an integer in [-2^31, 2^32-1]`)
  }
  return v >>> 0
}

export function enumIn(v: number): number {
  // Enums are int32 on the wire; unknown values are allowed (open enums).
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
    throw new RangeError(`enum: ${String(v)} is not an int32`)
  }
  return v
}

// A lone UTF-16 surrogate has no UTF-8 encoding: protobufjs would write
// CESU-8 bytes that prost (and our own strict decoder) reject.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function strIn(v: string): string {
  if (typeof v !== 'string') throw new TypeError(`string field: expected a string, got ${typeof v}`)
  if (LONE_SURROGATE.test(v)) throw new RangeError('string field: lone UTF-16 surrogate (not valid UTF-8)')
  return v
}

export function bytesIn(v: Uint8Array): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError('bytes field: expected a Uint8Array')
  return v
}

export function bytesOut(v: unknown): Uint8Array {
  // Decoded bytes are views into the private copy made by decodeWith.
  return v instanceof Uint8Array && v.length > 0 ? v : EMPTY.slice()
}

export function oneofIn(type: string, oneof: string, v: object, members: readonly string[]): void {
  const rec = v as Record<string, unknown>
  const set = members.filter((m) => rec[m] != null)
  if (set.length > 1) {
    throw new InvalidMessageError(type, `oneof ${oneof} has ${set.length} members set (${set.join(', ')})`)
  }
  const tag = rec[oneof]
  if (tag != null && set.length === 1 && tag !== set[0]) {
    throw new InvalidMessageError(type, `oneof ${oneof} says ${String(tag)} but ${set[0]} is set`)
  }
}

export function encodeWith(type: string, codec: PbMessageType, build: () => object): Uint8Array<ArrayBuffer> {
  let obj: object
  try {
    obj = build()
  } catch (err) {
    if (err instanceof InvalidMessageError) throw err
    throw new InvalidMessageError(type, (err as Error).message, { cause: err })
  }
  const writer = scratchWriter()
  codec.encode(obj, writer)
  // Copied out into an exact buffer the caller owns; the scratch copy is
  // wiped (a chat's plaintext or a stored secret does not linger in it).
  const out = writer.finishInto(new Uint8Array(writer.pos))
  writer.buf.fill(0, 0, writer.pos)
  return out
}

/**
 * The largest scratch buffer reused; a writer that grew past it (a
 * Welcome, a large sync) is replaced at the next encoding.
 */
const SCRATCH_KEEP_BYTES = 65_536
let scratch: $protobuf.Writer | undefined

/**
 * One protobufjs writer reused by every encoding (each runs to its end
 * synchronously, and `build` has run before it is taken), reset before
 * each: a new writer per message took a slice of protobufjs's shared 8 KiB
 * slab for its first 128 bytes and a new slab every 64 messages, and under
 * a large heap those slab allocations cost more than the encoding.
 */
function scratchWriter(): $protobuf.Writer {
  if (scratch === undefined || scratch.buf.length > SCRATCH_KEEP_BYTES) scratch = new $protobuf.Writer()
  scratch.pos = 0
  scratch.states = null
  return scratch
}

/** The scratch writer's whole buffer, for tests (nothing of a message may stay in it). @internal */
export function peekScratch(): Uint8Array | undefined {
  return scratch?.buf
}

// ---------------------------------------------------------------------------
// demls extension fields, read as the reference reads them.
//
// Field 100 (`AppMessage.demls_control`, `ConversationSync.demls_plugins`) is
// unknown to the Rust reference, so prost skips it without looking inside.
// protobufjs would instead (1) let `demls_control` win the `payload` oneof
// over a reference payload that precedes it on the wire (`2200a20600` would
// read as demlsControl where prost reads `vote`) and (2) throw on malformed
// bytes inside field 100 of a message prost accepts. Before decoding, these
// messages are rewritten so that both libraries see the same message:
// - AppMessage: a reference payload field (1–11) with a wire type other
//   than length-delimited is an error (as in prost); when any reference
//   payload field is present, every field-100 occurrence is dropped (the
//   last reference payload on the wire wins, as in prost); otherwise a
//   field-100 occurrence whose content does not decode as DemlsControl is
//   dropped (prost reads such a message as one with no payload). A nested
//   ConversationSync (field 9) is rewritten by the next rule.
// - ConversationSync: a field-100 occurrence whose content does not decode
//   as PluginVersion is dropped.
// - MemberInvite (bare, or field 1 of a ConversationUpdateRequest, a
//   proposal's payload): a field-100 (101) occurrence that is not a
//   length-delimited MemberInvitation (InviteLinkProof) is dropped.
// ---------------------------------------------------------------------------

interface FieldSpan {
  field: number
  wireType: number
  /** Offsets of the whole field (tag included) and of its length-delimited value. */
  start: number
  end: number
  valueStart: number
}

/** The top-level fields of `bytes`, or undefined when they do not parse (the decoder then reports it). */
function scanFields(bytes: Uint8Array): FieldSpan[] | undefined {
  const r = new $protobuf.Reader(bytes)
  const out: FieldSpan[] = []
  try {
    while (r.pos < r.len) {
      const start = r.pos
      const tag = r.uint32()
      const field = tag >>> 3
      const wireType = tag & 7
      let valueStart = r.pos
      if (wireType === 2) {
        const len = r.uint32()
        valueStart = r.pos
        r.skip(len)
      } else r.skipType(wireType)
      out.push({ field, wireType, start, end: r.pos, valueStart })
    }
  } catch {
    return undefined
  }
  return out
}

function decodes(codec: PbMessageType, bytes: Uint8Array): boolean {
  try {
    codec.decode(new $protobuf.Reader(bytes))
    return true
  } catch {
    return false
  }
}

function varint(n: number): number[] {
  const out: number[] = []
  let v = n >>> 0
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
  return out
}

const EXTENSION_FIELD = 100

/** ConversationSync: drop field-100 occurrences that are not valid PluginVersion messages. */
function guardConversationSync(bytes: Uint8Array): Uint8Array {
  const spans = scanFields(bytes)
  if (spans === undefined) return bytes
  const codec = pb.de_mls.messages.v1.PluginVersion as unknown as PbMessageType
  const keep = spans.filter(
    (f) => f.field !== EXTENSION_FIELD || f.wireType !== 2 || decodes(codec, bytes.subarray(f.valueStart, f.end)),
  )
  return keep.length === spans.length ? bytes : concatBytes(keep.map((f) => bytes.subarray(f.start, f.end)))
}

const APP_MESSAGE_PAYLOADS = 11
const APP_MESSAGE_SYNC_FIELD = 9

/** AppMessage: see the rules above. */
function guardAppMessage(bytes: Uint8Array): Uint8Array {
  const spans = scanFields(bytes)
  if (spans === undefined) return bytes
  const isReference = (f: FieldSpan) => f.field >= 1 && f.field <= APP_MESSAGE_PAYLOADS
  const wrongType = spans.find((f) => isReference(f) && f.wireType !== 2)
  if (wrongType !== undefined) {
    throw new Error(`invalid wire type ${wrongType.wireType} for payload field ${wrongType.field} (expected 2)`)
  }
  const hasReferencePayload = spans.some(isReference)
  const control = pb.de_mls.messages.v1.DemlsControl as unknown as PbMessageType
  let changed = false
  const parts: Uint8Array[] = []
  for (const f of spans) {
    if (f.field === EXTENSION_FIELD && f.wireType === 2) {
      if (hasReferencePayload || !decodes(control, bytes.subarray(f.valueStart, f.end))) {
        changed = true
        continue
      }
    }
    if (f.field === APP_MESSAGE_SYNC_FIELD) {
      const value = bytes.subarray(f.valueStart, f.end)
      const guarded = guardConversationSync(value)
      if (guarded !== value) {
        changed = true
        parts.push(Uint8Array.from([...varint((APP_MESSAGE_SYNC_FIELD << 3) | 2), ...varint(guarded.length)]), guarded)
        continue
      }
    }
    parts.push(bytes.subarray(f.start, f.end))
  }
  return changed ? concatBytes(parts) : bytes
}

/** MemberInvite's extension fields and the message each must hold. */
const MEMBER_INVITE_EXTENSIONS: Record<number, () => PbMessageType> = {
  [EXTENSION_FIELD]: () => pb.de_mls.messages.v1.MemberInvitation as unknown as PbMessageType,
  101: () => pb.de_mls.messages.v1.InviteLinkProof as unknown as PbMessageType,
}

/**
 * MemberInvite: drop occurrences of its extension fields (100
 * `demls_invitation`, 101 `demls_link_proof`) that are not valid messages of
 * their type (prost skips the fields unread: a join request with a
 * malformed attachment is still the join it names).
 */
function guardMemberInvite(bytes: Uint8Array): Uint8Array {
  const spans = scanFields(bytes)
  if (spans === undefined) return bytes
  const keep = spans.filter((f) => {
    const codec = MEMBER_INVITE_EXTENSIONS[f.field]
    return codec === undefined || (f.wireType === 2 && decodes(codec(), bytes.subarray(f.valueStart, f.end)))
  })
  return keep.length === spans.length ? bytes : concatBytes(keep.map((f) => bytes.subarray(f.start, f.end)))
}

const UPDATE_REQUEST_MEMBER_INVITE_FIELD = 1

/** ConversationUpdateRequest (a proposal's payload): its MemberInvite gets {@link guardMemberInvite}. */
function guardConversationUpdateRequest(bytes: Uint8Array): Uint8Array {
  const spans = scanFields(bytes)
  if (spans === undefined) return bytes
  let changed = false
  const parts: Uint8Array[] = []
  for (const f of spans) {
    if (f.field === UPDATE_REQUEST_MEMBER_INVITE_FIELD && f.wireType === 2) {
      const value = bytes.subarray(f.valueStart, f.end)
      const guarded = guardMemberInvite(value)
      if (guarded !== value) {
        changed = true
        parts.push(Uint8Array.from([...varint((UPDATE_REQUEST_MEMBER_INVITE_FIELD << 3) | 2), ...varint(guarded.length)]), guarded)
        continue
      }
    }
    parts.push(bytes.subarray(f.start, f.end))
  }
  return changed ? concatBytes(parts) : bytes
}

const GUARDS: Record<string, (bytes: Uint8Array) => Uint8Array> = {
  'de_mls.messages.v1.AppMessage': guardAppMessage,
  'de_mls.messages.v1.ConversationSync': guardConversationSync,
  'de_mls.messages.v1.ConversationUpdateRequest': guardConversationUpdateRequest,
  'de_mls.messages.v1.MemberInvite': guardMemberInvite,
}

export function decodeWith<T>(
  type: string,
  codec: PbMessageType,
  bytes: Uint8Array,
  convert: (m: Record<string, unknown>) => T,
): T {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(type, 'input is not a Uint8Array')
  try {
    // A private copy: decoded byte fields are views into it, so later
    // mutation of the caller's buffer cannot change a decoded message.
    const copy = bytes.slice()
    const reader = new $protobuf.Reader(GUARDS[type]?.(copy) ?? copy)
    return convert(codec.decode(reader) as Record<string, unknown>)
  } catch (err) {
    throw new DecodeError(type, err instanceof Error ? err.message : String(err), { cause: err })
  }
}
