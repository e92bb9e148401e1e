import { bytesEqual } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'

/** Plain members spread their answers over this many delay steps. */
export const MEMBER_ANSWER_SPREAD = 8

/** Who we are among the stewards, as the probe answer delay sees it. */
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
