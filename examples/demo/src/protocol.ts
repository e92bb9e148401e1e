/**
 * The IPC protocol between the orchestrator (`main.ts`) and each peer
 * process (`peer.ts`). It is demo plumbing, not de-MLS: the parent sends
 * small commands, each peer answers every command with one `reply` (same
 * `seq`) and streams what its `User` reports as `event`s.
 *
 * Member ids are hex strings here because IPC is JSON.
 */
import type { ConversationState, OperatingMode } from '@demls/session'

/** Parent → peer. Every command carries a `seq` that its reply echoes. */
export type Command =
  /**
   * Start the gossipsub transport (dialling `bootstrap`) and create the `User` (`timing`: `FAST_TIMING` or `LAN_TIMING`, default fast),
   * with its state in an encrypted LevelDB store in the directory `storage` when given (resuming what is saved there).
   */
  | { type: 'start'; seq: number; index: number; bootstrap: string[]; timing?: 'fast' | 'lan'; storage?: string }
  /**
   * `user.createConversation(id, { admission })`: we become its only member and steward. Admission
   * defaults to `'invite'` (members vouch with `invite`); the soak and probe tools use `'open'`.
   */
  | { type: 'create'; seq: number; conversationId: string; admission?: 'invite' | 'open' }
  /** `conversation.invite(member)`: vouch for a joiner with a signed invitation, sent encrypted to the group. */
  | { type: 'invite'; seq: number; conversationId: string; member: string }
  /** `user.join(id)`: announce a key package; replies once a Welcome made us a member. */
  | { type: 'join'; seq: number; conversationId: string; timeoutMs: number }
  /** `conversation.sendMessage(text)`. */
  | { type: 'send'; seq: number; conversationId: string; text: string }
  /** `conversation.removeMember(member)`: open a removal proposal with our YES. */
  | { type: 'remove'; seq: number; conversationId: string; member: string }
  /** `conversation.vote(proposalId, choice)`: our explicit vote on an open proposal. */
  | { type: 'vote'; seq: number; conversationId: string; proposalId: number; choice: boolean }
  /** `conversation.leave()`: propose our own removal (decided at once; a steward commits it). */
  | { type: 'leave'; seq: number; conversationId: string }
  /** Go silent: stop the `User` (its timers and its transport) but keep the process. */
  | { type: 'silence'; seq: number }
  /** A snapshot of one conversation. */
  | { type: 'status'; seq: number; conversationId: string }
  /** Stop the `User` and exit. */
  | { type: 'stop'; seq: number }

/** What a peer reports about one conversation. */
export interface Status {
  joined: boolean
  state: ConversationState | 'none'
  mode: OperatingMode | 'none'
  epoch: string
  members: string[]
  stewards: string[]
  isEpochSteward: boolean
  authenticator: string
  /** The peer process's resident set size (bytes). */
  rss: number
  /** CPU time the peer process used so far (user + system, ms). */
  cpuMs: number
  /**
   * How late the peer's event loop ran its timers since the process started (ms, from
   * `perf_hooks.monitorEventLoopDelay`): a loop that is seconds late runs the protocol's
   * deadlines (freeze entry, timeouts) seconds late.
   */
  loopDelayMs: { p50: number; p99: number; max: number }
  /** What this member sent in the conversation, by message kind (`Conversation.sentByKind()`): count and ciphertext bytes. */
  sent?: Record<string, { count: number; bytes: number }>
  /** Aggregated voting counters (`Conversation.aggregateStats()`), in a group on the BLS plug-in. */
  aggregate?: { proofsTaken: number; proofsBuilt: number; fallbacks: number; resent: number; proofsRefused: number }
  /** Packets of the conversation's `votes` subtopic this peer's transport delivered (relayed or read) and their payload bytes. */
  votesReceived?: { packets: number; bytes: number }
}

/** A `UserEvent`, flattened to JSON-friendly fields. */
export interface EventSummary {
  kind: string
  /** The conversation it belongs to. */
  conversation?: string
  epoch?: string
  /** Committer of a commit, sender of a message. */
  by?: string
  /** The member a join / leave / proposal is about. */
  member?: string
  proposalId?: number
  /** A voided proposal opened again: the new proposal's id. */
  reproposedAs?: number
  /** `add`, `remove`, `steward-election`, `emergency`. */
  proposal?: string
  stewards?: string[]
  approved?: boolean
  failed?: boolean
  batch?: string[]
  state?: string
  mode?: string
  reason?: string
  /** What a `dropped` event says about its packet. */
  detail?: string
  text?: string
  error?: string
}

/** Peer → parent. */
export type Report =
  | {
      type: 'reply'
      seq: number
      ok: boolean
      error?: string
      memberId?: string
      addrs?: string[]
      /** Conversations resumed from the store at start, with their epochs. */
      restored?: { conversationId: string; epoch: string }[]
      proposalId?: number
      status?: Status
    }
  /** The peer's events since its last report, oldest first (`at`: when each happened, ms). */
  | { type: 'events'; events: { at: number; event: EventSummary }[] }
