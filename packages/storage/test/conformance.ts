/**
 * The behaviour every `Storage` must have, as one suite run against each
 * implementation (plain and encrypted).
 */
import { AbortError } from '@demls/wire'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import {
  STORAGE_LIMITS,
  type Storage,
  StorageClosedError,
  type StorageEntry,
  StorageInputError,
  type StorageKey,
  StorageLimitError,
} from '../src/index.js'

export interface ConformanceTarget {
  name: string
  encrypted: boolean
  /** A fresh, empty store. */
  open(): Promise<Storage>
}

const enc = new TextEncoder()
export const bytes = (s: string): Uint8Array => enc.encode(s)

export async function collect(it: AsyncIterable<StorageEntry>): Promise<StorageEntry[]> {
  const out: StorageEntry[] = []
  for await (const e of it) out.push(e)
  return out
}

const keysOf = async (s: Storage, prefix: StorageKey) => (await collect(s.entries(prefix))).map((e) => e.key)

export function runConformance(target: ConformanceTarget): void {
  describe(`Storage conformance: ${target.name}`, () => {
    const open: Storage[] = []
    const fresh = async () => {
      const s = await target.open()
      open.push(s)
      return s
    }
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close()
    })

    it('reports whether it is encrypted', async () => {
      const s = await fresh()
      expect(s.encrypted).toBe(target.encrypted)
      expect(s.closed).toBe(false)
    })

    it('puts, gets and deletes a key; a missing key reads as undefined', async () => {
      const s = await fresh()
      expect(await s.get(['conv', 'a', 'x'])).toBeUndefined()
      await s.put(['conv', 'a', 'x'], bytes('one'))
      const v = await s.get(['conv', 'a', 'x'])
      expect(v).toEqual(bytes('one'))
      expect(Object.getPrototypeOf(v)).toBe(Uint8Array.prototype)
      await s.put(['conv', 'a', 'x'], bytes('two'))
      expect(await s.get(['conv', 'a', 'x'])).toEqual(bytes('two'))
      await s.del(['conv', 'a', 'x'])
      expect(await s.get(['conv', 'a', 'x'])).toBeUndefined()
      await s.del(['conv', 'a', 'x']) // deleting an absent key is a no-op
    })

    it('stores empty values and binary values unchanged', async () => {
      const s = await fresh()
      const all = Uint8Array.from({ length: 256 }, (_, i) => i)
      await s.batch([
        { type: 'put', key: ['e'], value: new Uint8Array(0) },
        { type: 'put', key: ['b'], value: all },
      ])
      expect(await s.get(['e'])).toEqual(new Uint8Array(0))
      expect(await s.get(['b'])).toEqual(all)
    })

    it('copies values in and out', async () => {
      const s = await fresh()
      const v = bytes('abc')
      const p = s.put(['k'], v)
      v[0] = 0x7a // mutated before the write settles
      await p
      const out = (await s.get(['k']))!
      expect(out).toEqual(bytes('abc'))
      out[1] = 0x7a
      expect(await s.get(['k'])).toEqual(bytes('abc'))
    })

    it('getMany returns values in the order asked, undefined where absent', async () => {
      const s = await fresh()
      await s.batch([
        { type: 'put', key: ['a'], value: bytes('A') },
        { type: 'put', key: ['c'], value: bytes('C') },
      ])
      expect(await s.getMany([['c'], ['b'], ['a']])).toEqual([bytes('C'), undefined, bytes('A')])
      expect(await s.getMany([])).toEqual([])
    })

    it('iterates a prefix by whole segments, in tuple order of the UTF-8 bytes', async () => {
      const s = await fresh()
      const keys: string[][] = [
        ['conv', 'a', 'z'],
        ['conv', 'a'],
        ['conv', 'ab', 'x'],
        ['conv', 'a\u0000b'],
        ['conv', 'a', ''],
        ['conv', 'a', 'b', 'c'],
        ['conv', 'a', 'é'],
        ['conv', 'a', '0002'],
        ['conv', 'a', '0010'],
        ['conv', 'b'],
        ['other', 'a'],
        ['conva', 'a'],
      ]
      await s.batch(keys.map((key, i) => ({ type: 'put' as const, key, value: new Uint8Array([i]) })))
      expect(await keysOf(s, ['conv', 'a'])).toEqual([
        ['conv', 'a'],
        ['conv', 'a', ''],
        ['conv', 'a', '0002'],
        ['conv', 'a', '0010'],
        ['conv', 'a', 'b', 'c'],
        ['conv', 'a', 'z'],
        ['conv', 'a', 'é'],
      ])
      expect(await keysOf(s, ['conv', 'a\u0000b'])).toEqual([['conv', 'a\u0000b']])
      expect(await keysOf(s, ['conv'])).toEqual([
        ['conv', 'a'],
        ['conv', 'a', ''],
        ['conv', 'a', '0002'],
        ['conv', 'a', '0010'],
        ['conv', 'a', 'b', 'c'],
        ['conv', 'a', 'z'],
        ['conv', 'a', 'é'],
        ['conv', 'a\u0000b'],
        ['conv', 'ab', 'x'],
        ['conv', 'b'],
      ])
      expect((await keysOf(s, [])).length).toBe(keys.length)
      expect(await keysOf(s, ['nothing'])).toEqual([])
      const entries = await collect(s.entries(['conv', 'b']))
      expect(entries).toEqual([{ key: ['conv', 'b'], value: new Uint8Array([9]) }])
    })

    it('applies a batch in order: a later operation on the same key wins', async () => {
      const s = await fresh()
      await s.batch([
        { type: 'put', key: ['k'], value: bytes('1') },
        { type: 'put', key: ['k'], value: bytes('2') },
        { type: 'put', key: ['gone'], value: bytes('x') },
        { type: 'del', key: ['gone'] },
      ])
      expect(await s.get(['k'])).toEqual(bytes('2'))
      expect(await s.get(['gone'])).toBeUndefined()
      await s.batch([]) // an empty batch is fine
    })

    it('applies writes in call order even when they are not awaited one by one', async () => {
      const s = await fresh()
      await Promise.all(Array.from({ length: 20 }, (_, i) => s.put(['k'], new Uint8Array([i]))))
      expect(await s.get(['k'])).toEqual(new Uint8Array([19]))
      const p1 = s.put(['x', '1'], bytes('a'))
      const p2 = s.delete(['x'])
      const p3 = s.put(['x', '2'], bytes('b'))
      await Promise.all([p1, p2, p3])
      expect(await p2).toBe(1)
      expect(await keysOf(s, ['x'])).toEqual([['x', '2']])
    })

    it('writes nothing of a batch that has one invalid operation', async () => {
      const s = await fresh()
      await s.put(['keep'], bytes('old'))
      const bad: unknown[] = [
        { type: 'put', key: ['k', '1'], value: 'not bytes' },
        { type: 'put', key: [], value: bytes('x') },
        { type: 'put', key: ['k', 2], value: bytes('x') },
        { type: 'put', key: 'k', value: bytes('x') },
        { type: 'put', key: ['\uD800'], value: bytes('x') },
        { type: 'merge', key: ['k', '3'], value: bytes('x') },
        null,
      ]
      for (const op of bad) {
        const batch = [
          { type: 'put', key: ['keep'], value: bytes('new') },
          { type: 'put', key: ['k', '0'], value: bytes('x') },
          op,
          { type: 'del', key: ['keep'] },
        ] as never
        await expect(s.batch(batch)).rejects.toBeInstanceOf(StorageInputError)
      }
      const tooBig = [
        { type: 'put' as const, key: ['k', '0'], value: bytes('x') },
        { type: 'put' as const, key: ['keep'], value: new Uint8Array(STORAGE_LIMITS.maxValueBytes + 1) },
      ]
      await expect(s.batch(tooBig)).rejects.toBeInstanceOf(StorageLimitError)
      expect(await s.get(['keep'])).toEqual(bytes('old'))
      expect(await keysOf(s, [])).toEqual([['keep']])
    })

    it('deletes a whole prefix atomically and says how many entries went', async () => {
      const s = await fresh()
      await s.batch([
        { type: 'put', key: ['conv', 'a', '1'], value: bytes('1') },
        { type: 'put', key: ['conv', 'a', '2', 'x'], value: bytes('2') },
        { type: 'put', key: ['conv', 'a'], value: bytes('3') },
        { type: 'put', key: ['conv', 'ab'], value: bytes('4') },
        { type: 'put', key: ['conv', 'b', '1'], value: bytes('5') },
      ])
      expect(await s.delete(['conv', 'a'])).toBe(3)
      expect(await keysOf(s, [])).toEqual([
        ['conv', 'ab'],
        ['conv', 'b', '1'],
      ])
      expect(await s.delete(['conv', 'a'])).toBe(0)
      expect(await s.delete([])).toBe(2)
      expect(await keysOf(s, [])).toEqual([])
    })

    it('rejects every call after close with StorageClosedError; closing twice is fine', async () => {
      const s = await target.open()
      await s.put(['k'], bytes('v'))
      const pending = s.put(['k2'], bytes('v')) // issued before close: settles first
      await s.close()
      await pending
      expect(s.closed).toBe(true)
      await s.close()
      await expect(s.get(['k'])).rejects.toBeInstanceOf(StorageClosedError)
      await expect(s.getMany([['k']])).rejects.toBeInstanceOf(StorageClosedError)
      await expect(s.put(['k'], bytes('v'))).rejects.toBeInstanceOf(StorageClosedError)
      await expect(s.batch([])).rejects.toBeInstanceOf(StorageClosedError)
      await expect(s.del(['k'])).rejects.toBeInstanceOf(StorageClosedError)
      await expect(s.delete([])).rejects.toBeInstanceOf(StorageClosedError)
      await expect(collect(s.entries([]))).rejects.toBeInstanceOf(StorageClosedError)
      const err = await s.get(['k']).catch((e: unknown) => e)
      expect((err as StorageClosedError).code).toBe('STORAGE_CLOSED')
    })

    it('rejects aborted calls with AbortError and writes nothing', async () => {
      const s = await fresh()
      const signal = AbortSignal.abort()
      await expect(s.put(['k'], bytes('v'), { signal })).rejects.toBeInstanceOf(AbortError)
      await expect(s.batch([{ type: 'put', key: ['k'], value: bytes('v') }], { signal })).rejects.toBeInstanceOf(
        AbortError,
      )
      await expect(s.get(['k'], { signal })).rejects.toBeInstanceOf(AbortError)
      await expect(s.getMany([['k']], { signal })).rejects.toBeInstanceOf(AbortError)
      await expect(s.delete([], { signal })).rejects.toBeInstanceOf(AbortError)
      await expect(collect(s.entries([], { signal }))).rejects.toBeInstanceOf(AbortError)
      expect(await s.get(['k'])).toBeUndefined()

      // aborted while queued behind another write: nothing of it is written
      const controller = new AbortController()
      const first = s.put(['a'], bytes('1'))
      const second = s.put(['b'], bytes('2'), { signal: controller.signal })
      controller.abort()
      await first
      await expect(second).rejects.toBeInstanceOf(AbortError)
      expect(await s.get(['b'])).toBeUndefined()

      // aborted mid-iteration
      await s.batch(Array.from({ length: 5 }, (_, i) => ({ type: 'put' as const, key: ['it', `${i}`], value: bytes('v') })))
      const c2 = new AbortController()
      const seen: string[][] = []
      const run = async () => {
        for await (const e of s.entries(['it'], { signal: c2.signal })) {
          seen.push(e.key)
          if (seen.length === 2) c2.abort()
        }
      }
      await expect(run()).rejects.toBeInstanceOf(AbortError)
      expect(seen.length).toBe(2)
    })

    it('enforces the documented byte limits with StorageLimitError', async () => {
      const s = await fresh()
      const limit = async (p: Promise<unknown>, kind: string) => {
        const err = await p.then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(err).toBeInstanceOf(StorageLimitError)
        expect((err as StorageLimitError).limit).toBe(kind)
        expect((err as StorageLimitError).code).toBe('STORAGE_LIMIT')
      }
      const longSegment = 'x'.repeat(STORAGE_LIMITS.maxKeyBytes) // + terminator = limit + 1
      await limit(s.put([longSegment], bytes('v')), 'keyBytes')
      await limit(s.get([longSegment]), 'keyBytes')
      await limit(collect(s.entries([longSegment])), 'keyBytes')
      await limit(s.put(['\u0000'.repeat(STORAGE_LIMITS.maxKeyBytes / 2)], bytes('v')), 'keyBytes') // escapes count
      await s.put(['x'.repeat(STORAGE_LIMITS.maxKeyBytes - 1)], bytes('at the limit'))
      await limit(s.put(Array.from({ length: STORAGE_LIMITS.maxKeySegments + 1 }, () => 's'), bytes('v')), 'keySegments')
      await limit(s.put(['big'], new Uint8Array(STORAGE_LIMITS.maxValueBytes + 1)), 'valueBytes')
      await s.put(['big'], new Uint8Array(STORAGE_LIMITS.maxValueBytes))
      expect((await s.get(['big']))!.length).toBe(STORAGE_LIMITS.maxValueBytes)
      await limit(
        s.batch(Array.from({ length: STORAGE_LIMITS.maxBatchOperations + 1 }, () => ({ type: 'del' as const, key: ['k'] }))),
        'batchOps',
      )
      const chunk = new Uint8Array(STORAGE_LIMITS.maxValueBytes)
      const n = STORAGE_LIMITS.maxBatchBytes / STORAGE_LIMITS.maxValueBytes
      await limit(
        s.batch(Array.from({ length: n }, (_, i) => ({ type: 'put' as const, key: [`${i}`], value: chunk }))),
        'batchBytes',
      )
    })

    it('matches a model map under random batches, deletes and prefix reads', async () => {
      const s = await fresh()
      const segment = fc.constantFrom('a', 'b', 'ab', '', '\u0000', 'é', 'z')
      const key = fc.array(segment, { minLength: 1, maxLength: 3 })
      const op = fc.oneof(
        fc.record({ type: fc.constant('put' as const), key, value: fc.uint8Array({ maxLength: 8 }) }),
        fc.record({ type: fc.constant('del' as const), key }),
      )
      const step = fc.oneof(
        fc.record({ kind: fc.constant('batch' as const), ops: fc.array(op, { maxLength: 6 }) }),
        fc.record({ kind: fc.constant('delete' as const), prefix: fc.array(segment, { maxLength: 2 }) }),
      )
      await fc.assert(
        fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
          await s.delete([])
          const model = new Map<string, { key: string[]; value: Uint8Array }>()
          const isPrefix = (p: string[], k: string[]) => p.length <= k.length && p.every((x, i) => x === k[i])
          for (const st of steps) {
            if (st.kind === 'batch') {
              await s.batch(st.ops)
              for (const o of st.ops) {
                if (o.type === 'put') model.set(JSON.stringify(o.key), { key: o.key, value: o.value })
                else model.delete(JSON.stringify(o.key))
              }
            } else {
              const n = await s.delete(st.prefix)
              let m = 0
              for (const [k, e] of model) {
                if (isPrefix(st.prefix, e.key)) {
                  model.delete(k)
                  m++
                }
              }
              expect(n).toBe(m)
            }
          }
          const got = (await collect(s.entries([]))).map((e) => JSON.stringify([e.key, [...e.value]]))
          const want = [...model.values()]
            .sort((x, y) => compareTuples(x.key, y.key))
            .map((e) => JSON.stringify([e.key, [...e.value]]))
          expect(got).toEqual(want)
          for (const p of [['a'], ['ab'], ['\u0000'], ['a', 'b']]) {
            const sub = (await collect(s.entries(p))).map((e) => JSON.stringify(e.key))
            expect(sub).toEqual(
              [...model.values()]
                .filter((e) => isPrefix(p, e.key))
                .sort((x, y) => compareTuples(x.key, y.key))
                .map((e) => JSON.stringify(e.key)),
            )
          }
        }),
        { numRuns: 40 },
      )
    })
  })
}

const utf8 = (s: string) => Array.from(enc.encode(s))
function compareTuples(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = utf8(a[i]!)
    const y = utf8(b[i]!)
    for (let j = 0; j < Math.min(x.length, y.length); j++) if (x[j] !== y[j]) return x[j]! - y[j]!
    if (x.length !== y.length) return x.length - y.length
  }
  return a.length - b.length
}
