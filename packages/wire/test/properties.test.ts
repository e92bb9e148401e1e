// Property tests over EVERY message type in `schema`, with arbitraries
// derived generically from the field descriptors.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PROTO_FILES } from '../scripts/codegen.mjs'
import * as wire from '../src/index.js'
import { DecodeError, schema } from '../src/index.js'

interface FieldDesc {
  readonly name: string
  readonly id: number
  readonly kind: string
  readonly repeated: boolean
  readonly ref?: string
  readonly oneof?: string
}
interface TypeDesc {
  readonly fullName: string
  readonly fields: readonly FieldDesc[]
}
type Obj = Record<string, unknown>

const types = schema as unknown as Record<string, TypeDesc>
const names = Object.keys(types)
const api = wire as unknown as Record<string, unknown>
const encoderOf = (name: string) => api[`encode${name}`] as (v: Obj) => Uint8Array
const decoderOf = (name: string) => api[`decode${name}`] as (b: Uint8Array) => Obj

const typeOf = (name: string): TypeDesc => {
  const t = types[name]
  if (!t) throw new Error(`no type ${name}`)
  return t
}

const U64_MAX = (1n << 64n) - 1n
const I64_MIN = -(1n << 63n)
const I64_MAX = (1n << 63n) - 1n

// ---------------------------------------------------------------- arbitraries

const uint32Arb = fc.oneof(
  fc.constantFrom(0, 1, 127, 128, 0x7fffffff, 0x80000000, 0xffffffff),
  fc.integer({ min: 0, max: 0xffffffff }),
)
const uint64Arb = fc.oneof(
  fc.constantFrom(0n, 1n, 127n, 128n, (1n << 53n) + 1n, (1n << 60n) + 1n, (1n << 63n), U64_MAX),
  fc.bigInt({ min: 0n, max: U64_MAX }),
  // encoders also accept safe-integer numbers for 64-bit fields
  fc.maxSafeNat(),
)
const int64Arb = fc.oneof(
  fc.constantFrom(0n, -1n, 1n, I64_MIN, I64_MAX, -(1n << 53n) - 1n),
  fc.bigInt({ min: I64_MIN, max: I64_MAX }),
  fc.maxSafeInteger(),
)
const stringArb = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }), // any code point, astral included
)
const bytesArb = fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 12 }))

function enumArb(ref: string): fc.Arbitrary<number> {
  const known = Object.values(api[ref] as Record<string, number>)
  // open enums: unknown values (any int32) must survive a round trip too
  return fc.oneof(fc.constantFrom(...known), fc.integer({ min: -0x80000000, max: 0x7fffffff }))
}

const MAX_DEPTH = 6
const memo = new Map<string, fc.Arbitrary<Obj>>()

function scalarArb(f: FieldDesc, depth: number): fc.Arbitrary<unknown> {
  switch (f.kind) {
    case 'uint32':
      return uint32Arb
    case 'uint64':
      return uint64Arb
    case 'int64':
      return int64Arb
    case 'bool':
      return fc.boolean()
    case 'string':
      return stringArb
    case 'bytes':
      return bytesArb
    case 'enum':
      return enumArb(f.ref!)
    case 'message':
      return depth >= MAX_DEPTH ? fc.constant({}) : messageArb(f.ref!, depth + 1)
    default:
      throw new Error(`property tests do not know field kind ${f.kind}`)
  }
}

function fieldArb(f: FieldDesc, depth: number): fc.Arbitrary<unknown> {
  const one = scalarArb(f, depth)
  return f.repeated ? fc.array(one, { maxLength: 3 }) : one
}

/** Arbitrary encode input (`TInit`) for message `name`. */
function messageArb(name: string, depth = 0): fc.Arbitrary<Obj> {
  const key = `${name}@${depth}`
  const cached = memo.get(key)
  if (cached) return cached
  const t = typeOf(name)
  const plain: Record<string, fc.Arbitrary<unknown>> = {}
  const oneofs = new Map<string, FieldDesc[]>()
  for (const f of t.fields) {
    if (f.oneof) oneofs.set(f.oneof, [...(oneofs.get(f.oneof) ?? []), f])
    // absent, explicit null, or a value (which may be the default)
    else plain[f.name] = fc.oneof(fc.constant(null), fieldArb(f, depth))
  }
  const parts: fc.Arbitrary<Obj>[] = [fc.record(plain, { requiredKeys: [] }) as fc.Arbitrary<Obj>]
  for (const [oneof, members] of oneofs) {
    // at most one member set, optionally with the oneof discriminator too
    parts.push(
      fc.oneof(
        fc.constant({}),
        ...members.map((m) =>
          fc.tuple(fieldArb(m, depth), fc.boolean()).map(([v, tagged]): Obj => (tagged ? { [oneof]: m.name, [m.name]: v } : { [m.name]: v })),
        ),
      ),
    )
  }
  const arb = fc.tuple(...parts).map((ps) => Object.assign({}, ...ps) as Obj)
  memo.set(key, arb)
  return arb
}

