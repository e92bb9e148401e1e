import type { ConsensusService } from '@demls/consensus'
import type { MlsService } from '@demls/mls'
import type { PeerScoringPlugin, ScoreOp } from '@demls/scoring'
import type { StewardListService, StewardListSnapshot } from '@demls/steward'
import { type AppMessageInit, type StewardElectionProposal, encodeAppMessage, toHex } from '@demls/wire'
import { FreezeRounds } from '../freeze/candidate-buffer.js'
import { type PrefixEntry, commitPrefix } from '../rules/selection-order.js'
import { CommitEvidenceState } from '../state/commit-evidence.js'
import { BlsBindingBook } from '../state/bls-bindings.js'
import { type ConversationConfig, suspectWindowMs } from './config.js'
import type { ConversationEvent } from './events.js'
import type { ConversationPluginsFactory } from './plugins.js'
import { ConversationQueues } from './queues.js'
import { StateMachine } from './state-machine.js'
import type { BranchPoint } from '../state/branch-point.js'
import { CatchUpState } from '../state/catch-up-state.js'
import { CertificateState } from '../state/certificate-state.js'
import { DeadlineTable, type WakeupSource } from '../state/deadlines.js'
import { LivenessState } from '../state/liveness-state.js'
import { verifyAttestation } from '../join/signing.js'
import { Outbox } from '../state/outbox.js'
import { MembershipState } from '../state/membership-state.js'
import { StewardshipState } from '../state/stewardship-state.js'
import { VotingState } from '../state/voting-state.js'
import { AggregateVoteState } from '../state/aggregate-votes.js'
import { JoinResponderState } from '../state/responder-state.js'
import { HistoryState } from '../state/history-state.js'
import { InvitationBook } from '../state/invitations.js'
import { InviteLinkBook } from '../state/invite-links.js'
import type { ProvisionalJoin } from '../state/provisional-join.js'

/**
 * The whole state of one conversation, shared by the flow modules
 * (`voting/`, `freeze/`, `stewardship/`, `sync/`, `join/`, `epoch/`): our
 * identity, the plug-in services, and named slices, each a class that
 * owns its invariants (`state/` and the flows' own folders). Every data
 * field has a declared fate on a fork switch and in a saved state
 * (`persist/core-fields.ts`). A flow that needs only some slices declares
 * them as its `…Components`. Internal: the public handle is
 * `Conversation`.
 *
 * @internal
 */
export class ConversationCore {
  readonly id: string
  readonly idBytes: Uint8Array
  readonly memberId: Uint8Array
  readonly memberHex: string
  config: ConversationConfig
  readonly plugins: ConversationPluginsFactory
  #mls: MlsService
  /**
   * The MLS group at our epoch. Replaced only through {@link adoptGroup}
   * (our own kept candidate merged, a fork switch, a re-join).
   */
  get mls(): MlsService {
    return this.#mls
  }

