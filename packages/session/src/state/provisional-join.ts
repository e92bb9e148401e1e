import { type MemberWelcome, toHex } from '@demls/wire'
import { sha256 } from '../util/hash.js'
import { memberWelcomeBytes } from '../util/bytes.js'
import type { AttestedState } from '../rules/joined-branch.js'
import { evictOldest } from './bounded.js'

/** Other Welcomes addressed to us kept while provisional (the other sides of a fork are few). */
export const OFFERED_WELCOMES_KEPT = 8
/** Their total size: a Welcome carries the ratchet tree, so this bounds memory, not only the count. */
export const OFFERED_WELCOME_BYTES = 4 * 1024 * 1024
/** Attestations remembered (the newest per member and epoch; the oldest evicted first). */
export const ATTESTATIONS_KEPT = 4096

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
  /**
   * The members the Welcome we joined with named besides us (hex): they
   * hold whatever state that Welcome gave them, so their word proves
   * nothing about our branch (`join/rewelcome.ts witnesses`). Replaced on
   * a re-join.
   */
  joinedWith: ReadonlySet<string> = new Set()
  readonly offered = new Map<string, OfferedWelcome>()
  /** The newest signed state each member attested at each epoch, by `member hex:epoch`. */
  readonly #attested = new Map<string, Attested>()
  /** The same entries by epoch, then member hex: what {@link atEpoch} returns without a scan. */
  readonly #byEpoch = new Map<bigint, Map<string, AttestedState>>()
  /** How many of those entries name each state (authenticator hash hex), by epoch: what {@link mayHaveMajority} reads. */
  readonly #states = new Map<bigint, Map<string, number>>()
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
    if (prev !== undefined) this.#forget(prev)
    this.#attested.delete(key)
    const entry: Attested = { ...state, memberHex, signedAtMs, stateHex: toHex(state.authenticatorHash) }
    this.#attested.set(key, entry)
    const atEpoch = this.#byEpoch.get(state.epoch) ?? new Map<string, AttestedState>()
    this.#byEpoch.set(state.epoch, atEpoch)
    atEpoch.set(memberHex, entry)
    const states = this.#states.get(state.epoch) ?? new Map<string, number>()
    this.#states.set(state.epoch, states)
    states.set(entry.stateHex, (states.get(entry.stateHex) ?? 0) + 1)
    // The oldest first, as `evictOldest` would, keeping the epoch indexes in step.
    for (const [k, old] of this.#attested) {
      if (this.#attested.size <= ATTESTATIONS_KEPT) break
      this.#attested.delete(k)
      this.#forget(old)
    }
    return true
  }

  /** Take `old` out of the epoch indexes (it was replaced or evicted). */
  #forget(old: Attested): void {
    const m = this.#byEpoch.get(old.epoch)
    if (m?.get(old.memberHex) !== old) return
    m.delete(old.memberHex)
    if (m.size === 0) this.#byEpoch.delete(old.epoch)
    const states = this.#states.get(old.epoch)
    const n = (states?.get(old.stateHex) ?? 0) - 1
    if (n > 0) states?.set(old.stateHex, n)
    else states?.delete(old.stateHex)
    if (states?.size === 0) this.#states.delete(old.epoch)
  }

  /** How many members' latest attestations at `epoch` name the state `stateHex` (hex of its authenticator hash). */
  countOf(epoch: bigint, stateHex: string): number {
    return this.#states.get(epoch)?.get(stateHex) ?? 0
  }

  /**
   * Whether some state at `epoch` is attested by more than half of
   * `otherCount` members, counting every attestation we keep (ours and
   * non-members' too, so it never says no when a judgement over the
   * roster could say yes): when it says no, `judgeJoinedBranch` over
   * {@link atEpoch} is `undecided` and need not walk the attestations.
   * Presences (no state) never count.
   */
  mayHaveMajority(epoch: bigint, otherCount: number): boolean {
    for (const [stateHex, n] of this.#states.get(epoch) ?? []) {
      if (stateHex !== '' && 2 * n > otherCount) return true
    }
    return false
  }

  /** Each member's state at `epoch` (what `judgeJoinedBranch` counts); a live view, not a copy. */
  atEpoch(epoch: bigint): ReadonlyMap<string, AttestedState> {
    return this.#byEpoch.get(epoch) ?? EMPTY
  }
}

const EMPTY: ReadonlyMap<string, AttestedState> = new Map()

/** A kept attestation: its member, signing time and state as hex. */
type Attested = AttestedState & { readonly memberHex: string; readonly signedAtMs: number; readonly stateHex: string }
