/**
 * What a run records, from the members' public event streams and the
 * network's traffic counters: a sample of every member's epoch each
 * virtual second, the first sighting of each commit with the packets
 * published since the one before, joins with their latency, healed forks,
 * and a timeline of readable lines.
 */
import type { User, UserEvent } from '@demls/session'
import type { MemoryNetwork } from '@demls/transport-memory'
import { type CommitRecord, CommitLog, type LostCommit } from './commits.js'

export type { CommitRecord, LostCommit } from './commits.js'

/** One timeline line at `t` virtual ms from the start. */
export interface TimelineEntry {
  t: number
  text: string
}

/** A timeline entry as one printed line (the CLI and the report use the same). */
export function timelineLine(e: TimelineEntry): string {
  return `${(e.t / 1000).toFixed(1).padStart(7)} s  ${e.text}`
}

/** A join attempt. */
export interface JoinRecord {
  member: string
  startT: number
  /** When `join` resolved or rejected. */
  endT: number | undefined
  /** The error code (or name) of a failed join. */
  error: string | undefined
}

/** Everything recorded. */
export interface Recording {
  names: string[]
  /** Sample times (ms from the start) and, per sample, each member's epoch (`null` when not in the group). */
  samples: { t: number; epochs: (number | null)[] }[]
  /** The group's commits, one per epoch (the branch most members hold at the end). */
  commits: CommitRecord[]
  /** Commits of branches that lost. */
  lost: LostCommit[]
  joins: JoinRecord[]
  forkHeals: { t: number; member: string; epoch: number }[]
  timeline: TimelineEntry[]
}

/** The `error` of a join that had not ended when the run did. */
export const STILL_JOINING = 'still joining at the end'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Records one run; the simulation calls its methods, the members' events feed it. */
export class Recorder {
  readonly rec: Recording
  readonly #net: MemoryNetwork
  readonly #users: User[]
  readonly #start: number
  readonly #byId = new Map<string, string>()
  readonly #seenProposals = new Set<number>()
  readonly #log = new CommitLog()
  #finished = false

  constructor(net: MemoryNetwork, users: User[], names: string[], conversationId: string) {
    this.#net = net
    this.#users = users
    this.#start = net.clock.now()
    this.rec = { names, samples: [], commits: [], lost: [], joins: [], forkHeals: [], timeline: [] }
    users.forEach((u, i) => {
      this.#byId.set(hex(u.memberId), names[i]!)
      u.events$.subscribe((e) => {
        if (e.conversationId === conversationId) this.#onEvent(names[i]!, e)
      })
    })
  }

  /** Virtual ms since the start. */
  now(): number {
    return this.#net.clock.now() - this.#start
  }

  /** The name behind a member id (`?` for a stranger). */
  nameOf(memberId: Uint8Array): string {
    return this.#byId.get(hex(memberId)) ?? '?'
  }

  /** Work toward the change `key` (`+m5`, `−m2`, `election`, `emergency`) was seen now. */
  mark(key: string): void {
    this.#log.mark(key, this.now(), this.#net.stats().total.published)
  }

  /** Add a timeline line at the current time. */
  note(text: string): void {
    this.rec.timeline.push({ t: this.now(), text })
  }