// ------------------------------------------------------ expected decoded form

function normScalar(f: FieldDesc, v: unknown): unknown {
  switch (f.kind) {
    case 'uint64':
    case 'int64':
      return BigInt(v as bigint | number)
    case 'bytes':
      return Uint8Array.from(v as Uint8Array)
    case 'message':
      return normalise(f.ref!, v as Obj)
    default:
      return v
  }
}

function defaultOf(f: FieldDesc): unknown {
  if (f.repeated) return []
  switch (f.kind) {
    case 'uint32':
    case 'enum':
      return 0
    case 'uint64':
    case 'int64':
      return 0n
    case 'bool':
      return false
    case 'string':
      return ''
    case 'bytes':
      return new Uint8Array(0)
    default:
      throw new Error(`no default for ${f.kind}`)
  }
}

/** What decode(encode(init)) must return: defaults filled, unset messages absent. */
function normalise(name: string, init: Obj): Obj {
  const out: Obj = {}
  for (const f of typeOf(name).fields) {
    const v = init[f.name]
    if (f.repeated) out[f.name] = ((v as unknown[] | null | undefined) ?? []).map((x) => normScalar(f, x))
    else if (f.oneof || f.kind === 'message') {
      if (v != null) {
        out[f.name] = normScalar(f, v)
        if (f.oneof) out[f.oneof] = f.name
      }
    } else out[f.name] = v == null ? defaultOf(f) : normScalar(f, v)
  }
  return out
}

// -------------------------------------------------------------- error checks

function expectDecodeErrorOnly(fn: () => unknown): void {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof DecodeError) || err.name !== 'DecodeError') {
      throw new Error(`decoder threw something other than DecodeError: ${String(err)}`, { cause: err })
    }
  }
}

const RUNS = 300
const PROTO_DIR = join(import.meta.dirname, '..', 'proto')

describe.each(names)('%s', (name) => {
  const encode = encoderOf(name)
  const decode = decoderOf(name)
  const arb = messageArb(name)

  it('(a) decode(encode(x)) equals x with defaults filled', () => {
    fc.assert(
      fc.property(arb, (x) => {
        expect(decode(encode(x))).toStrictEqual(normalise(name, x))
      }),
      { numRuns: RUNS },
    )
  })

  it('(b) encoding is canonical: encode(decode(encode(x))) is byte-identical', () => {
    fc.assert(
      fc.property(arb, (x) => {
        const bytes = encode(x)
        expect(encode(decode(bytes))).toStrictEqual(bytes)
        // and the normalised form (what a peer would rebuild) encodes the same
        expect(encode(normalise(name, x))).toStrictEqual(bytes)
      }),
      { numRuns: RUNS },
    )
  })

  it('(c) random bytes decode or throw DecodeError; what decodes re-encodes stably', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let decoded: Obj | undefined
        expectDecodeErrorOnly(() => {
          decoded = decode(bytes)
        })
        if (decoded) {
          const again = encode(decoded)
          expect(decode(again)).toStrictEqual(decoded)
          expect(encode(decode(again))).toStrictEqual(again)
        }
      }),
      { numRuns: RUNS * 2 },
    )
  })

  it('(d) truncated and mutated valid encodings decode or throw DecodeError', () => {
    fc.assert(
      fc.property(
        arb,
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'set', 'delete', 'insert')), {
          minLength: 1,
          maxLength: 4,
        }),
        (x, cut, edits) => {
          const bytes = encode(x)
          expectDecodeErrorOnly(() => decode(bytes.subarray(0, bytes.length === 0 ? 0 : cut % bytes.length)))
          const mutated = Array.from(bytes)
          for (const [pos, val, op] of edits) {
            const i = mutated.length === 0 ? 0 : pos % mutated.length
            if (op === 'insert' || mutated.length === 0) mutated.splice(i, 0, val)
            else if (op === 'delete') mutated.splice(i, 1)
            else if (op === 'flip') mutated[i] = (mutated[i] ?? 0) ^ (1 << (val % 8))
            else mutated[i] = val
          }
          expectDecodeErrorOnly(() => decode(Uint8Array.from(mutated)))
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('(f) an encoding owns an exact buffer of its own (no shared slab)', () => {
    fc.assert(
      fc.property(arb, arb, (x, y) => {
        const bytes = encode(x)
        const other = encode(y)
        expect(bytes.byteOffset).toBe(0)
        expect(bytes.buffer.byteLength).toBe(bytes.length)
        const copy = bytes.slice()
        other.fill(0x5a)
        expect(bytes).toStrictEqual(copy)
      }),
      { numRuns: RUNS / 2 },
    )
  })

  it('(e) decoded bytes are not aliased to the input buffer', () => {
    fc.assert(
      fc.property(arb, (x) => {
        const bytes = encode(x)
        const input = bytes.slice()
        const decoded = decode(input)
        input.fill(0xa5)
        expect(decoded).toStrictEqual(decode(bytes))
        expect(decoded).toStrictEqual(normalise(name, x))
      }),
      { numRuns: RUNS / 2 },
    )
  })
})

