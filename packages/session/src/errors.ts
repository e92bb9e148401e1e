import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * Options of the {@link InvalidConfigError} constructor.
 *
 * @example
 * ```ts
 * import { InvalidConfigError, type InvalidConfigErrorOptions } from '@demls/session'
 * const options: InvalidConfigErrorOptions = { field: 'commitInactivityMs', details: 'must be positive' }
 * throw new InvalidConfigError('commitInactivityMs must be positive', options)
 * ```
 */
export interface InvalidConfigErrorOptions extends DemlsErrorOptions {
  /** The offending configuration field (dotted for nested ones, e.g. `stewardList.snMin`). */
  field?: string
}

/**
 * A {@link ConversationConfig} value is missing its type, out of range, or
 * an unknown key. Code `INVALID_CONFIG`.
 *
 * @example
 * ```ts
 * import { InvalidConfigError, resolveConfig } from '@demls/session'
 * try {
 *   resolveConfig({ stewardList: { snMin: 4, snMax: 2 } })
 * } catch (err) {
 *   if (err instanceof InvalidConfigError) console.log(err.field, err.shortMessage)
 * }
 * ```
 */
export class InvalidConfigError extends DemlsError {
  /** The offending field (`stewardList.snMin` for nested ones), when one is to blame. */
  readonly field: string | undefined

  constructor(message: string, options: InvalidConfigErrorOptions = {}) {
    super(message, 'INVALID_CONFIG', options)
    this.name = 'InvalidConfigError'
    this.field = options.field
  }
}

/**
 * An option of `UserInit` is missing or unusable (`transport`,
 * `clock`, `random`, `plugins`, or the options object itself). Code
 * `INVALID_USER_INIT`.
 *
 * @example
 * ```ts
 * import { InvalidUserInitError, User } from '@demls/session'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * const init = { privateKey: crypto.getRandomValues(new Uint8Array(32)), transport: net.createTransport('a'), clock: net.clock, random: 42 }
 * await User.create(init as never).catch((err) => {
 *   if (err instanceof InvalidUserInitError) console.log(err.field) // 'random'
 * })
 * ```
 */
export class InvalidUserInitError extends DemlsError {
  /** The offending field of `UserInit`. */
  readonly field: string

  constructor(field: string, reason: string) {
    super(`User.create: ${field} ${reason}`, 'INVALID_USER_INIT')
    this.name = 'InvalidUserInitError'
    this.field = field
  }
}

/**
 * The private key given to `User.create` is not 32 bytes of a valid
 * secp256k1 scalar (non-zero, below the curve order). Code
 * `INVALID_PRIVATE_KEY`.
 *
 * @example
 * ```ts
 * import { InvalidPrivateKeyError, User } from '@demls/session'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * await User.create({ privateKey: new Uint8Array(32), transport: net.createTransport('a'), clock: net.clock }).catch((err) => {
 *   if (err instanceof InvalidPrivateKeyError) console.log(err.shortMessage) // zero is not a secp256k1 key
 * })
 * ```
 */
export class InvalidPrivateKeyError extends DemlsError {
  /** Always `privateKey`. */
  readonly field = 'privateKey'

  constructor(reason: string) {
    super(`User.create: privateKey ${reason}`, 'INVALID_PRIVATE_KEY')
    this.name = 'InvalidPrivateKeyError'
  }
}

/**
 * A conversation id is unusable: not a string, empty, too long, or with a
 * character that does not belong in a topic `/{id}/1/app_msg/proto`
 * (`/`, whitespace, control characters, lone surrogates). Code
 * `INVALID_CONVERSATION_ID`.
 *
 * @example
 * ```ts
 * import { InvalidConversationIdError, assertConversationId } from '@demls/session'
 * try {
 *   assertConversationId('')
 * } catch (err) {
 *   if (err instanceof InvalidConversationIdError) console.log(err.code) // 'INVALID_CONVERSATION_ID'
 * }
 * ```
 */
export class InvalidConversationIdError extends DemlsError {
  /** The refused id (as given). */
  readonly conversationId: unknown

  constructor(conversationId: unknown, reason: string) {
    const shown = typeof conversationId === 'string' ? JSON.stringify(conversationId) : String(conversationId)
    super(`invalid conversation id ${shown}: ${reason}`, 'INVALID_CONVERSATION_ID')
    this.name = 'InvalidConversationIdError'
    this.conversationId = conversationId
  }
}

