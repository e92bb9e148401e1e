/**
 * The chat-backfill state of one conversation (`sync/backfill.ts`).
 *
 * @internal
 */
export class HistoryState {
  /** Encrypted chat packets, oldest first, with the time we saw them. */
  readonly kept: { at: number; payload: Uint8Array }[] = []
  bytes = 0
  /** When we last answered each member (hex). */
  readonly answeredAt = new Map<string, number>()
  /** Our request in flight. */
  request: { sinceMs: number; firstAt: number; lastAt: number; attempts: number; answered: boolean } | undefined
  /** Reply packets already taken (hex SHA-256), across responders. */
  readonly taken = new Set<string>()
}