  /**
   * Make `mls` our group: a state we kept with our own commit pending
   * (merged after a selection or a replay), the branch point's group that
   * merged the winning commit (a fork switch), or the group of another
   * Welcome (a re-join). The member set cache follows the instance.
   */
  adoptGroup(mls: MlsService): void {
    this.#mls = mls
  }
  readonly consensus: ConsensusService
  readonly steward: StewardListService
  readonly scoring: PeerScoringPlugin
  readonly queues = new ConversationQueues()
  readonly rounds = new FreezeRounds()
  /** Commit log, future-epoch stash and rate limits of the catch-up layer. */
  readonly catchUp = new CatchUpState()
  /** Vote bindings and approval certificates (what lets others verify our replays). */
  readonly certificates = new CertificateState()
  /** Chat kept for members that were away, and our own backfill request (`sync/backfill.ts`). */
  readonly history = new HistoryState()
  /** The valid invitations we hold (admission by invitation, `join/invite.ts`). */
  readonly invitations = new InvitationBook()
  /** The invite links we know of, their revocations and uses (`join/invite-link.ts`). */
  readonly inviteLinks = new InviteLinkBook()
  /** Rate limits and delayed answers of the joiner handshake. */
  readonly joinResponder = new JoinResponderState()
  readonly sm = new StateMachine('working')
  /** Packets to publish and events to report, in order, and the drop counters. */
  readonly outbox = new Outbox()
  /** Auto-votes, vote echoes, our signed votes, timeouts and decoded requests of open proposals, equivocation evidence (`voting/`). */
  readonly voting = new VotingState()
  /** When we last heard from each member, our removals for inactivity, and the attestations whose check can wait. */
  readonly liveness = new LivenessState(
    (a) => verifyAttestation(this.plugins.consensus.signer, this.id, a),
    (a) => {
      this.certificates.keepMerge(a)
      // While we are a provisional joiner, a checked word that a member holds our state confirms us (judged at the next attestation or merge).
      this.provisional?.note(toHex(a.memberId), { epoch: a.epoch, authenticatorHash: a.authenticatorHash }, Number(a.signedAtMs))
    },
  )
  /** Join epochs, membership of recent epochs, our electorate at join. */
  readonly membership = new MembershipState()
  /** Timers of the steward flows (takeover, awaited election). */
  readonly stewardship = new StewardshipState()
  /**
   * The deadline of every wake-up source, written at the end of every
   * step (`conversation/wakeups.ts registerWakeups`); its earliest entry is
   * `nextWakeupAt`.
   */
  readonly wakeups = new DeadlineTable<WakeupSource>()
  /** Set once our removal was merged. */
  left = false
  /** State before the last merge, to heal a fork on the next epoch. */
  branch: BranchPoint | undefined
  /**
   * The branch points of the merges before {@link branch}, newest first (at
   * most `PRIOR_BRANCH_DEPTH`, `epoch/transition.ts`): a member that merged a
   * commit of an epoch the group later settled on another commit, and then
   * went on an epoch or two on its own branch, heals from the one at the
   * fork (`sync/fork.ts branchPointFor`). Memory only: a restart keeps
   * {@link branch} alone.
   */
  priorBranches: BranchPoint[] = []
  /** While we joined and no majority has confirmed our state yet: what lets us re-join another branch (`join/rewelcome.ts`). */
  provisional: ProvisionalJoin | undefined
  /**
   * The latest time the conversation was given (ms). Read only by
   * `Conversation` (its public queries, the wake-up table at the end of a
   * step, the save): flows and the derived views below take the call's time
   * as a positional `now` (`test/time-source.test.ts`).
   */
  now = 0
  /** Commits each committer sent at our epoch, and proofs of two with the same changes (`freeze/commit-equivocation.ts`). */
  readonly commitEvidence = new CommitEvidenceState()
  /** The members' aggregation key bindings (a group whose consensus plug-in aggregates votes; `voting/aggregation.ts`). */
  readonly blsBindings = new BlsBindingBook()
  /** Aggregated voting: collected votes, proven outcomes, backup proofs (`voting/aggregate-votes.ts`). */
  readonly aggregate = new AggregateVoteState()

  constructor(init: {
    id: string
    memberId: Uint8Array
    config: ConversationConfig
    plugins: ConversationPluginsFactory
    mls: MlsService
    consensus: ConsensusService
    steward: StewardListService
    scoring: PeerScoringPlugin
  }) {
    this.id = init.id
    this.idBytes = new TextEncoder().encode(init.id)
    this.memberId = init.memberId
    this.memberHex = toHex(init.memberId)
    this.config = init.config
    this.plugins = init.plugins
    this.#mls = init.mls
    this.consensus = init.consensus
    this.steward = init.steward
    this.scoring = init.scoring
  }

  emit(event: ConversationEvent): void {
    this.outbox.emit(event, this.epoch())
  }

  error(operation: string, err: unknown): void {
    this.emit({ type: 'error', operation, error: err instanceof Error ? err : new Error(String(err)) })
  }

