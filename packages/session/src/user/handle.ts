import type { ViolationEvidenceInit } from '@demls/wire'
import { type Observable, defer, filter, map, startWith } from 'rxjs'
import type { Conversation } from '../conversation/conversation.js'
import type { ApprovedProposal, FreezeCandidateCount, MemberRole, MemberRoleEntry } from '../conversation/queries.js'
import type { ConversationState, OperatingMode } from '../conversation/state-machine.js'
import type { ChatMessage, User, UserEvent } from './user.js'

/**
 * A conversation as seen through its {@link User}: the `Conversation` API
 * without the `now` parameters (the user's clock supplies them), plus RxJS
 * streams. Every call publishes what it produced.
 */
export class ConversationHandle {
  readonly #conv: Conversation
  readonly #user: User
  readonly #after: (work: Promise<unknown>) => Promise<unknown>
  /** This conversation's events. */
  readonly events$: Observable<UserEvent>
  /** Decrypted chat messages. */
  readonly messages$: Observable<ChatMessage>
  /** Phase changes, starting with the current phase. */
  readonly phase$: Observable<ConversationState>
  /** Member list after every change, starting with the current one. */
  readonly members$: Observable<Uint8Array[]>
  /** Operating mode changes (`normal` ↔ `recovery`), starting with the current mode. */
  readonly mode$: Observable<OperatingMode>

  /** @internal */
  constructor(conv: Conversation, user: User, after: (work: Promise<unknown>) => Promise<unknown>) {
    this.#conv = conv
    this.#user = user
    this.#after = after
    this.events$ = user.eventsOf(conv.id)
    this.messages$ = user.messages$.pipe(filter((m) => m.conversationId === conv.id))
    // `defer`: each subscriber starts with the value current when it subscribes, not at construction.
    this.phase$ = defer(() =>
      this.events$.pipe(
        filter((e): e is Extract<UserEvent, { type: 'phase-change' }> => e.type === 'phase-change'),
        map((e) => e.state),
        startWith(conv.state()),
      ),
    )
    this.members$ = defer(() =>
      this.events$.pipe(
        filter((e) => e.type === 'commit-applied'),
        map(() => conv.members()),
        startWith(conv.members()),
      ),
    )
    this.mode$ = defer(() =>
      this.events$.pipe(
        filter((e): e is Extract<UserEvent, { type: 'mode-change' }> => e.type === 'mode-change'),
        map((e) => e.mode),
        startWith(conv.mode()),
      ),
    )
  }

  /** The conversation id. */
  get id(): string {
    return this.#conv.id
  }

  /** The underlying sans-I/O conversation. */
  get conversation(): Conversation {
    return this.#conv
  }

  async #do<T>(work: Promise<T>): Promise<T> {
    try {
      return await work
    } finally {
      await this.#after(Promise.resolve())
    }
  }

  /** Send an encrypted chat message. */
  sendMessage(body: Uint8Array): Promise<void> {
    return this.#do(this.#conv.sendMessage(body, this.#user.clock.now()))
  }

  /** Propose adding the owner of a key package (our YES bundled); resolves the proposal id. */
  addMember(keyPackage: Uint8Array): Promise<number | undefined> {
    return this.#do(this.#conv.addMember(keyPackage, this.#user.clock.now()))
  }

  /** Propose removing a member (our YES bundled); resolves the proposal id. */
  removeMember(memberId: Uint8Array): Promise<number | undefined> {
    return this.#do(this.#conv.removeMember(memberId, this.#user.clock.now()))
  }

  /** Vote on an open proposal. */
  vote(proposalId: number, choice: boolean): Promise<void> {
    return this.#do(this.#conv.vote(proposalId, choice, this.#user.clock.now()))
  }

  /** File an Emergency Criteria Proposal (our YES bundled); resolves the proposal id. */
  submitEmergency(evidence: ViolationEvidenceInit): Promise<number> {
    return this.#do(this.#conv.submitEmergency(evidence, this.#user.clock.now()))
  }

  /** Leave the conversation (self-removal). */
  leave(): Promise<boolean> {
    return this.#do(this.#conv.leave(this.#user.clock.now()))
  }

  /**
   * Ask the group to regenerate the steward list: opens a steward election
   * (our YES bundled) instead of the reference's unvoted local install.
   * Resolves the proposal id, or `undefined` when an election is open.
   */
  regenerateStewardList(): Promise<number | undefined> {
    return this.#do(this.#conv.regenerateStewardList(this.#user.clock.now()))
  }

  /** Every current member with its role in this epoch, in leaf order. */
  memberRoles(): MemberRoleEntry[] {
    return this.#conv.memberRoles()
  }

  /** The role of `memberId` (default: ours), or `undefined` when it is not a member. */
  role(memberId?: Uint8Array): MemberRole | undefined {
    return this.#conv.role(memberId)
  }

  /** Whether recovery mode is on. */
  isInRecoveryMode(): boolean {
    return this.#conv.isInRecoveryMode()
  }

  /** Freeze-round progress: candidates received for this epoch and expected. */
  freezeCandidateCount(): FreezeCandidateCount {
    return this.#conv.freezeCandidateCount()
  }

  /** Members whose self-leave is approved but not committed yet. */
  pendingLeaves(): Uint8Array[] {
    return this.#conv.pendingLeaves()
  }

  /** The approved add/remove work of this epoch, with proposal ids and whether the next commit carries it. */
  approvedProposals(): ApprovedProposal[] {
    return this.#conv.approvedProposals()
  }

  /** Current members. */
  members(): Uint8Array[] {
    return this.#conv.members()
  }

  /** Current MLS epoch. */
  epoch(): bigint {
    return this.#conv.epoch()
  }

  /** Current epoch authenticator. */
  epochAuthenticator(): Uint8Array {
    return this.#conv.epochAuthenticator()
  }

  /** Current phase. */
  state(): ConversationState {
    return this.#conv.state()
  }
}
