import { type AbortOptions, type ViolationEvidenceInit, throwIfAborted } from '@demls/wire'
import { type Observable, defer, filter, map, startWith } from 'rxjs'
import type { Conversation } from '../conversation/conversation.js'
import type { ApprovedProposal, FreezeCandidateCount, MemberRole, MemberRoleEntry } from '../conversation/queries.js'
import type { ConversationState, OperatingMode } from '../core/state-machine.js'
import { UserStoppedError } from '../errors.js'
import type { CreatedInviteLink, InviteLinkInfo, InviteLinkOptions } from '../join/invite-link.js'
import { type KnockInfo, decline, letIn, openKnocks } from '../join/knock.js'
import { KNOCK_DROP_REASONS, type KnockDropReason } from '../state/knocks.js'
import type { ChatMessage, HandleOwner, UserEvent } from './types.js'


/**
 * A conversation as seen through its `User`: the `Conversation` API
 * without the `now` parameters (the user's clock supplies them), plus RxJS
 * streams. Every call publishes what it produced.
 *
 * Every action takes a trailing `{ signal }`: an aborted signal rejects
 * with `AbortError` before any work, and an abort while the call waits
 * for the conversation (calls run one at a time) rejects without running
 * it. After `user.stop()` every action rejects with `UserStoppedError`.
 *
 * @example
 * ```ts
 * import { type ConversationHandle, User } from '@demls/session'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * const alice = await User.create({ privateKey: crypto.getRandomValues(new Uint8Array(32)), transport: net.createTransport('alice'), clock: net.clock })
 * const chat: ConversationHandle = await alice.createConversation('chat')
 * chat.members$.subscribe((members) => console.log(`${members.length} members`))
 * await chat.sendMessage(new TextEncoder().encode('hello'))
 * ```
 */
