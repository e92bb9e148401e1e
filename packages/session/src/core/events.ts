import type { CommitCandidate, ConversationUpdateRequest, MemberWelcome, SubtopicName, Vote } from '@demls/wire'
import type { ConversationState, OperatingMode } from './state-machine.js'

/**
 * Why an inbound packet was dropped (always benign for the group).
 *
 * @example
 * ```ts
 * import type { Conversation, InboundDropReason } from '@demls/session'
 * declare const conv: Conversation
 * const hostile: InboundDropReason[] = ['unauthorized', 'invalid-vote', 'invalid-proposal']
 * const counts = conv.dropCounts()
 * const suspicious = hostile.reduce((n, r) => n + (counts[r] ?? 0), 0)
 * ```
 */
export type InboundDropReason =
  | 'undecodable' // not a protobuf AppMessage / welcome-channel message we understand
  | 'unexpected-plaintext' // a plaintext AppMessage that must be encrypted
  | 'decrypt-failed' // MLS refused it (wrong group, replay, bad signature, …)
  | 'wrong-epoch' // MLS ciphertext of another epoch
  | 'not-member' // sender or vote owner is not a member
  | 'unauthorized' // hardening check failed (owner ≠ sender, vote owner not a member, fast-path abuse)
  | 'membership-changed' // a proposal made for another member count (a commit crossed it in flight)
  | 'invalid-proposal'
  | 'invalid-vote'
  | 'partial-freeze' // a lower-priority proposal while an emergency is open
  | 'duplicate'
  | 'late' // for a resolved proposal
  | 'quota' // a proposal over its owner's share of the consensus sessions, or past the cap (see detail)
  | 'clock-skew' // a proposal dated too far ahead of local time or too far behind it
  | 'candidate' // a commit candidate was refused (see detail)
  | 'welcome-duplicate'
  | 'not-working' // the request needs the Working state
  | 'rate-limited' // a join probe over its per-prober or global answer budget
  | 'queue-full' // a key-package announcement beyond the join queue's count or byte budget
  | 'invalid-invite' // an invitation not by its (member) sender, expired, dated ahead, malformed or badly signed
  | 'invitation-limit' // a valid invitation past a bound on open invitations: its inviter's (INVITATIONS_PER_INVITER) or all (INVITATIONS_MAX); nothing held is evicted for it (also invite links: INVITE_LINKS_PER_CREATOR, INVITE_LINKS_MAX)
  | 'invalid-invite-link' // an invite link record or revocation not by a member, expired, malformed or badly signed
  | 'invalid-bls-binding' // in a group whose plug-in aggregates votes: a join announcement whose key binding is missing, invalid, conflicting or binds a key another member holds
  | 'invalid-contact' // in a group whose plug-in aggregates votes: an aggregator contact from a member that is not an aggregator, empty or over MAX_CONTACT_BYTES, or a second change within AGGREGATE_LIMITS.contactChangeMs
  | 'legacy' // a legacy or unknown AppMessage variant
  | 'self'

/**
 * How an applied commit was chosen:
 * - `freeze`: selected in a freeze round we took part in (the reference's
 *   only path);
 * - `catch-up`: a commit the group merged while we missed it, replayed by a
 *   peer (we may have missed its votes too, so `batch` may be empty while
 *   the membership changed);
 * - `fork-switch`: the group's commit replaced the one we had merged at the
 *   previous epoch (a `fork-healed` event precedes it).
 *
 * @example
 * ```ts
 * import type { CommitSource, ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * chat.events$.subscribe((e) => {
 *   if (e.type === 'commit-applied' && e.source !== ('freeze' satisfies CommitSource)) console.log(`caught up to ${e.epoch} (${e.source})`)
 * })
 * ```
 */
export type CommitSource = 'freeze' | 'catch-up' | 'fork-switch'

/**
 * Everything a conversation reports, in order. Drained with `drainEvents()`.
 *
 * @example
 * ```ts
 * import type { Conversation, ConversationEvent } from '@demls/session'
 * declare const conv: Conversation
 * const events: ConversationEvent[] = conv.drainEvents()
 * for (const e of events) if (e.type === 'vote-requested') await conv.vote(e.proposalId, true, Date.now())
 * ```
 */
