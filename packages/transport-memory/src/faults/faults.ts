import { InvalidFaultsError } from '../errors.js'

/**
 * Fault model of a {@link MemoryNetwork}. Every probability applies
 * independently to each (packet, recipient) pair; every random choice is
 * drawn from the network's seeded generator.
 *
 * @example
 * ```ts
 * import { type FaultsInit, MemoryNetwork } from '@demls/transport-memory'
 * const lossy: FaultsInit = { loss: 0.2, duplicate: 0.05, reorder: 0.1, delayMs: 30, jitterMs: 20 }
 * const net = new MemoryNetwork({ seed: 3 })
 * net.setFaults(lossy) // from now on; unspecified fields keep their value
 * ```
 */
export interface FaultsInit {
  /**
   * Probability that a delivery is lost.
   * @default 0
   */
  loss?: number
  /**
   * Probability that a delivery arrives twice (the copy gets its own delay).
   * @default 0
   */
  duplicate?: number
  /**
   * Probability that a delivery is held back by an extra delay drawn
   * uniformly from the whole milliseconds in `[0, reorderWindowMs]`, so
   * later packets overtake it.
   * @default 0
   */
  reorder?: number
  /**
   * Largest extra delay of a reordered delivery, in ms.
   * @default 100
   */
  reorderWindowMs?: number
  /**
   * Base one-way latency of every delivery, in ms.
   * @default 5
   */
  delayMs?: number
  /**
   * Extra latency drawn uniformly from the whole milliseconds in
   * `[0, jitterMs]` per delivery (virtual time stays integral). Any jitter
   * larger than the gap between two packets reorders them.
   * @default 0
   */
  jitterMs?: number
}

/**
 * A {@link FaultsInit} with every default applied.
 *
 * @example
 * ```ts
 * import { type Faults, MemoryNetwork } from '@demls/transport-memory'
 * const net = new MemoryNetwork({ faults: { loss: 0.1 } })
 * const now: Faults = net.faults // every field filled in
 * console.log(now.loss, now.delayMs, now.jitterMs)
 * ```
 */
export type Faults = Required<FaultsInit>

/** The defaults: a perfect network with 5 ms latency. */
export const DEFAULT_FAULTS: Readonly<Faults> = Object.freeze({
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderWindowMs: 100,
  delayMs: 5,
  jitterMs: 0,
})

const PROBABILITIES = ['loss', 'duplicate', 'reorder'] as const
const DURATIONS = ['reorderWindowMs', 'delayMs', 'jitterMs'] as const

/**
 * Merge `update` over `base`, validating every field.
 *
 * @throws {InvalidFaultsError} for a probability outside `[0, 1]` or a
 * negative or non-finite duration
 *
 * @example
 * ```ts
 * import { DEFAULT_FAULTS, resolveFaults } from '@demls/transport-memory'
 * const faults = resolveFaults({ loss: 0.1 }, DEFAULT_FAULTS) // the defaults with 10% loss, validated
 * ```
 */
export function resolveFaults(update: FaultsInit = {}, base: Faults = DEFAULT_FAULTS): Faults {
  const out: Faults = { ...base }
  for (const key of PROBABILITIES) {
    const v = update[key]
    if (v === undefined) continue
    if (!(v >= 0 && v <= 1)) throw new InvalidFaultsError(`${key} must be a probability in [0, 1], got ${v}`)
    out[key] = v
  }
  for (const key of DURATIONS) {
    const v = update[key]
    if (v === undefined) continue
    if (!(Number.isFinite(v) && v >= 0)) throw new InvalidFaultsError(`${key} must be a finite number ≥ 0, got ${v}`)
    out[key] = v
  }
  return out
}
