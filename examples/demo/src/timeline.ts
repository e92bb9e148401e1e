/**
 * The live timeline: one line per thing that happened, e.g.
 *
 *   [t+4.210s] peer0            ▸ commit-applied epoch 1 (by peer0): add peer1, add peer2
 *   [t+4.262s] peer1,2,3,4      ▸ member-joined peer3 (epoch 1)
 *
 * The same event seen by several peers within a short window is printed
 * once with all their names. `dropped` packets (late votes, duplicates,
 * echoes of our own packets) are normal in a gossip network: they are only
 * counted and summarised at the end of each step.
 */
import type { EventSummary } from './protocol.js'

interface Pending {
  at: number
  peers: Set<number>
  text: string
}

export class Timeline {
  readonly #t0: number
  readonly #names: Map<string, string>
  readonly #pending = new Map<string, Pending>()
  #timer: NodeJS.Timeout | undefined
  #dropped = new Map<string, number>()

  constructor(t0: number, names: Map<string, string>) {
    this.#t0 = t0
    this.#names = names
  }

  /** `peer3` for a known member id, else a short hex. */
  name(memberId: string | undefined): string {
    if (memberId === undefined) return '?'
    return this.#names.get(memberId) ?? `0x${memberId.slice(0, 8)}…`
  }

  stamp(at = Date.now()): string {
    return `[t+${((at - this.#t0) / 1000).toFixed(3)}s]`
  }

  /** A line from the orchestrator itself. */
  say(text: string): void {
    this.flush()
    console.log(`${this.stamp()} ${'demo'.padEnd(14)} ${text}`)
  }

  /** A step header. */
  header(text: string): void {
    this.flush()
    console.log(`\n── ${text} ${'─'.repeat(Math.max(0, 70 - text.length))}`)
  }

  /** An event reported by peer `peer`. */
  event(peer: number, at: number, e: EventSummary): void {
    if (e.kind === 'dropped') {
      const k = e.reason ?? 'other'
      this.#dropped.set(k, (this.#dropped.get(k) ?? 0) + 1)
      return
    }
    const text = this.#describe(e)
    if (text === undefined) return
    const p = this.#pending.get(text)
    if (p) p.peers.add(peer)
    else this.#pending.set(text, { at, peers: new Set([peer]), text })
    this.#timer ??= setTimeout(() => this.flush(), 150)
  }

  /** Print coalesced lines, oldest first. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    const lines = [...this.#pending.values()].sort((a, b) => a.at - b.at)
    this.#pending.clear()
    for (const l of lines) {
      const peers = [...l.peers].sort()
      const who = peers.length === 1 ? `peer${peers[0]}` : `peer${peers.join(',')}`
      console.log(`${this.stamp(l.at)} ${who.padEnd(14)} ▸ ${l.text}`)
    }
  }

  /** Print and reset the dropped-packet counts. */
  flushDropped(): void {
    this.flush()
    if (this.#dropped.size === 0) return
    const parts = [...this.#dropped].map(([r, n]) => `${r}×${n}`).join(', ')
    const total = [...this.#dropped.values()].reduce((a, b) => a + b, 0)
    console.log(`${' '.repeat(12)} ${''.padEnd(14)}   (${total} packets dropped as expected in gossip: ${parts})`)
    this.#dropped = new Map()
  }

  #proposal(e: EventSummary): string {
    if (e.proposal === 'steward-election') return `steward election [${(e.stewards ?? []).map((s) => this.name(s)).join(', ')}]`
    if (e.proposal === undefined) return 'proposal'
    return `${e.proposal} ${e.member === undefined ? '' : this.name(e.member)}`.trim()
  }

  #describe(e: EventSummary): string | undefined {
    switch (e.kind) {
      case 'message':
        return `💬 "${e.text}" from ${this.name(e.by)} (epoch ${e.epoch})`
      case 'phase-change':
        return `phase → ${e.state}${e.mode === 'recovery' ? ' (recovery mode)' : ''}`
      case 'vote-requested':
        return `vote-requested #${e.proposalId}: ${this.#proposal(e)}`
      case 'own-proposal-submitted':
        return `proposed #${e.proposalId}: ${this.#proposal(e)} (own YES bundled)`
      case 'consensus-reached':
        return `consensus-reached #${e.proposalId}: ${this.#proposal(e)} → ${e.approved ? 'approved' : e.failed ? 'failed (timeout)' : 'rejected'}`
      case 'commit-applied': {
        const batch = (e.batch ?? []).map((b) => {
          const [action, id] = b.split(' ')
          return id ? `${action} ${this.name(id)}` : b
        })
        return `commit-applied epoch ${e.epoch} (by ${this.name(e.by)})${batch.length ? `: ${batch.join(', ')}` : ''}`
      }
      case 'invite':
        return `invite: ${this.name(e.by)} vouches for ${this.name(e.member)} (signed, checked)`
      case 'member-joined':
        return `member-joined ${this.name(e.member)} (epoch ${e.epoch})`
      case 'member-left':
        return `member-left ${this.name(e.member)} (epoch ${e.epoch})`
      case 'leaving':
        return `leaving: our removal was committed at epoch ${e.epoch}; conversation closed`
      case 'welcome-ready':
        return e.reason === 'minted' ? 'welcome-ready (minted the Welcome for the joiners)' : undefined
      case 'fork-healed':
        return `fork-healed at epoch ${e.epoch}`
      case 'rejoined':
        return `re-joined the group's branch at epoch ${e.epoch}`
      case 'stranded':
        return `stranded at epoch ${e.epoch}: ${e.detail}`
      case 'error':
        return `error in ${e.reason}: ${e.error}`
      case 'conversation-created':
        return 'conversation-created'
      case 'conversation-removed':
        return 'conversation-removed'
      default:
        return undefined // membership-notice etc.: implied by the lines above
    }
  }
}