/**
 * `createConversation` for an id we already created, joined, or are
 * joining. Code `CONVERSATION_EXISTS`.
 *
 * @example
 * ```ts
 * import { ConversationExistsError, type User } from '@demls/session'
 * declare const alice: User
 * await alice.createConversation('chat')
 * await alice.createConversation('chat').catch((err) => {
 *   if (err instanceof ConversationExistsError) console.log(err.state) // 'member'
 * })
 * ```
 */
export class ConversationExistsError extends DemlsError {
  /** The conversation id. */
  readonly conversationId: string
  /** `member` when we are in it, `joining` when a join is in flight, `creating` when a creation is. */
  readonly state: 'member' | 'joining' | 'creating'

  constructor(conversationId: string, state: 'member' | 'joining' | 'creating') {
    const why = state === 'member' ? 'we are already a member' : state === 'joining' ? 'a join is in progress' : 'it is being created'
    super(`conversation ${conversationId} already exists (${why})`, 'CONVERSATION_EXISTS')
    this.name = 'ConversationExistsError'
    this.conversationId = conversationId
    this.state = state
  }
}

/**
 * A call on a `User` (or one of its handles) after `user.stop()`. Code `USER_STOPPED`.
 *
 * @example
 * ```ts
 * import { type User, UserStoppedError } from '@demls/session'
 * declare const alice: User
 * await alice.stop()
 * await alice.createConversation('chat').catch((err) => {
 *   if (err instanceof UserStoppedError) console.log(err.operation)
 * })
 * ```
 */
export class UserStoppedError extends DemlsError {
  /** The refused operation, e.g. `createConversation`. */
  readonly operation: string

  constructor(operation: string) {
    super(`cannot ${operation}: the user is stopped`, 'USER_STOPPED')
    this.name = 'UserStoppedError'
    this.operation = operation
  }
}

/**
 * The operation is not allowed in the conversation's current state.
 *
 * @example
 * ```ts
 * import { ConversationBlockedError, type ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * await chat.removeMember(new Uint8Array(20).fill(2)).catch((err) => {
 *   if (err instanceof ConversationBlockedError) console.log(`try again after ${err.state}`)
 * })
 * ```
 */
export class ConversationBlockedError extends DemlsError {
  /** The state that blocked the operation. */
  readonly state: string

  constructor(operation: string, state: string) {
    super(`cannot ${operation} while ${state}`, 'CONVERSATION_BLOCKED')
    this.name = 'ConversationBlockedError'
    this.state = state
  }
}

/**
 * A chat message could not wait for the epoch change in flight: the send
 * queue already holds `ConversationConfig.sendQueueMax` messages or
 * `sendQueueMaxBytes` bytes. Retry once the group is working again.
 *
 * @example
 * ```ts
 * import { type ConversationHandle, SendQueueFullError } from '@demls/session'
 * declare const chat: ConversationHandle
 * await chat.sendMessage(new TextEncoder().encode('hi')).catch((err) => {
 *   if (err instanceof SendQueueFullError) console.log(`${err.queued} messages wait for the epoch change`)
 * })
 * ```
 */
export class SendQueueFullError extends DemlsError {
  /** Messages waiting when this one was refused. */
  readonly queued: number

  constructor(queued: number, bytes: number) {
    super(`the send queue is full (${queued} message(s), ${bytes} bytes wait for the epoch change)`, 'SEND_QUEUE_FULL')
    this.name = 'SendQueueFullError'
    this.queued = queued
  }
}

/**
 * Minting or merging a commit failed (reported as an `error` event; the
 * conversation keeps working and retries on the next freeze round). The
 * MLS layer's error is the `cause`: an expired key package, a commit the
 * MLS library refused, a stalled crypto call.
 *
 * @example
 * ```ts
 * import { CommitFailedError, type ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * chat.events$.subscribe((e) => {
 *   if (e.type === 'error' && e.error instanceof CommitFailedError) console.log(e.error.stage, e.error.epoch)
 * })
 * ```
 */
export class CommitFailedError extends DemlsError {
  /** Which step failed: minting our candidate, merging it, or merging a peer's staged commit. */
  readonly stage: 'mint' | 'merge-own' | 'merge-staged'
  /** The epoch the commit was for. */
  readonly epoch: bigint

