import { bytesEqual } from '@demls/wire'
import { sha256 } from '../util/hash.js'

/** Plain members spread their answers over this many delay steps. */
export const MEMBER_ANSWER_SPREAD = 8

/**
 * Who we are among the stewards, as the probe answer delay sees it.
 *
 * @example
 * ```ts
 * import { type AnswerDelayInput, probeAnswerDelay } from '@demls/session/rules'
 * const stewards = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const input: AnswerDelayInput = { stepMs: 100, self: new Uint8Array(20).fill(5), actingEpochSteward: false, stewards, epochSteward: stewards[0], nonce: new Uint8Array(16) }
 * const delayMs = probeAnswerDelay(input) // stewards answer first, members spread out after them
 * ```
 */
export interface AnswerDelayInput {
  /** One delay step (`probeAnswerDelayMs`). */
  stepMs: number
  /** Our member id. */
  self: Uint8Array
  /** We act as epoch steward (answer at once). */
  actingEpochSteward: boolean
  /** The installed steward list (empty if none). */
  stewards: readonly Uint8Array[]
  /** The canonical epoch steward, if any. */
  epochSteward: Uint8Array | undefined
  /** The probe's nonce. */
  nonce: Uint8Array
}

/**
 * How long we wait before answering a join probe: the acting epoch steward
 * at once, another steward one step per position on the list (the epoch
 * steward left out), a plain member after every steward plus a spread of
 * 0–7 steps derived from its id and the nonce (so members do not all
 * answer at the same instant). Deterministic; a member stays silent if it
 * hears a valid beacon for the nonce meanwhile.
 *
 * @example
 * ```ts
 * import { probeAnswerDelay } from '@demls/session/rules'
 * const me = new Uint8Array(20).fill(1)
 * probeAnswerDelay({ stepMs: 100, self: me, actingEpochSteward: true, stewards: [me], epochSteward: me, nonce: new Uint8Array(16) }) // 0: the epoch steward answers at once
 * ```
 */
export function probeAnswerDelay(i: AnswerDelayInput): number {
  if (i.actingEpochSteward) return 0
  const epochSteward = i.epochSteward
  const others = i.stewards.filter((s) => epochSteward === undefined || !bytesEqual(s, epochSteward))
  const index = others.findIndex((s) => bytesEqual(s, i.self))
  if (index >= 0) return i.stepMs * (index + 1)
  const seed = new Uint8Array(i.self.length + i.nonce.length)
  seed.set(i.self, 0)
  seed.set(i.nonce, i.self.length)
  const spread = (sha256(seed)[0] ?? 0) % MEMBER_ANSWER_SPREAD
  return i.stepMs * (others.length + 1 + spread)
}
