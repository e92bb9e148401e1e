/**
 * The set of cut links between peers (undirected). A partition between two
 * groups cuts every link from a member of one to a member of the other.
 */
export class PartitionTable {
  private readonly cut = new Map<string, Set<string>>()

  /** Whether the link between `a` and `b` is intact. */
  reachable(a: string, b: string): boolean {
    return this.cut.get(a)?.has(b) !== true
  }

  /** Whether any link is cut. */
  get isEmpty(): boolean {
    return this.cut.size === 0
  }

  /** Cut every link between `groupA` and `groupB`. */
  split(groupA: Iterable<string>, groupB: Iterable<string>): void {
    const b = [...groupB]
    for (const x of groupA) for (const y of b) if (x !== y) this.link(x, y, false)
  }

  /** Restore every link between `groupA` and `groupB`. */
  join(groupA: Iterable<string>, groupB: Iterable<string>): void {
    const b = [...groupB]
    for (const x of groupA) for (const y of b) this.link(x, y, true)
  }

  /** Restore every link of `peer`. */
  forget(peer: string): void {
    for (const other of this.cut.get(peer) ?? []) this.link(peer, other, true)
  }

  /** Restore every link. */
  clear(): void {
    this.cut.clear()
  }

  private link(a: string, b: string, up: boolean): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      let set = this.cut.get(x)
      if (up) {
        set?.delete(y)
        if (set?.size === 0) this.cut.delete(x)
      } else {
        if (set === undefined) {
          set = new Set()
          this.cut.set(x, set)
        }
        set.add(y)
      }
    }
  }
}