  constructor(stage: 'mint' | 'merge-own' | 'merge-staged', epoch: bigint, cause: unknown) {
    const why = cause instanceof DemlsError ? cause.shortMessage : cause instanceof Error ? cause.message : String(cause)
    super(`could not ${stage === 'mint' ? 'mint a commit' : 'merge a commit'} at epoch ${epoch}: ${why}`, 'COMMIT_FAILED', { cause })
    this.name = 'CommitFailedError'
    this.stage = stage
    this.epoch = epoch
  }
}

/**
 * An emergency proposal is open, so lower-priority proposals are refused.
 *
 * @example
 * ```ts
 * import { type ConversationHandle, PartialFreezeError } from '@demls/session'
 * declare const chat: ConversationHandle
 * await chat.removeMember(new Uint8Array(20).fill(2)).catch((err) => {
 *   if (err instanceof PartialFreezeError) console.log('an emergency vote is open; retry after it')
 * })
 * ```
 */
export class PartialFreezeError extends DemlsError {
  constructor(kind: string) {
    super(`a ${kind} proposal is refused while an emergency proposal is open`, 'PARTIAL_FREEZE')
    this.name = 'PartialFreezeError'
  }
}

/**
 * A `ConversationSync` is structurally invalid (the reference's hard errors).
 *
 * @example
 * ```ts
 * import { InvalidSyncError, type ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * chat.events$.subscribe((e) => {
 *   if (e.type === 'dropped' && e.error instanceof InvalidSyncError) console.log('bad sync packet:', e.error.shortMessage)
 * })
 * ```
 */
export class InvalidSyncError extends DemlsError {
  constructor(reason: string) {
    super(`invalid conversation sync: ${reason}`, 'INVALID_SYNC')
    this.name = 'InvalidSyncError'
  }
}

/**
 * A joiner's protocol plug-ins differ from the group's (joining would fork).
 *
 * @example
 * ```ts
 * import { PluginMismatchError, type User } from '@demls/session'
 * declare const bob: User
 * await bob.join('chat').catch((err) => {
 *   if (err instanceof PluginMismatchError) console.log(`group runs ${err.group.join(', ')}; we run ${err.local.join(', ')}`)
 * })
 * ```
 */
export class PluginMismatchError extends DemlsError {
  /** The group's plug-ins (`role=id@version`). */
  readonly group: string[]
  /** Ours. */
  readonly local: string[]

  constructor(group: string[], local: string[]) {
    super(`the group runs plug-ins [${group.join(', ')}] but we run [${local.join(', ')}]`, 'PLUGIN_MISMATCH')
    this.name = 'PluginMismatchError'
    this.group = group
    this.local = local
  }
}

/**
 * The conversation is gone (we left or were removed).
 *
 * @example
 * ```ts
 * import { ConversationClosedError, type ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle // a conversation we left (or were removed from)
 * await chat.sendMessage(new TextEncoder().encode('hi')).catch((err) => {
 *   if (err instanceof ConversationClosedError) console.log(err.code) // 'CONVERSATION_CLOSED'
 * })
 * ```
 */
export class ConversationClosedError extends DemlsError {
  constructor(conversationId: string) {
    super(`conversation ${conversationId} is closed`, 'CONVERSATION_CLOSED')
    this.name = 'ConversationClosedError'
  }
}

/**
 * An argument is invalid (unknown member, bad key package, …).
 *
 * @example
 * ```ts
 * import { type ConversationHandle, InvalidArgumentError } from '@demls/session'
 * declare const chat: ConversationHandle
 * const stranger = new Uint8Array(20).fill(9) // not a member of the group
 * await chat.removeMember(stranger).catch((err) => {
 *   if (err instanceof InvalidArgumentError) console.log(err.shortMessage) // '… is not a member'
 * })
 * ```
 */
export class InvalidArgumentError extends DemlsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, 'INVALID_ARGUMENT', options)
    this.name = 'InvalidArgumentError'
  }
}

/**
 * `Conversation.invite` / `ConversationHandle.invite` named a member of the
 * conversation: there is nobody to vouch for. Code `ALREADY_MEMBER`.
 *
 * @example
 * ```ts
 * import { AlreadyMemberError, type ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * declare const bobId: Uint8Array
 * await chat.invite(bobId).catch((err) => {
 *   if (err instanceof AlreadyMemberError) console.log(`${err.memberId} is already in`)
 * })
 * ```
 */
export class AlreadyMemberError extends DemlsError {
  /** The member id (hex). */
  readonly memberId: string
  constructor(memberId: string) {
    super(`${memberId} is already a member`, 'ALREADY_MEMBER')
    this.name = 'AlreadyMemberError'
    this.memberId = memberId
  }
}

