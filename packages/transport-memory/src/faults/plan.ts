import type { SeededRandom } from '../random/seeded-random.js'
import type { Faults } from './faults.js'

/** What the fault model decided for one (packet, recipient) pair. */
export interface DeliveryPlan {
  /** Delays (ms after the publish) of each copy; empty when lost. */
  delays: number[]
  lost: boolean
  duplicated: boolean
  reordered: boolean
}

function delay(faults: Faults, rng: SeededRandom): { ms: number; reordered: boolean } {
  // Whole milliseconds, so virtual time stays integral (protocol code may
  // turn it into a bigint or a timestamp in seconds).
  let ms = faults.delayMs
  if (faults.jitterMs > 0) ms += rng.int(Math.floor(faults.jitterMs) + 1)
  const reordered = rng.chance(faults.reorder)
  if (reordered) ms += rng.int(Math.floor(faults.reorderWindowMs) + 1)
  return { ms, reordered }
}

/**
 * Decide the fate of one delivery. Draws are made in a fixed order (loss,
 * duplicate, then per copy: jitter, reorder) so a seed replays exactly.
 */
export function planDelivery(faults: Faults, rng: SeededRandom): DeliveryPlan {
  if (rng.chance(faults.loss)) return { delays: [], lost: true, duplicated: false, reordered: false }
  const duplicated = rng.chance(faults.duplicate)
  const first = delay(faults, rng)
  if (!duplicated) return { delays: [first.ms], lost: false, duplicated, reordered: first.reordered }
  const second = delay(faults, rng)
  return { delays: [first.ms, second.ms], lost: false, duplicated, reordered: first.reordered || second.reordered }
}
