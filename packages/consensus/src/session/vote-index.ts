import { type Vote, toHex } from '@demls/wire'

/**
 * A session's votes indexed by owner, with running YES/NO counts, so that
 * looking up a voter and evaluating the rule are O(1) per incoming vote
 * instead of a scan and a recount of every vote held.
 *
 * It mirrors one `proposal.votes` array that only grows by {@link add}:
 * `size` equals that array's length while they are in step, which is how a
 * stale index is detected (see {@link VoteIndex.of}). The first vote of an
 * owner wins, as in a front-to-back scan.
 */
export class VoteIndex {
  readonly #byOwner = new Map<string, Vote>()
  #yes = 0
  #no = 0
  #size = 0

  /** Index `votes` (the first vote of each owner is the one looked up). */
  static from(votes: readonly Vote[]): VoteIndex {
    const index = new VoteIndex()
    for (const v of votes) index.add(v)
    return index
  }

  /** YES votes added. */
  get yes(): number {
    return this.#yes
  }

  /** NO votes added. */
  get no(): number {
    return this.#no
  }

  /** Number of votes added (the length of the mirrored array). */
  get size(): number {
    return this.#size
  }

  /** The first vote of `owner`, if any. */
  voteOf(owner: Uint8Array): Vote | undefined {
    return this.#byOwner.get(toHex(owner))
  }

  /**
   * Record a vote appended to the mirrored array. The counts cover every
   * vote, exactly like a recount of the array; the service never appends a
   * second vote of an owner, so they are also the distinct counts.
   */
  add(vote: Vote): void {
    this.#size++
    if (vote.vote) this.#yes++
    else this.#no++
    const key = toHex(vote.voteOwner)
    if (!this.#byOwner.has(key)) this.#byOwner.set(key, vote)
  }
}

/**
 * Per-session indexes, held beside the sessions rather than in them (a
 * {@link ConsensusStorage} may store or copy sessions as it likes). Keyed by
 * the session object: a storage that hands out live objects gets O(1)
 * bookkeeping; one that returns fresh copies gets an index rebuilt from the
 * copy, which costs what the old scan did. Garbage-collected with the session.
 */
export class VoteIndexes {
  readonly #indexes = new WeakMap<object, VoteIndex>()

  /** The index of `votes` (the session's `proposal.votes`), rebuilt when it is out of step. */
  of(session: object, votes: readonly Vote[]): VoteIndex {
    let index = this.#indexes.get(session)
    if (index === undefined || index.size !== votes.length) {
      index = VoteIndex.from(votes)
      this.#indexes.set(session, index)
    }
    return index
  }
}
