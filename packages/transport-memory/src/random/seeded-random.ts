import { hashString, mix32 } from './seed.js'

/**
 * A small, fast, seedable pseudo-random generator (sfc32, 128-bit state).
 * Not cryptographic: it exists so that simulated faults are reproducible.
 *
 * @example
 * ```ts
 * import { SeededRandom } from '@demls/transport-memory'
 * const a = new SeededRandom(42)
 * const b = new SeededRandom(42)
 * console.log(a.next() === b.next()) // true
 * ```
 */
export class SeededRandom {
  private a: number
  private b: number
  private c: number
  private d: number

  /** @param seed any number (its low 32 bits are used) or string */
  constructor(seed: number | string) {
    const s = typeof seed === 'string' ? hashString(seed) : mix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32))
    this.a = mix32(s ^ 0x9e3779b9)
    this.b = mix32(s ^ 0x243f6a88)
    this.c = mix32(s ^ 0xb7e15162)
    this.d = 1
    for (let i = 0; i < 12; i++) this.nextU32()
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0
    this.c = (this.c + t) >>> 0
    return t
  }

  /** A float uniformly distributed in `[0, 1)`. */
  next(): number {
    return this.nextU32() / 4294967296
  }

  /** True with probability `p` (no draw is made when `p` is 0 or 1). */
  chance(p: number): boolean {
    if (p <= 0) return false
    if (p >= 1) return true
    return this.next() < p
  }

  /** An integer uniformly distributed in `[0, max)`. */
  int(max: number): number {
    return Math.floor(this.next() * max)
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i += 4) {
      let v = this.nextU32()
      for (let j = i; j < Math.min(n, i + 4); j++) {
        out[j] = v & 0xff
        v >>>= 8
      }
    }
    return out
  }

  /** An independent generator derived from this one's seed and `label`. */
  fork(label: string): SeededRandom {
    return new SeededRandom(hashString(label, this.nextU32()))
  }
}
