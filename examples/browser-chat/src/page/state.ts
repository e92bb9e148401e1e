/** A proposal this page was asked to vote on (or made), as shown in the Proposals list. */
export interface ProposalView {
  id: number
  /** What it asks, e.g. `add 0x1234…abcd`. */
  what: string
  /** `open` (buttons shown), `you voted yes|no`, `your proposal`, `approved` or `rejected`. */
  status: string
}

/** What the page shows per group beyond the protocol state: proposals, activity lines and join progress. */
export class GroupViews {
  readonly #proposals = new Map<string, Map<number, ProposalView>>()
  readonly #activity = new Map<string, string[]>()
  readonly #join = new Map<string, string[]>()

  proposals(group: string): ProposalView[] {
    return [...(this.#proposals.get(group)?.values() ?? [])]
  }

  /** Set a proposal's line (created when new). Resolved ones beyond the last 8 are dropped. */
  setProposal(group: string, id: number, what: string | undefined, status: string): void {
    const map = this.#proposals.get(group) ?? new Map<number, ProposalView>()
    const old = map.get(id)
    map.set(id, { id, what: what ?? old?.what ?? 'proposal', status })
    this.#proposals.set(group, map)
    const resolved = [...map.values()].filter((p) => p.status === 'approved' || p.status === 'rejected')
    for (const p of resolved.slice(0, Math.max(0, resolved.length - 8))) map.delete(p.id)
  }

  proposal(group: string, id: number): ProposalView | undefined {
    return this.#proposals.get(group)?.get(id)
  }

  activity(group: string): string[] {
    return this.#activity.get(group) ?? []
  }

  /** Add an activity line (the last 50 are kept). */
  addActivity(group: string, line: string): void {
    const list = this.#activity.get(group) ?? []
    list.push(line)
    if (list.length > 50) list.shift()
    this.#activity.set(group, list)
  }

  joinLines(group: string): string[] {
    return this.#join.get(group) ?? []
  }

  /** Add a join progress line (a repeat of the last one is skipped). */
  addJoinLine(group: string, line: string): void {
    const lines = this.joinLines(group)
    if (lines.at(-1) !== line) this.#join.set(group, [...lines, line])
  }

  resetJoin(group: string): void {
    this.#join.set(group, [])
  }
}
