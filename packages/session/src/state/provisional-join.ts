import { type MemberWelcome, toHex } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { memberWelcomeBytes } from '../util/bytes.js'
import type { AttestedState } from '../rules/joined-branch.js'
import { evictOldest } from './bounded.js'

/** Other Welcomes addressed to us kept while provisional (the other sides of a fork are few). */
export const OFFERED_WELCOMES_KEPT = 8
/** Their total size: a Welcome carries the ratchet tree, so this bounds memory, not only the count. */
export const OFFERED_WELCOME_BYTES = 4 * 1024 * 1024
/** Attestations remembered (the newest per member and epoch). */
const ATTESTATIONS_KEPT = 4096

/** A Welcome addressed to us, and the state it leads to once tried. */
export interface OfferedWelcome {
  readonly welcome: MemberWelcome
  readonly hashHex: string
  readonly bytes: number
  /** Set once processed: the epoch and authenticator hash of the group it leads to (undefined: unusable). */
  leadsTo?: AttestedState | null
}

/**
 * The state of a joiner that has not yet seen a majority of the group
 * settle on the state its Welcome gave it (`join/rewelcome.ts`): our
 * retained key package, the other Welcomes addressed to us, what members
 * attested, and the re-announcement schedule. Dropped (and the key package
 * released) once we are confirmed.
 */
export class ProvisionalJoin {
  /** The key package (MLSMessage) we joined with, re-announced when stranded. */
  readonly keyPackage: Uint8Array
  /**
   * The epoch our Welcome put us in: the first one's, then the one we
   * re-joined at (that commit can be replaced by a better-ranked one too,
   * so we stay provisional until the majority attests us past it).
   */
  joinedEpoch: bigint
  readonly offered = new Map<string, OfferedWelcome>()
  /** The newest signed state each member attested at each epoch, by `member hex:epoch`. */
  readonly #attested = new Map<string, AttestedState & { memberHex: string; signedAtMs: number }>()
  /** The same entries by epoch, then member hex: what {@link atEpoch} returns without a scan. */
  readonly #byEpoch = new Map<bigint, Map<string, AttestedState>>()
  /** The state a majority holds that is not ours, while we are stranded. */
  target: Uint8Array | undefined
  lastAnnounceAt = Number.NEGATIVE_INFINITY
  /** When we last asked for the commit that made our join epoch (`requestJoinedBranch`). */
  lastBranchRequestAt = Number.NEGATIVE_INFINITY
  announceIntervalMs: number

  constructor(keyPackage: Uint8Array, joinedEpoch: bigint, firstAnnounceIntervalMs: number) {
    this.keyPackage = keyPackage
    this.joinedEpoch = joinedEpoch
    this.announceIntervalMs = firstAnnounceIntervalMs
  }

  /**
   * Keep an offered Welcome (newest kept; bounded in count and bytes), with
   * the state it leads to when already known. Returns whether it is kept.
   */
  offer(welcome: MemberWelcome, leadsTo?: AttestedState): boolean {
    const w: OfferedWelcome = {
      welcome,
      hashHex: toHex(sha256(welcome.welcomeBytes)),
      bytes: memberWelcomeBytes(welcome),
      ...(leadsTo !== undefined ? { leadsTo } : {}),
    }
    if (this.offered.has(w.hashHex) || w.bytes > OFFERED_WELCOME_BYTES) return false
    this.offered.set(w.hashHex, w)
    evictOldest(this.offered, OFFERED_WELCOMES_KEPT)
    let total = 0
    for (const o of this.offered.values()) total += o.bytes
    for (const [k, o] of this.offered) {
      if (total <= OFFERED_WELCOME_BYTES) break
      this.offered.delete(k)
      total -= o.bytes
    }
    return this.offered.has(w.hashHex)
  }

  /** What a member last attested at `epoch`, if anything. */
  attestedAt(memberHex: string, epoch: bigint): (AttestedState & { signedAtMs: number }) | undefined {
    return this.#attested.get(`${memberHex}:${epoch}`)
  }

  /** Record a member's signed state at its epoch; an older signature never replaces a newer one. Returns whether it changed. */
  note(memberHex: string, state: AttestedState, signedAtMs: number): boolean {
    const key = `${memberHex}:${state.epoch}`
    const prev = this.#attested.get(key)
    if (prev !== undefined && prev.signedAtMs >= signedAtMs) return false
    this.#attested.delete(key)
    const entry = { ...state, memberHex, signedAtMs }
    this.#attested.set(key, entry)
    const atEpoch = this.#byEpoch.get(state.epoch) ?? new Map<string, AttestedState>()
    this.#byEpoch.set(state.epoch, atEpoch)
    atEpoch.set(memberHex, entry)
    // The oldest first, as `evictOldest` would, keeping the epoch index in step.
    for (const [k, old] of this.#attested) {
      if (this.#attested.size <= ATTESTATIONS_KEPT) break
      this.#attested.delete(k)
      const m = this.#byEpoch.get(old.epoch)
      if (m?.get(old.memberHex) === old) m.delete(old.memberHex)
      if (m?.size === 0) this.#byEpoch.delete(old.epoch)
    }
    return true
  }

  /** Each member's state at `epoch` (what `judgeJoinedBranch` counts); a live view, not a copy. */
  atEpoch(epoch: bigint): ReadonlyMap<string, AttestedState> {
    return this.#byEpoch.get(epoch) ?? EMPTY
  }
}

const EMPTY: ReadonlyMap<string, AttestedState> = new Map()
