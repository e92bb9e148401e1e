/**
 * de-MLS conversations: end-to-end encrypted groups with no server, whose
 * membership changes are voted on and committed by a rotating set of
 * stewards.
 *
 * - {@link Conversation} is the sans-I/O protocol state machine of one
 *   conversation (receive packets, `poll` at `nextWakeupAt`, drain outbound
 *   packets and events; time is always a parameter).
 * - {@link User} drives conversations over a `Transport` with an injected
 *   `Clock` and exposes everything as RxJS observables.
 * - {@link defaultPlugins} wires the default MLS, consensus, steward-list
 *   and scoring plug-ins; override any one of them.
 * - The pure decisions (commit prefix, candidate order, score deltas, fork
 *   choice, sync validation, …) are the `@demls/session/rules` subpath, for
 *   tools and tests; this root export is the public surface only.
 *
 * @example
 * ```ts
 * import { MemoryNetwork } from '@demls/transport-memory'
 * import { User } from '@demls/session'
 *
 * const aliceKey = crypto.getRandomValues(new Uint8Array(32)) // each member's secp256k1 key is its identity
 * const bobKey = crypto.getRandomValues(new Uint8Array(32))
 * const net = new MemoryNetwork({ seed: 1 })
 * const alice = await User.create({ privateKey: aliceKey, transport: net.createTransport('alice'), clock: net.clock })
 * const bob = await User.create({ privateKey: bobKey, transport: net.createTransport('bob'), clock: net.clock })
 * const owner = await alice.createConversation('chat') // admission: 'invite' (the default)
 * await owner.invite(bob.memberId) // alice vouches for bob
 * const joining = bob.join('chat') // probes, announces a key package; the group votes YES; a steward commits
 * await net.runUntil(() => bob.conversation('chat') !== undefined, { maxMs: 120_000 })
 * const chat = await joining
 * chat.messages$.subscribe((m) => console.log(new TextDecoder().decode(m.body)))
 * await alice.conversation('chat')!.sendMessage(new TextEncoder().encode('hello bob'))
 * await net.advance(100)
 * ```
 *
 * @packageDocumentation
 */