export class ConversationHandle {
  readonly #conv: Conversation
  readonly #user: HandleOwner
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
  constructor(conv: Conversation, user: HandleOwner, after: (work: Promise<unknown>) => Promise<unknown>) {
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
        filter((e) => e.type === 'commit-applied' || e.type === 'rejoined'),
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

  /** Refuse after `stop()` or on an aborted signal, else run `work` (at once) and publish what it produced. */
  async #do<T>(operation: string, options: AbortOptions | undefined, work: (now: number) => Promise<T>): Promise<T> {
    if (this.#user.isStopped) throw new UserStoppedError(operation)
    throwIfAborted(options?.signal)
    try {
      return await work(this.#user.clock.now())
    } finally {
      await this.#after(Promise.resolve())
    }
  }

  /**
   * Send an encrypted chat message.
   *
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the message is sent
   */
  sendMessage(body: Uint8Array, options?: AbortOptions): Promise<void> {
    return this.#do('sendMessage', options, (now) => this.#conv.sendMessage(body, now, options))
  }

  /**
   * Propose adding the owner of a key package (our YES bundled); resolves the proposal id.
   *
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the proposal is made
   */
  addMember(keyPackage: Uint8Array, options?: AbortOptions): Promise<number | undefined> {
    return this.#do('addMember', options, (now) => this.#conv.addMember(keyPackage, now, options))
  }

  /**
   * Vouch for `memberId` joining: a signed invitation every member checks
   * and keeps for 24 hours; under the default `admission: 'invite'` the
   * invitee's join proposal is then approved by the members' automatic
   * votes. Resolves when the invitation expires (ms). While the group
   * changes epoch the invitation waits and is sent when it works again
   * (like `sendMessage`). See {@link Conversation.invite}.
   *
   * @example
   * ```ts
   * import type { ConversationHandle, User } from '@demls/session'
   * declare const chat: ConversationHandle
   * declare const bob: User
   * await chat.invite(bob.memberId)
   * await bob.join('chat')
   * ```
   *
   * @throws {InvalidArgumentError} when `memberId` is empty or longer than 64 bytes
   * @throws {AlreadyMemberError} when `memberId` is already a member
   * @throws {InvitationLimitError} when we already have 64 open invitations (or the members hold 2048): wait until invitees join
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the invitation is sent (also while it waits for the epoch change)
   */
  invite(memberId: Uint8Array, options?: AbortOptions): Promise<number> {
    return this.#do('invite', options, (now) => this.#conv.invite(memberId, now, options))
  }

  /**
   * Create an invite link: one string (`demls:` and base64url, a few
   * hundred characters) that whoever holds it can join with
   * (`User.joinByLink`), `uses` times (default 1), until it expires (default
   * in 7 days, at most 30), or until it is revoked or we leave. A bearer
   * capability: hand it only to whom you would invite. `addresses` (for
   * now, multiaddr strings the caller gives) tell the joiner where to reach
   * the group; they are signed into the link. See
   * {@link Conversation.createInviteLink}.
   *
   * @example
   * ```ts
   * import type { ConversationHandle, User } from '@demls/session'
   * declare const chat: ConversationHandle
   * declare const bob: User
   * const { link } = await chat.createInviteLink({ uses: 1, expiresInMs: 24 * 60 * 60 * 1000 })
   * // hand `link` to bob (a chat, an e-mail, a QR code); then:
   * const joined = await bob.joinByLink(link)
   * ```
   *
   * @throws {InvalidArgumentError} on `uses`, `expiresInMs` or `addresses` out of bounds
   * @throws {InviteLinkLimitError} when we already have 16 open links (or the members hold 256)
   * @throws {ConversationBlockedError} while the group changes epoch
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the link is created
   */
  createInviteLink(options: InviteLinkOptions = {}): Promise<CreatedInviteLink> {
    return this.#do('createInviteLink', options, (now) => this.#conv.createInviteLink(now, options))
  }

  /**
   * The open invite links of the group we know of, with their uses. See {@link Conversation.inviteLinks}.
   *
   * @example
   * ```ts
   * import type { ConversationHandle } from '@demls/session'
   * declare const chat: ConversationHandle
   * for (const l of chat.inviteLinks()) console.log(`${l.id}: ${l.used} of ${l.uses} used`)
   * ```
   */
  inviteLinks(): InviteLinkInfo[] {
    return this.#conv.inviteLinks(this.#user.clock.now())
  }

  /**
   * Revoke an open invite link for the whole group (any member may). See {@link Conversation.revokeInviteLink}.
   *
   * @example
   * ```ts
   * import type { ConversationHandle } from '@demls/session'
   * declare const chat: ConversationHandle
   * for (const l of chat.inviteLinks()) await chat.revokeInviteLink(l.id)
   * ```
   *
   * @throws {UnknownInviteLinkError} when no open link has this id
   * @throws {ConversationBlockedError} while the group changes epoch
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the revocation is sent
   */
  revokeInviteLink(id: string, options?: AbortOptions): Promise<void> {
    return this.#do('revokeInviteLink', options, (now) => this.#conv.revokeInviteLink(id, now, options))
  }

  /**
   * The open knocks of outsiders asking to be let in (see `User.knock`),
   * least recently re-sent first: id, knocker, note, expiry. Held in
   * memory, at most 128 (and 512 KiB); a `knock` event announces each.
   *
   * @example
   * ```ts
   * import type { ConversationHandle } from '@demls/session'
   * import { toHex } from '@demls/wire'
   * declare const chat: ConversationHandle
   * for (const k of chat.knocks()) console.log(`${k.id}: ${toHex(k.knocker)} says ${k.note}`)
   * ```
   */
  knocks(): KnockInfo[] {
    const desk = this.#user.knockDesk(this.id)
    return desk === undefined ? [] : openKnocks(desk, this.#user.clock.now())
  }

  /**
   * Knock packets dropped so far, by reason (a flood is counted, never
   * reported one event per packet).
   *
   * @example
   * ```ts
   * import type { ConversationHandle } from '@demls/session'
   * declare const chat: ConversationHandle
   * const { 'bad-signature': forged, budget } = chat.knockDrops()
   * console.log(`${forged} forged knocks, ${budget} over the signature budget`)
   * ```
   */
  knockDrops(): Record<KnockDropReason, number> {
    const desk = this.#user.knockDesk(this.id)
    const out = Object.fromEntries(KNOCK_DROP_REASONS.map((r) => [r, 0])) as Record<KnockDropReason, number>
    return desk === undefined ? out : { ...out, ...desk.book.drops }
  }

  /**
   * Let a knocker in: invite it (`invite`, so the group's usual admission
   * vote runs when it announces; queued through an epoch change like
   * `invite`), then send it our signed LET_IN and relay its key package as
   * its announcement. `who` is the knock's id or the knocker's member id
   * (hex, `0x` optional). Resolves the knocker's member id.
   *
   * @example
   * ```ts
   * import type { ConversationHandle } from '@demls/session'
   * declare const chat: ConversationHandle
   * chat.events$.subscribe((e) => {
   *   if (e.type === 'knock' && e.note.includes('alice knows me')) void chat.letIn(e.id)
   * })
   * ```
   *
   * @throws {UnknownKnockError} when no open knock has this id or knocker (expired, evicted, answered)
   * @throws {InvitationLimitError} when we hold too many open invitations
   * @throws {AlreadyMemberError} when the knocker is a member already
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the invitation is sent
   */
  letIn(who: string, options?: AbortOptions): Promise<Uint8Array> {
    return this.#do('letIn', options, async () => {
      const desk = this.#user.knockDesk(this.id)
      if (desk === undefined) throw new UserStoppedError('letIn')
      return letIn(
        desk,
        who,
        async (memberId) => {
          await this.invite(memberId, options)
          // The invitation goes out before our answer and the relayed announcement.
          await this.#user.published()
        },
        () => this.#user.clock.now(),
      )
    })
  }

  /**
   * Decline a knock: a signed DECLINED answer; the knocker's `knock` fails
   * with `KnockRefusedError` (`knock-declined`), and the other members
   * close it. `who` as for {@link ConversationHandle.letIn}. Resolves the
   * knocker's member id.
   *
   * @example
   * ```ts
   * import type { ConversationHandle } from '@demls/session'
   * declare const chat: ConversationHandle
   * for (const k of chat.knocks()) if (k.note === '') await chat.decline(k.id)
   * ```
   *
   * @throws {UnknownKnockError} when no open knock has this id or knocker
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` is aborted
   */
  decline(who: string, options?: AbortOptions): Promise<Uint8Array> {
    return this.#do('decline', options, async (now) => {
      const desk = this.#user.knockDesk(this.id)
      if (desk === undefined) throw new UserStoppedError('decline')
      return decline(desk, who, now)
    })
  }

  /**
   * Propose removing a member (our YES bundled); resolves the proposal id.
   *
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the proposal is made
   */
  removeMember(memberId: Uint8Array, options?: AbortOptions): Promise<number | undefined> {
    return this.#do('removeMember', options, (now) => this.#conv.removeMember(memberId, now, options))
  }

  /**
   * Vote on an open proposal.
   *
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the vote is cast
   */
  vote(proposalId: number, choice: boolean, options?: AbortOptions): Promise<void> {
    return this.#do('vote', options, (now) => this.#conv.vote(proposalId, choice, now, options))
  }

  /**
   * File an Emergency Criteria Proposal (our YES bundled); resolves the proposal id.
   *
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the proposal is made
   */
  submitEmergency(evidence: ViolationEvidenceInit, options?: AbortOptions): Promise<number> {
    return this.#do('submitEmergency', options, (now) => this.#conv.submitEmergency(evidence, now, options))
  }

  /**
   * Leave the conversation (self-removal).
   *
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the proposal is made
   */
  leave(options?: AbortOptions): Promise<boolean> {
    return this.#do('leave', options, (now) => this.#conv.leave(now, options))
  }

  /**
   * Ask the group to regenerate the steward list: opens a steward election
   * (our YES bundled) instead of the reference's unvoted local install.
   * Resolves the proposal id, or `undefined` when an election is open.
   *
   * @throws {UserStoppedError} after `user.stop()`
   * @throws {AbortError} when `options.signal` aborts before the election is opened
   */
  regenerateStewardList(options?: AbortOptions): Promise<number | undefined> {
    return this.#do('regenerateStewardList', options, (now) => this.#conv.regenerateStewardList(now, options))
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