/**
 * `Conversation.invite` / `ConversationHandle.invite` would take us past a
 * bound on open invitations (invitations not used, expired or revoked yet),
 * so the invitation is neither kept nor sent. Held invitations are never
 * evicted to make room: they end only when their invitee joins, when they
 * expire (`INVITATION_LIFETIME_MS`) or when their inviter leaves. Code
 * `INVITATION_LIMIT`.
 *
 * - `per-inviter`: we already have `INVITATIONS_PER_INVITER` open
 *   invitations (every member refuses more from one inviter).
 * - `total`: the members hold `INVITATIONS_MAX` open invitations of all
 *   inviters (the bound in bytes every member keeps).
 *
 * @example
 * ```ts
 * import { InvitationLimitError, type ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * declare const bobId: Uint8Array
 * await chat.invite(bobId).catch((err) => {
 *   if (err instanceof InvitationLimitError) console.log(`${err.held} open invitations (${err.reason} limit ${err.limit}): wait until invitees join`)
 * })
 * ```
 */
export class InvitationLimitError extends DemlsError {
  /** Which bound: ours as an inviter, or the conversation's in all. */
  readonly reason: 'per-inviter' | 'total'
  /** The bound. */
  readonly limit: number
  /** Open invitations counted against it (queued ones of ours included). */
  readonly held: number

  constructor(conversationId: string, reason: 'per-inviter' | 'total', limit: number, held: number) {
    const why =
      reason === 'per-inviter'
        ? `we have ${held} open invitations, the most one member may have (${limit})`
        : `the members hold ${held} open invitations, the most a member keeps (${limit})`
    super(`cannot invite into ${conversationId}: ${why}; wait until invitees join or invitations expire`, 'INVITATION_LIMIT')
    this.name = 'InvitationLimitError'
    this.reason = reason
    this.limit = limit
    this.held = held
  }
}

/**
 * A string is not an invite link we can read (`parseInviteLink`,
 * `User.joinByLink`): not `demls:` and base64url, another version, or a
 * secret that is not the key its record names. The group's checks
 * (membership of its creator, signature, expiry, uses, revocation) come
 * later, as a `RejectedError` with a `link-…` reason. Code
 * `INVALID_INVITE_LINK`.
 *
 * @example
 * ```ts
 * import { InvalidInviteLinkError, type User } from '@demls/session'
 * declare const bob: User
 * declare const pasted: string
 * await bob.joinByLink(pasted).catch((err) => {
 *   if (err instanceof InvalidInviteLinkError) console.log(`not an invite link: ${err.shortMessage}`)
 * })
 * ```
 */
export class InvalidInviteLinkError extends DemlsError {
  constructor(why: string, options: DemlsErrorOptions = {}) {
    super(`not an invite link: ${why}`, 'INVALID_INVITE_LINK', options)
    this.name = 'InvalidInviteLinkError'
  }
}

/**
 * `createInviteLink` would pass a bound on open invite links, so no link is
 * created: `per-creator` (we already have `INVITE_LINKS_PER_CREATOR` open,
 * 16) or `total` (the members hold `INVITE_LINKS_MAX`, 256). A link is open
 * until it expires, is revoked, or its creator leaves. Code
 * `INVITE_LINK_LIMIT`.
 *
 * @example
 * ```ts
 * import { InviteLinkLimitError, type ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * await chat.createInviteLink().catch((err) => {
 *   if (err instanceof InviteLinkLimitError) console.log(`${err.reason} limit ${err.limit}: revoke a link first`)
 * })
 * ```
 */
export class InviteLinkLimitError extends DemlsError {
  /** Which bound: ours as a creator, or the conversation's in all. */
  readonly reason: 'per-creator' | 'total'
  /** The bound. */
  readonly limit: number

  constructor(conversationId: string, reason: 'per-creator' | 'total', limit: number) {
    const why = reason === 'per-creator' ? `we have ${limit} open invite links, the most one member may have` : `the members hold ${limit} open invite links, the most a member keeps`
    super(`cannot create an invite link for ${conversationId}: ${why}; revoke one or wait until one expires`, 'INVITE_LINK_LIMIT')
    this.name = 'InviteLinkLimitError'
    this.reason = reason
    this.limit = limit
  }
}

