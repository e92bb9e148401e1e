import { InvalidFaultsError } from '../errors.js'

/**
 * Fault model of a {@link MemoryNetwork}. Every probability applies
 * independently to each (packet, recipient) pair; every random choice is
 * drawn from the network's seeded generator.
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

/** A {@link FaultsInit} with every default applied. */
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
