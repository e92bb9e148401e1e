import { memberKey as key } from '../bytes.js'
import type { MemberId, PeerScoreEntry, PeerScoreStorage } from '../types.js'

/**
 * The default {@link PeerScoreStorage}: a `Map` keyed by the member id's
 * hex. `allScores` returns members in first-tracked order.
 *
 * @example
 * ```ts
 * import { InMemoryPeerScoreStorage, PeerScoringService } from '@demls/scoring'
 * const storage = new InMemoryPeerScoreStorage()
 * const scoring = new PeerScoringService({ storage })
 * scoring.addMember(new Uint8Array(20).fill(1))
 * console.log(storage.size) // 1
 * ```
 */
export class InMemoryPeerScoreStorage implements PeerScoreStorage {
  readonly #scores = new Map<string, PeerScoreEntry>()

  get(memberId: MemberId): bigint | undefined {
    return this.#scores.get(key(memberId))?.score
  }

  set(memberId: MemberId, score: bigint): void {
    const k = key(memberId)
    const entry = this.#scores.get(k)
    if (entry) entry.score = score
    else this.#scores.set(k, { memberId: memberId.slice(), score })
  }

  remove(memberId: MemberId): void {
    this.#scores.delete(key(memberId))
  }

  allScores(): PeerScoreEntry[] {
    return [...this.#scores.values()].map((e) => ({ memberId: e.memberId.slice(), score: e.score }))
  }

  /** Number of tracked members. */
  get size(): number {
    return this.#scores.size
  }
}