/**
 * `revokeInviteLink(id)` names no open invite link we hold (expired,
 * revoked already, its creator left, or never known). Code
 * `UNKNOWN_INVITE_LINK`.
 *
 * @example
 * ```ts
 * import { UnknownInviteLinkError, type ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * await chat.revokeInviteLink('00'.repeat(20)).catch((err) => {
 *   if (err instanceof UnknownInviteLinkError) console.log(`no open link ${err.id}`)
 * })
 * ```
 */
export class UnknownInviteLinkError extends DemlsError {
  /** The id we were given. */
  readonly id: string

  constructor(conversationId: string, id: string) {
    super(`no open invite link ${id} in ${conversationId}`, 'UNKNOWN_INVITE_LINK')
    this.name = 'UnknownInviteLinkError'
    this.id = id
  }
}

/**
 * A join that ended without making us a member: which conversation, and how long it took.
 *
 * @example
 * ```ts
 * import { JoinError, type User } from '@demls/session'
 * declare const bob: User
 * await bob.join('chat', { timeoutMs: 60_000 }).catch((err) => {
 *   if (err instanceof JoinError) console.log(`${err.code} after ${err.elapsedMs} ms joining ${err.conversationId}`)
 * })
 * ```
 */
export abstract class JoinError extends DemlsError {
  readonly conversationId: string
  /** Milliseconds from the join call to the failure. */
  readonly elapsedMs: number

  constructor(message: string, code: string, conversationId: string, elapsedMs: number) {
    super(message, code)
    this.conversationId = conversationId
    this.elapsedMs = elapsedMs
  }
}

/**
 * No Welcome admitted us before the join deadline, although the group was
 * reachable (a beacon answered our probe, a member acknowledged our key
 * package, or probing was off).
 *
 * @example
 * ```ts
 * import { type User, WelcomeTimeoutError } from '@demls/session'
 * declare const bob: User
 * await bob.join('chat', { timeoutMs: 30_000 }).catch((err) => {
 *   if (err instanceof WelcomeTimeoutError) console.log(`no Welcome within 30 s (last phase: ${err.phase})`)
 * })
 * ```
 */
export class WelcomeTimeoutError extends JoinError {
  /** The last join phase reached (see `JoinProgress`), if any. */
  readonly phase: string | undefined

  constructor(conversationId: string, elapsedMs: number, phase?: string) {
    super(
      `no welcome for ${conversationId} after ${elapsedMs} ms${phase === undefined ? '' : ` (last phase: ${phase})`}`,
      'WELCOME_TIMEOUT',
      conversationId,
      elapsedMs,
    )
    this.name = 'WelcomeTimeoutError'
    this.phase = phase
  }
}

/**
 * No ready member answered our join probes (no valid beacon, no status and
 * no Welcome) before the join deadline: the group does not exist, nobody
 * is online, or its members do not speak the joiner handshake (join with
 * `probe: false` then).
 *
 * @example
 * ```ts
 * import { NoReadyPeersError, type User } from '@demls/session'
 * declare const bob: User
 * await bob.join('chat').catch((err) => {
 *   if (err instanceof NoReadyPeersError) console.log(`nobody answered ${err.probesSent} probes: check the bootstrap address`)
 * })
 * ```
 */
export class NoReadyPeersError extends JoinError {
  /** Probes published (probes are only sent while the transport reaches a peer). */
  readonly probesSent: number

  constructor(conversationId: string, elapsedMs: number, probesSent: number) {
    super(`no ready member of ${conversationId} answered ${probesSent} probe(s) in ${elapsedMs} ms`, 'NO_READY_PEERS', conversationId, elapsedMs)
    this.name = 'NoReadyPeersError'
    this.probesSent = probesSent
  }
}