export {
  type AdmissionPolicy,
  type ConversationConfig,
  type ConversationConfigInit,
  DEFAULT_CONVERSATION_CONFIG,
  FAST_TIMING,
  LAN_TIMING,
  type StewardBounds,
  RESERVED_CONSENSUS_SESSIONS,
  ATTESTERS_PER_INTERVAL,
  attestationPeriodMs,
  applyTiming,
  consensusQuotas,
  memberProposalSlots,
  deadMemberRemovalBoundMs,
  deadMemberWindowMs,
  joinProposalSlots,
  joinQueueBoundMs,
  mergeConfigInit,
  proposalClockTolerance,
  resolveConfig,
  suspectWindowMs,
  toTiming,
  validateConfigInit,
  votingInactivityWindow,
} from './core/config.js'
export type { ProposalKind } from './core/proposal-kind.js'
export type { ProposalId } from './core/queues.js'
export type { ConversationState, OperatingMode } from './core/state-machine.js'
export type { ApprovedProposal, FreezeCandidateCount, MemberRole, MemberRoleEntry } from './conversation/queries.js'
export {
  AlreadyMemberError,
  ConversationBlockedError,
  SendQueueFullError,
  CommitFailedError,
  ConversationClosedError,
  ConversationExistsError,
  ForeignWelcomeError,
  InvalidArgumentError,
  InvalidConfigError,
  type InvalidConfigErrorOptions,
  InvalidConversationIdError,
  InvalidPrivateKeyError,
  InvalidSyncError,
  InvalidUserInitError,
  InvalidInviteLinkError,
  InvitationLimitError,
  InviteLinkLimitError,
  JoinError,
  type JoinRejectionReason,
  type KnockRefusalReason,
  KnockRefusedError,
  NoReadyPeersError,
  PartialFreezeError,
  PluginMismatchError,
  RejectedError,
  StateCorruptError,
  StorageOwnerError,
  UnknownInviteLinkError,
  UnknownKnockError,
  UserStoppedError,
  WAKEUP_LOOP_BACKOFF_MS,
  WAKEUP_LOOP_LIMIT,
  WakeupLoopError,
  WelcomeTimeoutError,
} from './errors.js'
export {
  Conversation,
  type ConversationInbound,
  type CreateConversationInit,
  type JoinConversationInit,
  type RestoreConversationInit,
} from './conversation/conversation.js'
export { DEFAULT_MLS_PLUGIN, type PluginOverrides, defaultPlugins } from './conversation/default-plugins.js'
export type { CommitSource, ConversationEvent, ConversationOutbound, InboundDropReason } from './core/events.js'
export { type ConversationPluginsFactory, type PluginIdentity, type ScoringInit, pluginVersions } from './core/plugins.js'
export { type CreatorVote, selfLeaveProposalId } from './voting/proposals.js'
export { ConversationHandle } from './user/handle.js'
export { HISTORY_LIMITS } from './sync/backfill.js'
export { AVAILABILITY_LIMITS } from './sync/limits.js'
export { PROPOSAL_BYTE_LIMITS } from './voting/proposal-bytes.js'
export { type ChatMessage, type JoinByLinkOptions, type JoinOptions, type KnockOptions, type PendingJoin, UNREACHED_RETRY_MS, User, type UserEvent, type UserInit } from './user/user.js'
export { MAX_CONVERSATION_ID_BYTES, assertConversationId } from './user/validate.js'
export type { JoinRetryInit } from './user/join/backoff.js'
export {
  JOIN_PHASES,
  type JoinAnnouncingProgress,
  type JoinBeaconProgress,
  type JoinPhase,
  type JoinProbingProgress,
  type JoinKnockingProgress,
  type JoinLetInProgress,
  type JoinProgress,
  type JoinProgressBase,
  type JoinReadyProgress,
  type JoinRejectedProgress,
  type JoinStatusProgress,
  type JoinWelcomeDroppedProgress,
  type JoinWelcomedProgress,
} from './user/join/progress.js'
export {
  JOIN_BEACON_DOMAIN,
  JOIN_STATUS_DOMAIN,
  MAX_BEACON_NONCES,
  beaconNonces,
  joinBeaconSigningPayload,
  joinStatusSigningPayload,
  signJoinBeacon,
  signJoinStatus,
  verifyJoinBeacon,
  verifyJoinStatus,
} from './join/signing.js'
export {
  INVITATION_DOMAIN,
  INVITATION_FUTURE_SKEW_MS,
  invitationSigningPayload,
  signInvitation,
  verifyInvitation,
} from './join/invite.js'
export {
  INVITATION_LIFETIME_MS,
  INVITATIONS_MAX,
  INVITATIONS_MAX_BYTES,
  INVITATIONS_PER_INVITER,
} from './state/invitations.js'
export {
  type CreatedInviteLink,
  INVITE_LINK_DOMAIN,
  INVITE_LINK_PROOF_DOMAIN,
  INVITE_LINK_REVOCATION_DOMAIN,
  type InviteLinkInfo,
  type InviteLinkOptions,
  type ParsedInviteLink,
  parseInviteLink,
} from './join/invite-link.js'
export {
  INVITE_LINK_ADDRESSES_MAX,
  INVITE_LINK_ADDRESS_MAX_BYTES,
  INVITE_LINK_DEFAULT_LIFETIME_MS,
  INVITE_LINK_DEFAULT_USES,
  INVITE_LINK_MAX_LIFETIME_MS,
  INVITE_LINK_MAX_USES,
  INVITE_LINKS_MAX,
  INVITE_LINKS_PER_CREATOR,
} from './state/invite-links.js'
export { KNOCK_ANSWER_DOMAIN, KNOCK_DOMAIN, type KnockAnsweredEvent, type KnockEvent, type KnockInfo } from './join/knock.js'
export {
  KNOCK_DEFAULT_LIFETIME_MS,
  KNOCK_MAX_BYTES,
  KNOCK_MAX_LIFETIME_MS,
  KNOCK_NOTE_MAX_BYTES,
  KNOCK_SENDER_INTERVAL_MS,
  KNOCK_VERIFY_PER_SECOND,
  KNOCKS_MAX,
  KNOCKS_MAX_BYTES,
  type KnockDropReason,
} from './state/knocks.js'
export type { CommitEquivocation } from './state/commit-evidence.js'
export { type CommitChecker, verifyCommitEquivocation } from './freeze/commit-equivocation.js'
export type { AggregationKeyList } from './voting/aggregation.js'
export type { AggregateStats } from './state/aggregate-votes.js'