  /** Queue a plaintext AppMessage on the app channel. */
  sendPlain(message: AppMessageInit): void {
    const payload = encodeAppMessage(message)
    const control = message.demlsControl
    const kind = control == null ? Object.keys(message).find((k) => (message as Record<string, unknown>)[k] != null) : `control:${Object.keys(control).find((k) => (control as Record<string, unknown>)[k] != null)}`
    this.outbox.countSent(`plain:${kind ?? 'empty'}`, payload.length)
    this.outbox.packets.push({ subtopic: 'app', payload })
  }

  /** Encrypt an AppMessage for the current epoch and queue it (on the app channel unless `subtopic` says otherwise). */
  async sendEncrypted(message: AppMessageInit, options: { retryUnreached?: boolean; subtopic?: 'app' | 'votes' } = {}): Promise<void> {
    const kind = Object.keys(message).find((k) => k !== 'demlsVoteBindings' && (message as Record<string, unknown>)[k] != null) ?? 'empty'
    await this.sendEncryptedBytes(encodeAppMessage(message), { ...options, kind })
  }

  /** Encrypt an encoded AppMessage for the current epoch and queue it (see {@link sendEncrypted}); `kind` labels it in `outbox.sentByKind`. */
  async sendEncryptedBytes(encoded: Uint8Array, options: { retryUnreached?: boolean; subtopic?: 'app' | 'votes'; kind?: string } = {}): Promise<void> {
    const ciphertext = await this.mls.encrypt(encoded)
    this.outbox.countSent(options.kind ?? 'unlabelled', ciphertext.length)
    this.outbox.packets.push({ subtopic: options.subtopic ?? 'app', payload: ciphertext, ...(options.retryUnreached === true ? { retryUnreached: true } : {}) })
  }

  epoch(): bigint {
    return this.mls.epoch()
  }

  /** The member set of {@link memberSet} and the leaf count of {@link memberCount}, cached for one MLS instance and epoch. */
  #members: { mls: MlsService; epoch: bigint; set: ReadonlySet<string>; count: number } | undefined

  /**
   * The current MLS members (hex). Membership changes only with the epoch
   * (a merge) or with the MLS instance (a fork switch), so the set is built
   * once per epoch and instance, not on every packet.
   */
  memberSet(): ReadonlySet<string> {
    return this.#memberCache().set
  }

  /** How many members the MLS group lists (`mls.members().length`), from the same per-epoch cache as {@link memberSet}. */
  memberCount(): number {
    return this.#memberCache().count
  }