/**
 * Why the group refused our join, as the member that reported it (signed
 * with its `REJECTED` status) gives it:
 *
 * - `not-invited`: the group admits by invitation and no member vouched for
 *   us (no valid invitation, no member's YES on our join). Ask a member for
 *   an invitation (`ConversationHandle.invite`, or an invite link) and join
 *   again, or knock: join again and ask a member to vote YES on our join.
 * - `voted-no`: the members voted NO although we were vouched for (or the
 *   group admits anyone). Ask a member why.
 * - `key-package-expired`: the group approved us, but our key package
 *   expired before the commit that would have added us. Join again.
 * - `link-spent`: our invite link admitted as many members as its uses
 *   allow. Ask a member for a new link or an invitation.
 * - `link-expired`: our invite link expired. Ask for a new one.
 * - `link-revoked`: a member revoked our invite link, or its creator left
 *   the group. Ask for a new one.
 * - `link-invalid`: our invite link does not verify (altered, forged, or of
 *   another conversation). Ask for a new one.
 * - `unknown`: no reason given (a member that predates the field) or one
 *   this version does not know.
 *
 * More values may be added; treat a value you do not handle like `unknown`.
 *
 * @example
 * ```ts
 * import { type JoinRejectionReason, RejectedError, type User } from '@demls/session'
 * declare const bob: User
 * const advice: Partial<Record<JoinRejectionReason, string>> = {
 *   'not-invited': 'ask a member for an invitation, then join again',
 *   'key-package-expired': 'join again',
 * }
 * await bob.join('chat').catch((err) => {
 *   if (err instanceof RejectedError) console.log(advice[err.reason] ?? 'ask a member why')
 * })
 * ```
 */
export type JoinRejectionReason =
  | 'not-invited'
  | 'voted-no'
  | 'key-package-expired'
  | 'link-spent'
  | 'link-expired'
  | 'link-revoked'
  | 'link-invalid'
  | 'unknown'

/** What a joiner refused for `reason` can do (part of {@link RejectedError}'s message). */
const REJECTION_ADVICE: Record<JoinRejectionReason, string> = {
  'not-invited': 'we were not invited: ask a member for an invitation (an invite link) and join again, or knock (join again and ask a member to vote YES)',
  'voted-no': 'the members voted no: ask a member why',
  'key-package-expired': 'our key package expired before the commit that would have added us: join again',
  'link-spent': 'our invite link has no uses left: ask a member for a new link or an invitation',
  'link-expired': 'our invite link expired: ask a member for a new one',
  'link-revoked': 'our invite link was revoked (or its creator left the group): ask a member for a new one',
  'link-invalid': 'our invite link does not verify (altered, forged or of another conversation): ask a member for a new one',
  unknown: 'no reason given: ask a member',
}

/**
 * The group refused our join: a verified `REJECTED` status for our key
 * package, with the reason its member signed (`reason`, see
 * {@link JoinRejectionReason}); the message says what to do.
 *
 * @example
 * ```ts
 * import { RejectedError, type User } from '@demls/session'
 * declare const bob: User
 * await bob.join('chat').catch((err) => {
 *   if (err instanceof RejectedError && err.reason === 'not-invited') console.log('ask a member to invite you, then join again')
 *   else if (err instanceof RejectedError) console.log(`refused (${err.reason}), proposal ${err.proposalId}`)
 * })
 * ```
 */
export class RejectedError extends JoinError {
  /** The membership proposal that was rejected. */
  readonly proposalId: number
  /** The member that reported it (its signature was verified). */
  readonly responder: Uint8Array
  /** Why, as the responder signed it (`unknown` when it gave none). */
  readonly reason: JoinRejectionReason

  constructor(conversationId: string, elapsedMs: number, proposalId: number, responder: Uint8Array, reason: JoinRejectionReason = 'unknown') {
    super(
      `the members of ${conversationId} rejected our join (proposal ${proposalId}) after ${elapsedMs} ms: ${REJECTION_ADVICE[reason] ?? REJECTION_ADVICE.unknown}`,
      'JOIN_REJECTED',
      conversationId,
      elapsedMs,
    )
    this.name = 'RejectedError'
    this.proposalId = proposalId
    this.responder = responder
    this.reason = reason
  }
}

/**
 * Why a knock ended without letting us in: `knock-declined` (a member the
 * knock trusts signed a DECLINED answer) or `knock-expired` (the group was
 * reachable, but no member let us in before the knock's expiry).
 *
 * @example
 * ```ts
 * import type { KnockRefusalReason } from '@demls/session'
 * const advice = (r: KnockRefusalReason) => (r === 'knock-declined' ? 'a member declined: ask one why' : 'nobody answered: knock again later or ask for an invite link')
 * ```
 */
export type KnockRefusalReason = 'knock-declined' | 'knock-expired'

/** What a knocker refused for `reason` can do (part of {@link KnockRefusedError}'s message). */
const KNOCK_ADVICE: Record<KnockRefusalReason, string> = {
  'knock-declined': 'a member declined our knock: ask a member why, or for an invite link',
  'knock-expired': 'no member let us in before our knock expired: knock again later, or ask a member for an invite link',
}