describe('generic checks', () => {
  it('covers every message declared in proto/**/*.proto', () => {
    const declared: string[] = []
    for (const file of PROTO_FILES) {
      const text = readFileSync(join(PROTO_DIR, file), 'utf8')
      const pkg = /^package ([\w.]+);/m.exec(text)?.[1]
      for (const m of text.matchAll(/^message (\w+)/gm)) declared.push(`${pkg}.${m[1]}`)
    }
    expect(names.map((n) => typeOf(n).fullName).sort()).toEqual(declared.sort())
  })

  it('encodings that share the scratch writer stay exact: a large one, a refused one, then small ones', () => {
    const small = { conversationMessage: { message: Uint8Array.of(1, 2, 3), sender: new Uint8Array(20).fill(7), conversationId: 'c' } }
    const expected = wire.encodeAppMessage(small)
    const big = wire.encodeAppMessage({ conversationMessage: { message: new Uint8Array(200_000).fill(9), sender: new Uint8Array(20), conversationId: 'big' } })
    expect(wire.decodeAppMessage(big).conversationMessage?.message).toHaveLength(200_000)
    expect(wire.encodeAppMessage(small)).toStrictEqual(expected)
    // A message refused while being built leaves nothing behind for the next one.
    expect(() => wire.encodeAppMessage({ conversationMessage: small.conversationMessage, vote: {} } as never)).toThrow()
    expect(wire.encodeAppMessage(small)).toStrictEqual(expected)
    expect(wire.decodeAppMessage(wire.encodeAppMessage(small))).toStrictEqual(wire.decodeAppMessage(expected))
  })

  it('leaves no copy of an encoded message in the scratch writer', async () => {
    const { peekScratch } = await import('../src/codec/runtime.js')
    const secret = new Uint8Array(300).fill(0xa7)
    wire.encodeAppMessage({ conversationMessage: { message: secret, sender: new Uint8Array(20), conversationId: 's' } })
    const scratch = peekScratch()
    expect(scratch).toBeDefined()
    expect(scratch!.some((b) => b === 0xa7)).toBe(false)
  })

  it('non-Uint8Array input to a decoder is a DecodeError', () => {
    for (const name of names) {
      const decode = decoderOf(name)
      for (const bad of [null, undefined, 'abc', [1, 2], {}]) {
        expect(() => decode(bad as unknown as Uint8Array)).toThrow(DecodeError)
      }
    }
  })

  it('wrong wire types, bad lengths and deep garbage are DecodeErrors, never crashes', () => {
    const decode = decoderOf('AppMessage')
    for (const h of ['0a', '0aff', '0a05 0102', '0f', '0b', '0c', '80', 'ffffffffffffffffffff01', '22 02 a0']) {
      const b = Uint8Array.from(h.replace(/\s/g, '').match(/../g)!.map((x) => Number.parseInt(x, 16)))
      expectDecodeErrorOnly(() => decode(b))
    }
    // 10k nested group starts: rejected (wire type 3 groups are not proto3), no stack overflow escapes
    expectDecodeErrorOnly(() => decode(new Uint8Array(10_000).fill(0x0b)))
  })
})