export type ConversationEvent =
  /**
   * A decrypted chat message; `sender` is the MLS-authenticated member id.
   * `id` is the SHA-256 of the ciphertext it came in: chat is delivered at
   * least once (after a restart, or by a backfill, a message may come
   * again), and the same message always has the same id, so an application
   * that keeps its own history drops the repeat by it.
   */
  | { type: 'message'; sender: Uint8Array; body: Uint8Array; epoch: bigint; id: Uint8Array }
  /** A member announced it joined (its encrypted `EventMembershipChange`). */
  | { type: 'membership-notice'; member: Uint8Array }
  | { type: 'phase-change'; state: ConversationState; mode: OperatingMode }
  /**
   * The operating mode changed: `recovery` once a Deadlock ECP is accepted
   * (any member may then commit), `normal` once an election installs a new
   * steward list. Emitted before the phase change that follows it.
   */
  | { type: 'mode-change'; mode: OperatingMode }
  /** A peer's votable proposal arrived, or we opened one without our vote. */
  | { type: 'vote-requested'; proposalId: number; request: ConversationUpdateRequest | undefined }
  /** We opened a proposal with our YES bundled. */
  | { type: 'own-proposal-submitted'; proposalId: number; request: ConversationUpdateRequest }
  /** A proposal resolved (emitted before its effects). `failed` = undecided at timeout (treated as NO). */
  | {
      type: 'consensus-reached'
      proposalId: number
      approved: boolean
      failed: boolean
      request: ConversationUpdateRequest | undefined
    }
  /**
   * An add or removal opened before the epoch that just began, still open
   * here or approved only at its timeout, was voided by the commit (one
   * outcome for the whole group: `docs/architecture.md`, "One outcome per
   * proposal"). No `consensus-reached` follows for `proposalId`, unless
   * signed votes that pass the group's rule reach us after the void (the
   * others approved it in time): then one with `approved: true` does
   * (`voting/late-approval.ts`). When it
   * was ours, `reproposedAs` is the proposal that asks the new electorate
   * for the same change; absent when the epoch steward, which holds the
   * change buffered (its vote on the voided proposal reached us), opens it
   * (we open it ourselves only if no proposal for it is open here a
   * `liveStewardGraceMs` later: an `own-proposal-submitted` event then).
   */
  | { type: 'proposal-voided'; proposalId: number; request: ConversationUpdateRequest; reproposedAs?: number }
  /**
   * A commit merged, however it reached us: `source` says how (see
   * {@link CommitSource}), `batch` is the approved work of ours it carried
   * (in approval order) and `empty` is `batch.length === 0`. Fired for
   * every applied commit, since the membership changed; the reference
   * fires `CommitApplied` only for `source === 'freeze' && !empty`, so
   * filter on that for its semantics.
   */
  | {
      type: 'commit-applied'
      epoch: bigint
      committer: Uint8Array
      batch: ConversationUpdateRequest[]
      source: CommitSource
      empty: boolean
      /**
       * Approved adds left out because their joiner's key package expired
       * (deviation 9); they left the approved queue and the joiner was told
       * REJECTED. After a `catch-up` or `fork-switch` commit: the approved
       * adds expired by our clock. Absent when none.
       */
      expired?: ConversationUpdateRequest[]
    }
  /**
   * A valid invitation: a member (`inviter`, possibly us) vouches for
   * `invitee` joining until `expiresAt` (ms). Under invite admission our
   * automatic vote on the invitee's join is then YES.
   */
  | { type: 'invite'; inviter: Uint8Array; invitee: Uint8Array; expiresAt: number }
  /**
   * A valid invite link a member (`creator`, possibly us) created: whoever
   * proves it holds the link (id: hex of the link key) may join, `uses`
   * times, until `expiresAt` (ms).
   */
  | { type: 'invite-link'; id: string; creator: Uint8Array; uses: number; expiresAt: number }
  /** A member (`revoker`, possibly us) revoked invite link `id` for the whole group. */
  | { type: 'invite-link-revoked'; id: string; revoker: Uint8Array }
  /** A Welcome for joiners: minted by us, or seen on the group channel. */
  | { type: 'welcome-ready'; welcome: MemberWelcome; mintedLocally: boolean }
  | { type: 'freeze-progress'; received: number; expected: number }
  | { type: 'member-joined'; memberId: Uint8Array; epoch: bigint }
  | { type: 'member-left'; memberId: Uint8Array; epoch: bigint }
  /** We were on a losing branch: the commit we merged at `epoch − 1` was replaced by the group's. */
  | { type: 'fork-healed'; epoch: bigint; abandoned: Uint8Array; adopted: Uint8Array }
  /**
   * We had joined from the Welcome of a commit the group abandoned (a fork
   * at the epoch we joined): a majority of members attested another state
   * at `epoch`, and we re-joined from a Welcome that leads to it (beyond the
   * reference). `abandoned` and `adopted` are the two states' authenticator
   * hashes (`authenticatorHash` in `@demls/session/rules`). Members may have
   * changed: `members$` follows.
   */
  | { type: 'rejoined'; epoch: bigint; abandoned: Uint8Array; adopted: Uint8Array }
  /**
   * We joined from the Welcome of a commit the group seems to have
   * abandoned: a strict majority (`attesters`) of the other members of our
   * roster signed another state (`majorityState`, its authenticator hash)
   * at `epoch`, the epoch we joined at. We now announce our key package
   * again and adopt a Welcome that leads to the majority's state; `rejoined`
   * follows when one comes (beyond the reference).
   */
  | { type: 'stranded'; epoch: bigint; attesters: number; majorityState: Uint8Array }
  /**
   * We missed the election at `epoch` but adopted a commit made under its
   * list, so we installed that list (the one its proposer files in
   * `retryRound`, which regenerates from the settled members).
   */
  | { type: 'steward-list-inferred'; epoch: bigint; retryRound: number; stewards: Uint8Array[] }
  /** Our own removal was committed; the conversation is dead. */
  | { type: 'leaving'; epoch: bigint }
  /**
   * Chat recovered after a restart (beyond the reference): a member's
   * history reply gave `packets` we had not seen from another responder,
   * of which `messages` decrypted to chat now (each also a `message`
   * event). The rest were ours, already read, of an epoch we have not
   * reached yet (they are read once we catch up), or beyond the epoch keys
   * we kept: counted here, not lost silently.
   */
  | { type: 'backfill'; packets: number; messages: number }
  /**
   * A member voted both ways on a proposal (beyond the reference): `votes`
   * are its two signed votes, the one we counted first. We penalised it
   * (`EquivocatingVote`) and keep the evidence (`Conversation.equivocations()`);
   * anyone can check it with `verifyEquivocation` of `@demls/session/rules`.
   */
  | { type: 'equivocation'; proposalId: number; voter: Uint8Array; votes: readonly [Vote, Vote] }
  /**
   * A member signed two different commits with the same changes for one
   * epoch (beyond the reference; an honest committer offers its commit
   * again instead). We penalised it (`EquivocatingCommit`) and keep the
   * proof (`Conversation.commitEquivocations()`); any member of that epoch
   * can check it with `verifyCommitEquivocation`.
   */
  | { type: 'commit-equivocation'; epoch: bigint; committer: Uint8Array; commits: readonly [CommitCandidate, CommitCandidate] }
  /** An inbound packet was dropped, with a typed reason. */
  | { type: 'dropped'; reason: InboundDropReason; detail?: string; error?: Error }
  /**
   * Repeats of drops already reported in `epoch` (same reason and detail)
   * are counted, not emitted one by one; this reports how many, by reason,
   * once the epoch has changed. `Conversation.dropCounts()` has the totals.
   */
  | { type: 'drops-suppressed'; epoch: bigint; counts: Partial<Record<InboundDropReason, number>> }
  /** A background step failed (the conversation keeps working). */
  | { type: 'error'; operation: string; error: Error }

/**
 * A packet the conversation wants published on one of its subtopics.
 *
 * @example
 * ```ts
 * import type { Conversation, ConversationOutbound } from '@demls/session'
 * import type { Transport } from '@demls/wire'
 * declare const conv: Conversation
 * declare const transport: Transport
 * const outbound: ConversationOutbound[] = conv.drainOutbound()
 * for (const { subtopic, payload } of outbound) await transport.publish({ conversationId: 'chat', subtopic, payload })
 * ```
 */
export interface ConversationOutbound {
  subtopic: SubtopicName
  payload: Uint8Array
  /**
   * Chat, and a vote on the `votes` subtopic: if its publish reaches
   * nobody (no reachable subscriber yet), the driver publishes it again a
   * few times with a growing delay (the `User` does, for about 8 s); losing
   * it silently would lose a message the application was told was sent, or
   * leave a vote to the broadcast fallback.
   */
  retryUnreached?: boolean
}
