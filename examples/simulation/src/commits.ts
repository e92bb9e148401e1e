/**
 * Commits as the members report them, per branch. Under loss two stewards
 * may commit the same epoch; members on the losing branch later switch
 * (`fork-healed`), and a member cut off may stay on its own branch. Each
 * (epoch, committer) pair is a variant; the one most members hold at the
 * end is the group's commit for that epoch, the others are branches that
 * lost. Packets per commit are attributed from the moment work on its
 * changes was first seen (see {@link CommitLog.mark}).
 */

/** A commit of the group's branch. */
export interface CommitRecord {
  epoch: number
  /** When the first member applied it (ms from the start). */
  t: number
  committer: string
  /** The membership and steward changes it carried, e.g. `+m5 −m2`, `election`. */
  change: string
  /**
   * When the work it carries started: the earliest join call, churn
   * request or proposal sighting for one of its changes not yet carried by
   * an earlier commit; the previous commit's time when there is none.
   */
  startT: number
  /** Packets anyone published from `startT` to this commit (the change's traffic, background included). */
  packets: number
}

/** A commit that lost: the members that held it switched, or only they ever had it. */
export interface LostCommit {
  epoch: number
  t: number
  committer: string
  /** The members still holding it at the end (empty when they all switched). */
  heldBy: string[]
}

interface Variant {
  epoch: number
  committer: string
  t: number
  published: number
  changes: Set<string>
  heldBy: Set<string>
}

interface Mark {
  t: number
  published: number
}

/** Collects commits and change marks; {@link CommitLog.resolve} picks the group's branch. */
export class CommitLog {
  readonly #variants = new Map<string, Variant>()
  /** Per member, per epoch: the committer of the commit it holds. */
  readonly #held = new Map<string, Map<number, string>>()
  readonly #marks = new Map<string, Mark[]>()
  /** Per member: the variant its last `applied` went to, and whether that call created it. */
  readonly #last = new Map<string, { key: string; created: boolean }>()

  /** `member` applied `committer`'s commit of `epoch` at `t`, the packet counter then at `published`. */
  applied(member: string, epoch: number, committer: string, t: number, published: number, changes: string[]): void {
    for (const v of this.#variants.values()) if (v.epoch === epoch) v.heldBy.delete(member)
    const key = `${epoch}/${committer}`
    let v = this.#variants.get(key)
    this.#last.set(member, { key, created: v === undefined })
    if (!v) {
      v = { epoch, committer, t, published, changes: new Set(), heldBy: new Set() }
      this.#variants.set(key, v)
    }
    v.heldBy.add(member)
    for (const c of changes) v.changes.add(c)
    const held = this.#held.get(member) ?? new Map<number, string>()
    held.set(epoch, committer)
    this.#held.set(member, held)
  }

  /**
   * `member`'s last commit removed it. Its report names the epoch it was
   * at, not the commit's, so it is taken back (with its variant, if that
   * report created it).
   */
  retract(member: string): void {
    const last = this.#last.get(member)
    if (!last) return
    this.#last.delete(member)
    const v = this.#variants.get(last.key)
    v?.heldBy.delete(member)
    if (v && last.created && v.heldBy.size === 0) this.#variants.delete(last.key)
  }

  /** `member` reported a change (`+m5`, `−m2`) of `epoch`: it belongs to the commit that member holds. */
  changed(member: string, epoch: number, change: string): void {
    const committer = this.#held.get(member)?.get(epoch)
    if (committer !== undefined) this.#variants.get(`${epoch}/${committer}`)?.changes.add(change)
  }

  /** Work toward the change `key` (`+m5`, `−m2`, `election`, `emergency`) was seen at `t`. */
  mark(key: string, t: number, published: number): void {
    const list = this.#marks.get(key) ?? []
    list.push({ t, published })
    this.#marks.set(key, list)
  }

  /** The group's commits in epoch order, with their packets, and the commits that lost. */
  resolve(): { commits: CommitRecord[]; lost: LostCommit[] } {
    const byEpoch = new Map<number, Variant[]>()
    for (const v of this.#variants.values()) byEpoch.set(v.epoch, [...(byEpoch.get(v.epoch) ?? []), v])
    const commits: CommitRecord[] = []
    const lost: LostCommit[] = []
    let previous: Mark = { t: 0, published: 0 }
    for (const epoch of [...byEpoch.keys()].sort((a, b) => a - b)) {
      const variants = byEpoch.get(epoch)!.sort((a, b) => b.heldBy.size - a.heldBy.size || a.t - b.t)
      const [win, ...losers] = variants as [Variant, ...Variant[]]
      for (const l of losers) lost.push({ epoch, t: l.t, committer: l.committer, heldBy: [...l.heldBy].sort() })
      const changes = [...win.changes]
      let from = previous
      for (const key of changes) {
        const marks = this.#marks.get(key) ?? []
        for (const m of marks) if (m.t <= win.t && (from === previous || m.t < from.t)) from = m
        this.#marks.set(key, marks.filter((m) => m.t > win.t))
      }
      commits.push({ epoch, t: win.t, committer: win.committer, change: changes.join(' '), startT: from.t, packets: win.published - from.published })
      previous = { t: win.t, published: win.published }
    }
    return { commits, lost }
  }
}