/**
 * Our knock ended without letting us in (`User.knock`): declined by a
 * member (`member` signed it) or expired unanswered; `reason` says which,
 * the message what to do.
 *
 * @example
 * ```ts
 * import { KnockRefusedError, type User } from '@demls/session'
 * declare const bob: User
 * await bob.knock('chat', { note: 'bob, alice knows me' }).catch((err) => {
 *   if (err instanceof KnockRefusedError && err.reason === 'knock-declined') console.log('declined: ask a member why')
 *   else if (err instanceof KnockRefusedError) console.log('nobody answered in time: knock again later')
 * })
 * ```
 */
export class KnockRefusedError extends JoinError {
  readonly reason: KnockRefusalReason
  /** For `knock-declined`: the member whose signed answer we trusted (the decliner, or a steward that vouched for its answer). */
  readonly member: Uint8Array | undefined

  constructor(conversationId: string, elapsedMs: number, reason: KnockRefusalReason, member?: Uint8Array) {
    super(`our knock on ${conversationId} ended after ${elapsedMs} ms: ${KNOCK_ADVICE[reason]}`, 'KNOCK_REFUSED', conversationId, elapsedMs)
    this.name = 'KnockRefusedError'
    this.reason = reason
    this.member = member
  }
}

/**
 * `letIn` or `decline` named no open knock (never received, expired,
 * evicted, or answered already).
 *
 * @example
 * ```ts
 * import { type ConversationHandle, UnknownKnockError } from '@demls/session'
 * declare const chat: ConversationHandle
 * await chat.letIn('0x1234').catch((err) => {
 *   if (err instanceof UnknownKnockError) console.log(`no open knock ${err.id}: see chat.knocks()`)
 * })
 * ```
 */
export class UnknownKnockError extends DemlsError {
  /** The id or member id we were given. */
  readonly id: string

  constructor(conversationId: string, id: string) {
    super(`no open knock ${id} on ${conversationId}`, 'UNKNOWN_KNOCK')
    this.name = 'UnknownKnockError'
    this.id = id
  }
}

/**
 * Why a joiner refused a Welcome that MLS could process: the group it leads
 * to is not the one the joiner was answered by. Not a join failure: the
 * Welcome is dropped (reported as a `welcome-dropped` join progress) and the
 * join goes on with the same key package.
 *
 * @example
 * ```ts
 * import { ForeignWelcomeError, type User } from '@demls/session'
 * declare const bob: User
 * bob.joinProgress$.subscribe((p) => {
 *   if (p.phase === 'welcome-dropped' && p.error instanceof ForeignWelcomeError) console.log(p.error.reason)
 * })
 * ```
 */
export class ForeignWelcomeError extends DemlsError {
  /**
   * - `other-conversation`: the group id is another conversation's.
   * - `not-answered`: no member of the group signed a beacon that answered our probes.
   * - `untrusted`: none of `JoinOptions.trustedMembers` is a member of the group.
   */
  readonly reason: 'other-conversation' | 'not-answered' | 'untrusted'
  /** The members of the refused group. */
  readonly members: Uint8Array[]

  constructor(reason: ForeignWelcomeError['reason'], conversationId: string, members: Uint8Array[]) {
    const why = {
      'other-conversation': 'is for another conversation',
      'not-answered': 'leads to a group none of whose members answered our probes',
      untrusted: 'leads to a group none of whose members we trust',
    }[reason]
    super(`a Welcome for ${conversationId} ${why} (${members.length} member(s))`, 'FOREIGN_WELCOME')
    this.name = 'ForeignWelcomeError'
    this.reason = reason
    this.members = members
  }
}

/**
 * The saved state of a conversation (in the `storage` given to
 * `User.create`) cannot be read back: truncated, of an unknown format
 * version, or not this conversation's. The conversation is not restored;
 * its stored state is left in place for inspection. Code `STATE_CORRUPT`.
 *
 * @example
 * ```ts
 * import { User } from '@demls/session'
 * import { levelStorage } from '@demls/storage'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * const storage = await levelStorage({ location: './alice-state' })
 * const alice = await User.create({ privateKey: crypto.getRandomValues(new Uint8Array(32)), transport: net.createTransport('a'), clock: net.clock, storage, onCorruptState: 'skip' })
 * for (const err of alice.unreadableConversations()) console.log(`${err.conversationId} skipped: ${err.shortMessage}`)
 * ```
 */
export class StateCorruptError extends DemlsError {
  /** The conversation whose state is unreadable. */
  readonly conversationId: string