  /** Sample every member's epoch in `conversationId`. */
  sample(conversationId: string): void {
    const epochs = this.#users.map((u) => {
      const h = u.conversation(conversationId)
      return h === undefined ? null : Number(h.epoch())
    })
    this.rec.samples.push({ t: this.now(), epochs })
  }

  /** A join started; returns the callback that records its end. */
  joinStarted(member: string): (error?: unknown) => void {
    const r: JoinRecord = { member, startT: this.now(), endT: undefined, error: undefined }
    this.rec.joins.push(r)
    this.mark(`+${member}`)
    this.note(`${member} starts joining`)
    return (error) => {
      if (this.#finished) return
      r.endT = this.now()
      if (error === undefined) {
        this.note(`${member} joined after ${((r.endT - r.startT) / 1000).toFixed(1)} s`)
      } else {
        r.error = (error as { code?: string }).code ?? (error as Error).name ?? String(error)
        this.note(`${member}'s join failed after ${((r.endT - r.startT) / 1000).toFixed(1)} s: ${r.error}`)
      }
    }
  }

  /**
   * End the recording: joins still running are marked `still joining`, and
   * every commit becomes a timeline line (its change is known only once
   * every member has reported it); the timeline is sorted by time.
   */
  finish(): void {
    this.#finished = true
    for (const j of this.rec.joins) if (j.endT === undefined) j.error = STILL_JOINING
    const { commits, lost } = this.#log.resolve()
    this.rec.commits = commits
    this.rec.lost = lost
    for (const l of lost) {
      const held = l.heldBy.length === 0 ? 'every member that had it switched' : `still held by ${l.heldBy.join(', ')} at the end`
      this.rec.timeline.push({ t: l.t, text: `epoch ${l.epoch} also committed by ${l.committer} on a branch that lost (${held})` })
    }
    for (const c of this.rec.commits) {
      this.rec.timeline.push({ t: c.t, text: `epoch ${c.epoch} committed by ${c.committer}: ${c.change || 'no membership change'} (${c.packets} packets in ${((c.t - c.startT) / 1000).toFixed(1)} s)` })
    }
    this.rec.timeline.sort((a, b) => a.t - b.t)
  }

  #onEvent(member: string, e: UserEvent): void {
    switch (e.type) {
      case 'commit-applied': {
        const changes = e.batch.flatMap((r) =>
          r.payload === 'stewardElection' ? ['election'] : r.payload === 'emergencyCriteria' ? ['emergency'] : [],
        )
        this.#log.applied(member, Number(e.epoch), this.nameOf(e.committer), this.now(), this.#net.stats().total.published, changes)
        return
      }
      case 'member-joined':
        this.#log.changed(member, Number(e.epoch), `+${this.nameOf(e.memberId)}`)
        return
      case 'member-left':
        this.#log.changed(member, Number(e.epoch), `−${this.nameOf(e.memberId)}`)
        return
      case 'fork-healed':
        this.rec.forkHeals.push({ t: this.now(), member, epoch: Number(e.epoch) })
        this.note(`${member} healed a fork at epoch ${e.epoch}: switched to the group's branch`)
        return
      case 'rejoined':
        this.note(`${member} was welcomed into an abandoned commit: re-joined the group's branch at epoch ${e.epoch}`)
        return
      case 'stranded':
        this.note(`${member} finds its join was on an abandoned commit (${e.attesters} members hold another state): asks to be admitted again`)
        return
      case 'leaving':
        this.#log.retract(member)
        this.note(`${member} learns it is out of the group`)
        return
      case 'vote-requested':
      case 'own-proposal-submitted': {
        const r = e.request
        if (r?.payload === 'memberInvite' && r.memberInvite) this.mark(`+${this.nameOf(r.memberInvite.memberId)}`)
        else if (r?.payload === 'removeMember' && r.removeMember) this.mark(`−${this.nameOf(r.removeMember.memberId)}`)
        else if (r?.payload === 'stewardElection') this.mark('election')
        else if (r?.payload === 'emergencyCriteria') this.mark('emergency')
        return
      }
      case 'consensus-reached': {
        if (e.approved || this.#seenProposals.has(e.proposalId)) return
        this.#seenProposals.add(e.proposalId)
        const what = e.request?.payload ?? 'proposal'
        this.note(`${what} ${e.proposalId} ${e.failed ? 'failed (undecided at the timeout)' : 'rejected'} (seen by ${member})`)
        return
      }
      case 'mode-change':
        this.note(`${member} switches to ${e.mode} mode`)
        return
      default:
    }
  }
}
