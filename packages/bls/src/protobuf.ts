// A strict, canonical reader and writer of the small protobuf subset the
// demls.bls.v1 messages use (varint and length-delimited fields), so their
// encodings are unique: fields in ascending field-number order, each at
// most once, no unknown fields, minimal varints, proto3 defaults omitted.

/** A field of a message to encode: varint (`bigint`) or bytes. Zero / empty values are omitted. */
export type PbField = { no: number; varint: bigint } | { no: number; bytes: Uint8Array | undefined }

function varintLength(v: bigint): number {
  let n = 1
  while (v >= 0x80n) {
    v >>= 7n
    n++
  }
  return n
}

function writeVarint(out: number[], v: bigint): void {
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
}

/** Encode fields (given in ascending order). */
export function pbEncode(fields: readonly PbField[]): Uint8Array {
  const out: number[] = []
  for (const f of fields) {
    if ('varint' in f) {
      if (f.varint === 0n) continue
      writeVarint(out, BigInt(f.no << 3))
      writeVarint(out, f.varint)
    } else {
      if (f.bytes === undefined || f.bytes.length === 0) continue
      writeVarint(out, BigInt((f.no << 3) | 2))
      writeVarint(out, BigInt(f.bytes.length))
      for (const b of f.bytes) out.push(b)
    }
  }
  return Uint8Array.from(out)
}

/** Exact length of {@link pbEncode}'s output for a field. */
export function pbFieldLength(no: number, value: bigint | number): number {
  return typeof value === 'bigint' ? varintLength(BigInt(no << 3)) + varintLength(value) : varintLength(BigInt((no << 3) | 2)) + varintLength(BigInt(value)) + value
}

/** What a field of a schema may hold. */
export type PbSchema = Record<number, { kind: 'varint'; max: bigint } | { kind: 'bytes'; min: number; max: number }>

/** Decoded fields by number (absent = default). */
export type PbDecoded = Map<number, bigint | Uint8Array>

/**
 * Decode `bytes` strictly against `schema`; throws a string reason on any
 * deviation (the caller wraps it in its typed error).
 */
export function pbDecode(bytes: Uint8Array, schema: PbSchema): PbDecoded {
  const out: PbDecoded = new Map()
  let o = 0
  let last = 0
  const varint = (what: string): bigint => {
    let v = 0n
    let shift = 0n
    for (let i = 0; ; i++) {
      if (o >= bytes.length) throw `truncated ${what}`
      if (i >= 10) throw `${what} varint longer than 10 bytes`
      const b = bytes[o++]!
      v |= BigInt(b & 0x7f) << shift
      shift += 7n
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) throw `non-minimal ${what} varint`
        return v
      }
    }
  }
  while (o < bytes.length) {
    const key = varint('tag')
    const no = Number(key >> 3n)
    const wire = Number(key & 7n)
    const spec = schema[no]
    if (spec === undefined || key > 0xffff_ffffn) throw `unknown field ${no}`
    if (no <= last) throw no === last ? `field ${no} repeated` : `field ${no} out of order`
    last = no
    if (spec.kind === 'varint') {
      if (wire !== 0) throw `field ${no}: wire type ${wire}, expected varint`
      const v = varint(`field ${no}`)
      if (v === 0n) throw `field ${no}: default value encoded`
      if (v > spec.max) throw `field ${no}: ${v} out of range`
      out.set(no, v)
    } else {
      if (wire !== 2) throw `field ${no}: wire type ${wire}, expected length-delimited`
      const len = varint(`field ${no} length`)
      if (len === 0n) throw `field ${no}: empty bytes encoded`
      if (len < BigInt(spec.min) || len > BigInt(spec.max)) throw `field ${no}: ${len} bytes, expected ${spec.min}–${spec.max}`
      const n = Number(len)
      if (o + n > bytes.length) throw `field ${no}: truncated`
      out.set(no, bytes.slice(o, o + n))
      o += n
    }
  }
  return out
}