  constructor(conversationId: string, reason: string, options: DemlsErrorOptions = {}) {
    super(`saved state of ${conversationId} is unreadable: ${reason}`, 'STATE_CORRUPT', options)
    this.name = 'StateCorruptError'
    this.conversationId = conversationId
  }
}

/**
 * A conversation asked to be woken at the instant it had just been woken
 * at, {@link WAKEUP_LOOP_LIMIT} polls in a row: a timed flow is due at
 * once and its own step does not serve it (a defect of that flow;
 * `sources` names the wake-up sources due). Reported once per instant as
 * an `error` event (operation `poll`); the conversation goes on, woken at
 * most every {@link WAKEUP_LOOP_BACKOFF_MS} until time moves on, instead
 * of spinning (a zero-delay timer loop in a deployment, a clock that
 * never advances in a simulation). Code `WAKEUP_LOOP`.
 *
 * @example
 * ```ts
 * import { type UserEvent, WakeupLoopError } from '@demls/session'
 * declare const event: UserEvent
 * if (event.type === 'error' && event.error instanceof WakeupLoopError) console.log(`report a bug: ${event.error.sources.join(', ')} due at once`)
 * ```
 */
export class WakeupLoopError extends DemlsError {
  /** The wake-up sources due at the instant (`WakeupSource` names). */
  readonly sources: readonly string[]
  /** The instant (ms) the conversation kept being woken at. */
  readonly at: number

  constructor(sources: readonly string[], at: number, options: DemlsErrorOptions = {}) {
    super(`woken ${WAKEUP_LOOP_LIMIT} times in a row at ${at} for ${sources.join(', ') || 'no source'} (a flow due at once that its step does not serve)`, 'WAKEUP_LOOP', options)
    this.name = 'WakeupLoopError'
    this.sources = [...sources]
    this.at = at
  }
}

/**
 * Polls in a row at one instant after which a conversation reports a
 * {@link WakeupLoopError} and wakes at most every
 * {@link WAKEUP_LOOP_BACKOFF_MS}. A flow due at once is served by the
 * next poll: a handful of polls at one instant is normal, 64 is a loop.
 *
 * @example
 * ```ts
 * import { WAKEUP_LOOP_LIMIT } from '@demls/session'
 * console.log(`a loop is ${WAKEUP_LOOP_LIMIT} polls at one instant`)
 * ```
 */
export const WAKEUP_LOOP_LIMIT = 64

/**
 * The least delay (ms) between the wake-ups of a conversation caught in a
 * wake-up loop ({@link WakeupLoopError}), until time moves on.
 *
 * @example
 * ```ts
 * import { WAKEUP_LOOP_BACKOFF_MS } from '@demls/session'
 * console.log(`at most ${1000 / WAKEUP_LOOP_BACKOFF_MS} polls a second in a loop`)
 * ```
 */
export const WAKEUP_LOOP_BACKOFF_MS = 50

/**
 * The `storage` given to `User.create` holds another member's state: each
 * store belongs to one private key. Code `STORAGE_OWNER_MISMATCH`. A
 * default store (`levelStorage({ location })`, encrypted with the key
 * derived from its member's private key) already refuses another member's
 * key when `create` unlocks it, with `StorageEncryptionKeyError` of
 * `@demls/storage`; this error is what a store opened with the
 * application's own `encryptionKey`, with `plaintext: true`, or a custom
 * `Storage` gives.
 *
 * @example
 * ```ts
 * import { StorageOwnerError, User } from '@demls/session'
 * import { levelStorage } from '@demls/storage'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * declare const appKey: Uint8Array // the application's own 32-byte key, from the OS keychain
 * const net = new MemoryNetwork()
 * const storage = await levelStorage({ location: './alice-state', encryptionKey: appKey })
 * await User.create({ privateKey: crypto.getRandomValues(new Uint8Array(32)), transport: net.createTransport('b'), clock: net.clock, storage }).catch((err) => {
 *   if (err instanceof StorageOwnerError) console.log(`this directory belongs to ${err.owner}`)
 * })
 * ```
 */
export class StorageOwnerError extends DemlsError {
  /** The member id (hex) the store belongs to. */
  readonly owner: string

  constructor(owner: string, memberId: string) {
    super(`the storage belongs to member ${owner}, not to ${memberId}`, 'STORAGE_OWNER_MISMATCH')
    this.name = 'StorageOwnerError'
    this.owner = owner
  }
}
