import { type EpochAttestation, bytesEqual, toHex } from '@demls/wire'

/** An attestation kept unchecked ({@link LivenessState.defer}): what it says once its signature checks. */
interface Deferred {
  readonly attestation: EpochAttestation
  /** When it shows its member alive: its signing time, at most the time it arrived. */
  readonly seenAt: number
  /** Its commit hash, hex. */
  readonly commitHashHex: string
}

/** Unchecked attestations kept per member and epoch: one more makes us check them (so a flood of forged copies cannot displace a real one). */
export const DEFERRED_PER_MEMBER = 2
/**
 * Members with unchecked attestations kept (the oldest are checked and go
 * first). Only current members' words wait, so a group of up to this many
 * never evicts: about n/3 members attest each commit, and at 10,000
 * members a bound of 1,024 would have had every change check 2,300 of them.
 */
const DEFERRED_MEMBERS_KEPT = 16_384

/**
 * The liveness slice: when we last heard from each member, and our
 * removals for inactivity (`stewardship/liveness.ts`,
 * `stewardship/dead-members.ts`). Local observations: a fork switch keeps
 * them, and a restart starts them afresh (every member gets a grace
 * period).
 *
 * It also holds the signed attestations whose check can wait
 * ({@link LivenessState.defer}): a member's word that it merged the very
 * commit we merged tells us nothing new but that it is alive, one more
 * merge to hand out with replays and, while we are a provisional joiner,
 * one more confirmation of our state; so its signature is checked only
 * when one of those matters ({@link LivenessState.settle}): the member
 * would otherwise look silent, or its merge or confirmation is counted or
 * handed out.
 *
 * @example
 * ```ts
 * import { LivenessState } from '../state/liveness-state.js'
 * const liveness = new LivenessState()
 * liveness.lastSeen.set('ab'.repeat(20), Date.now())
 * ```
 *
 * @internal
 */
export class LivenessState {
  /**
   * When we last received MLS-authenticated traffic from each member (hex,
   * ms); members are entered with the time we learned of them (a grace
   * period).
   */
  readonly lastSeen = new Map<string, number>()
  /** When we last proposed each member's removal for inactivity, and how often since we last heard it (hex → entry). */
  readonly inactiveProposedAt = new Map<string, { at: number; attempts: number }>()
  readonly #deferred = new Map<string, Deferred[]>()
  readonly #check: (a: EpochAttestation) => boolean
  readonly #onChecked: (a: EpochAttestation) => void

  /**
   * @param check - whether an attestation's signature is its member's (refuses all by default)
   * @param onChecked - take a checked attestation (merge evidence, a provisional joiner's confirmation)
   */
  constructor(check: (a: EpochAttestation) => boolean = () => false, onChecked: (a: EpochAttestation) => void = () => {}) {
    this.#check = check
    this.#onChecked = onChecked
  }

  /**
   * Keep `attestation` of member `hex` unchecked. When the member already
   * has {@link DEFERRED_PER_MEMBER} waiting of that epoch, they are checked
   * first ({@link settle}); its waiting words of epochs before the one
   * before are dropped unchecked (a later word of the member supersedes
   * them as a sign of life, and merges are handed out for the commits of
   * the last two epochs). A copy of one already waiting is not kept twice.
   */
  defer(hex: string, attestation: EpochAttestation, seenAt: number): void {
    const held = this.#deferred.get(hex)
    let list = held?.filter((d) => d.attestation.epoch + 1n >= attestation.epoch) ?? []
    if (held !== undefined) this.#put(hex, held, list)
    if (list.some((d) => bytesEqual(d.attestation.signature, attestation.signature))) return
    if (list.filter((d) => d.attestation.epoch === attestation.epoch).length >= DEFERRED_PER_MEMBER) {
      this.settle(hex)
      list = []
    }
    if (list.length === 0 && this.#deferred.size >= DEFERRED_MEMBERS_KEPT) {
      const oldest = this.#deferred.keys().next().value as string
      if (oldest !== hex) this.settle(oldest)
    }
    this.#put(hex, list, [...list, { attestation, seenAt, commitHashHex: toHex(attestation.commitHash) }])
  }