  #memberCache(): { set: ReadonlySet<string>; count: number } {
    const epoch = this.mls.epoch()
    const cached = this.#members
    if (cached !== undefined && cached.mls === this.mls && cached.epoch === epoch) return cached
    const members = this.mls.members()
    const fresh = { mls: this.mls, epoch, set: new Set(members.map(toHex)) as ReadonlySet<string>, count: members.length }
    this.#members = fresh
    return fresh
  }

  isMemberHex(hex: string): boolean {
    return this.memberSet().has(hex)
  }

  /** Members with an approved removal queued. */
  approvedRemovalTargets(): Set<string> {
    const out = new Set<string>()
    for (const r of this.queues.approved.values()) {
      if (r.payload === 'removeMember' && r.removeMember) out.add(toHex(r.removeMember.memberId))
    }
    return out
  }

  /** Live-rotation eligibility: an MLS member with no approved removal. */
  eligibility(): (id: Uint8Array) => boolean {
    const members = this.memberSet()
    const removing = this.approvedRemovalTargets()
    return (id) => {
      const h = toHex(id)
      return members.has(h) && !removing.has(h)
    }
  }

  /**
   * The epoch steward every member computes alike (installed list, MLS
   * members, approved removals). Candidate selection orders by it, so it
   * must not depend on local observations.
   */
  epochSteward(): Uint8Array | undefined {
    return this.steward.epochSteward(this.epoch(), this.eligibility())
  }

  /** Whether we have not heard from `hex` for the suspect window (never true for us). */
  isSuspect(hex: string, now: number): boolean {
    if (hex === this.memberHex) return false
    const window = suspectWindowMs(this.config, this.memberCount())
    const seen = this.liveness.seenAt(hex, now, window)
    return seen !== undefined && now - seen >= window
  }

  /**
   * Beyond the reference: the steward that acts as epoch steward here (it
   * commits after the batching window, proposes buffered updates, answers
   * probes first). The {@link epochSteward}, unless we have not heard from
   * it for the suspect window: then the next steward in rotation we have
   * heard from, so a dead steward does not cost every epoch it rotates
   * onto an inactivity window. Local: members that disagree only differ
   * in timing (who commits first); candidate order uses the shared
   * {@link epochSteward}.
   */
  actingEpochSteward(now: number): Uint8Array | undefined {
    const canonical = this.epochSteward()
    if (canonical === undefined || !this.isSuspect(toHex(canonical), now)) return canonical
    return this.steward.epochSteward(this.epoch(), this.actingEligibility(now))
  }

  /**
   * The acting epoch steward ({@link actingEpochSteward}) and the steward
   * that would act after it (the next eligible steward in rotation we have
   * heard from lately). What `memberRoles` reports.
   */
  actingStewards(now: number): { epochSteward: Uint8Array | undefined; backup: Uint8Array | undefined } {
    return this.steward.epochAndBackup(this.epoch(), this.actingEligibility(now))
  }

  /** {@link eligibility} minus the members we have not heard from for the suspect window. */
  actingEligibility(now: number): (id: Uint8Array) => boolean {
    const eligible = this.eligibility()
    return (id) => eligible(id) && !this.isSuspect(toHex(id), now)
  }

  isEpochSteward(now: number): boolean {
    const s = this.actingEpochSteward(now)
    return s !== undefined && toHex(s) === this.memberHex
  }

  /**
   * Whether a steward election for the current epoch (or a later one) is
   * still open here, or one our list requires has not arrived yet (see
   * `StewardshipState.awaitedElection`): until then our steward list
   * may be stale.
   */
  electionOpen(): boolean {
    return this.stewardship.awaitedElection?.epoch === this.epoch() || this.electionProposed()
  }

  /** Whether a steward election proposal for the current epoch (or a later one) is open here (not resolved yet). */
  electionProposed(): boolean {
    const epoch = this.epoch()
    for (const e of this.openElections()) if (e.electionEpoch >= epoch) return true
    return false
  }

  /** The steward elections proposed here and not resolved yet, whatever their epoch. */
  *openElections(): Generator<StewardElectionProposal> {
    for (const [id, r] of this.voting.requests) {
      if (r?.payload === 'stewardElection' && r.stewardElection !== undefined && !this.queues.resolved.has(id)) yield r.stewardElection
    }
  }

  /** The steward list service's snapshot (what a branch point and a saved state keep), or `undefined` while no list is installed. */
  stewardSnapshot(): StewardListSnapshot | undefined {
    return this.steward.currentList() === undefined ? undefined : this.steward.snapshot()
  }

  /** On the current list (exhausted lists still count), or anyone in recovery. */
  mayCommit(): boolean {
    return this.sm.mode === 'recovery' || this.steward.isSteward(this.memberId)
  }

  /** The work the next commit must carry (deviation 2). */
  prefix(): PrefixEntry[] {
    const members = this.memberSet()
    return commitPrefix({
      approved: this.queues.approvedMlsWork(),
      isMember: (h) => members.has(h),
      urgentTarget: this.queues.urgentTarget,
      max: this.config.commitBatchMax,
    })
  }

  /** Apply score ops, tolerating untracked members. */
  applyScores(ops: ScoreOp[]): void {
    if (ops.length > 0) this.scoring.applyOps(ops)
  }

  /** The phase-change event for the current state. */
  phaseChanged(): void {
    this.emit({ type: 'phase-change', state: this.sm.state, mode: this.sm.mode })
  }
}
