import { toHex } from '@demls/wire'

/** At most this many other joiners' announcements are kept while our join is pending. */
export const SEEN_ANNOUNCEMENTS_LIMIT = 64
/** And at most this many bytes of them (key packages are a few hundred bytes each). */
export const SEEN_ANNOUNCEMENTS_BYTES = 256 * 1024

/**
 * The key-package announcements of other joiners that reached us while our
 * own join was pending, handed to our conversation once we are in.
 *
 * Why: a member that joins at epoch e can be the epoch steward at e + 1,
 * and only the epoch steward proposes queued joins at once. An announcement
 * that reached the group just before we were welcomed is queued by every
 * older member, but not by us; without this, that joiner waited for its
 * next re-announcement (its backoff doubles, so seconds in a busy group)
 * before anyone proposed it.
 *
 * The wire bytes are kept as they came and go through the same path as a
 * live announcement (`Conversation.receive`: bounded queue, key package
 * validated, first sighting wins), so keeping them gives nobody a capability
 * they lack: anyone can publish an announcement to members directly. What a
 * flood of them can cost us is bounded in count and bytes here; the first
 * sighting of each member id wins, as on the member side, and our own id is
 * never kept. Announcements of joiners that became members meanwhile are
 * left out at replay.
 *
 * @example
 * ```ts
 * import { SeenAnnouncements } from './seen-announcements.js'
 * const seen = new SeenAnnouncements(new Uint8Array(20).fill(1))
 * seen.keep(new Uint8Array(20).fill(2), new Uint8Array([1, 2, 3]))
 * console.log(seen.replayable(() => false).length) // 1
 * ```
 *
 * @internal
 */
export class SeenAnnouncements {
  readonly #self: string
  readonly #kept = new Map<string, Uint8Array>()
  #bytes = 0

  constructor(self: Uint8Array) {
    this.#self = toHex(self)
  }

  /** Keep the announcement `payload` of `memberId` (a welcome-channel message), within the bounds; the first one per member id wins. */
  keep(memberId: Uint8Array, payload: Uint8Array): boolean {
    const hex = toHex(memberId)
    if (hex === this.#self || this.#kept.has(hex)) return false
    if (this.#kept.size >= SEEN_ANNOUNCEMENTS_LIMIT || this.#bytes + payload.length > SEEN_ANNOUNCEMENTS_BYTES) return false
    this.#kept.set(hex, payload)
    this.#bytes += payload.length
    return true
  }

  /** The kept payloads in arrival order, leaving out those of members (`isMember` takes a hex id); empties the store. */
  replayable(isMember: (hex: string) => boolean): Uint8Array[] {
    const out = [...this.#kept].filter(([hex]) => !isMember(hex)).map(([, payload]) => payload)
    this.clear()
    return out
  }

  /** Forget everything (the join ended). */
  clear(): void {
    this.#kept.clear()
    this.#bytes = 0
  }

  /** How many are kept. */
  get size(): number {
    return this.#kept.size
  }
}