  /** Replace member `hex`'s waiting list `before` by `after` (none when empty), keeping the per-commit counts. */
  #put(hex: string, before: readonly Deferred[], after: Deferred[]): void {
    if (this.#deferred.has(hex)) this.#uncount(before)
    this.#deferred.delete(hex)
    if (after.length === 0) return
    this.#deferred.set(hex, after)
    this.#count(after)
  }

  /** How many members have unchecked attestations waiting. */
  deferredMembers(): number {
    return this.#deferred.size
  }

  /**
   * The members of `among` (hex) with an unchecked attestation waiting that
   * they merged `commitHashHex` to reach `epoch`; none at once (no walk)
   * when fewer than `atLeast` members have one at all.
   */
  deferredMerges(epoch: bigint, commitHashHex: string, among: Pick<ReadonlySet<string>, 'has'>, atLeast = 0): string[] {
    const key = `${epoch}:${commitHashHex}`
    const total = this.#byKey.get(key) ?? 0
    if (total === 0 || total < atLeast) return []
    const out: string[] = []
    for (const [m, list] of this.#deferred) {
      if (among.has(m) && list.some((d) => d.attestation.epoch === epoch && d.commitHashHex === commitHashHex)) out.push(m)
    }
    return out
  }

  /**
   * Check the waiting words that members of `among` merged `commitHashHex`
   * to reach `epoch`, when they could make a count: `needed()` says how
   * many more than those already checked the count lacks (asked only when
   * someone waits with that commit). Returns false when too few wait (then
   * nothing is checked), true when the count needs none or they were
   * checked: the caller counts again. What the fork choice's majority of
   * merges and a provisional joiner's confirmation both do.
   */
  settleWaiting(epoch: bigint, commitHashHex: string, among: Pick<ReadonlySet<string>, 'has'>, needed: () => number): boolean {
    if (!this.#byKey.has(`${epoch}:${commitHashHex}`)) return needed() <= 0
    const n = needed()
    if (n <= 0) return true
    const waiting = this.deferredMerges(epoch, commitHashHex, among, n)
    if (waiting.length < n) return false
    for (const m of waiting) this.settle(m)
    return true
  }

  /** Members with a waiting word per `epoch:commit hash hex` (what {@link deferredMerges} reads before it walks). */
  readonly #byKey = new Map<string, number>()

  #keysOf(list: readonly Deferred[]): Set<string> {
    return new Set(list.map((d) => `${d.attestation.epoch}:${d.commitHashHex}`))
  }

  #count(list: readonly Deferred[]): void {
    for (const k of this.#keysOf(list)) this.#byKey.set(k, (this.#byKey.get(k) ?? 0) + 1)
  }

  #uncount(list: readonly Deferred[]): void {
    for (const k of this.#keysOf(list)) {
      const n = (this.#byKey.get(k) ?? 0) - 1
      if (n > 0) this.#byKey.set(k, n)
      else this.#byKey.delete(k)
    }
  }

  /**
   * Check the waiting attestations of member `hex` (of every member when
   * omitted): each that checks shows its member alive at its time (a
   * member we track) and is kept as merge evidence; the others are
   * dropped. Returns whether any checked.
   */
  settle(hex?: string): boolean {
    const members = hex === undefined ? [...this.#deferred.keys()] : [hex]
    let any = false
    for (const m of members) {
      const list = this.#deferred.get(m)
      if (list === undefined) continue
      this.#deferred.delete(m)
      this.#uncount(list)
      for (const d of list) {
        if (!this.#check(d.attestation)) continue
        any = true
        const seen = this.lastSeen.get(m)
        if (seen !== undefined && seen < d.seenAt) {
          this.lastSeen.set(m, d.seenAt)
          this.inactiveProposedAt.delete(m)
        }
        this.#onChecked(d.attestation)
      }
    }
    return any
  }

  /**
   * When we last heard from `hex`, checking its waiting attestations first
   * when what we heard otherwise is at least `staleAfterMs` old at `now`.
   */
  seenAt(hex: string, now: number, staleAfterMs: number): number | undefined {
    const seen = this.lastSeen.get(hex)
    if (seen === undefined || now - seen < staleAfterMs || !this.#deferred.has(hex)) return seen
    this.settle(hex)
    return this.lastSeen.get(hex)
  }
}
