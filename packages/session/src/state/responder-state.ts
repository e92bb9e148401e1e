import { BoundedSet } from './bounded.js'

/** A probe we answer at `fireAt` unless another member answers first. */
export interface PendingAnswer {
  prober: Uint8Array
  nonce: Uint8Array
  fireAt: number
}

/**
 * Member-side state of the joiner handshake (beyond the reference): rate
 * limits and delayed answers to join probes, and re-sends of join statuses.
 *
 * @internal
 */
export class JoinResponderState {
  /** When we last sent a beacon to each prober (hex member id). */
  readonly lastAnswerAt = new Map<string, number>()
  /** Probes we answer at `fireAt` unless another member answered first, by nonce (hex). */
  readonly pending = new Map<string, PendingAnswer>()
  /** Nonces (hex) a beacon was sent or seen for. */
  readonly answered = new BoundedSet<string>(512)
  /** The prober (hex) of every recent probe, by nonce (hex): a beacon heard for it counts against that prober. */
  readonly proberOf = new Map<string, string>()
  /** When we last re-sent a status to each joiner (hex). */
  readonly lastStatusAt = new Map<string, number>()
  /** Global budget: beacons sent in the current one-second window. */
  windowStart = Number.NEGATIVE_INFINITY
  windowCount = 0
  /** When we last sent a beacon (probes right after it wait to share the next one). */
  lastBeaconAt = Number.NEGATIVE_INFINITY
}
