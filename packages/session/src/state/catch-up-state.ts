import type { MlsSnapshot } from '@demls/mls'
import type { CommitCandidate, MemberWelcome } from '@demls/wire'
import type { AheadClaim } from '../rules/group-ahead.js'
import { AVAILABILITY_LIMITS } from '../sync/limits.js'
import { TokenBucket } from './bounded.js'

/**
 * One of our own candidates that lost its round (see
 * {@link CatchUpState.ownCandidates}).
 *
 * @internal
 */
export interface OwnCandidate {
  /** The epoch the commit leaves. */
  epoch: bigint
  /**
   * The MLS state with the commit pending: the branch point's snapshot
   * (`MlsService.snapshot`), or its `exportState` bytes when it was read
   * back from a saved state.
   */
  mlsState: MlsSnapshot | Uint8Array
  joinerIds: Uint8Array[]
  /** The candidate as we sent it, to offer the same commit again in a later round of the epoch (absent in older saves). */
  candidate?: CommitCandidate
  /** Key of its changes (`actionSetKey`). */
  changesKey?: string
  /**
   * The epoch authenticator (hex) of the state it was minted on, when it was
   * kept from a branch a fork switch left: it is offered again only on
   * that branch (absent: kept on ours, or read back from a save).
   */
  branchHex?: string
}

/** How long we wait before we send our word about the same past epoch again, whoever asks (`sync/catch-up.ts pastAttestation`). */
export const PAST_STATE_INTERVAL_MS = 10_000

/**
 * How many words about past epochs we send per {@link PAST_STATE_INTERVAL_MS}
 * in all: a member that asks about every epoch we keep makes each member
 * send at most this many, not one per epoch.
 */
export const PAST_STATES_PER_WINDOW = 2

/**
 * Catch-up state of one conversation (beyond the reference; landscape
 * §2.1.4): the log of merged commits, packets from epochs we have not
 * reached, and rate limits.
 *
 * @internal
 */
export class CatchUpState {
  /** When we last sent our steward list to a member (hex) holding an older one. */
  readonly listSentAt = new Map<string, number>()
  /**
   * The epoch steward of our list attested, signed, at our epoch (`epoch`), a steward list older than ours (`stamp`,
   * ours then, as `epoch:round`), first and last at these signing times (ms): once they are far enough apart, it
   * does not know it is the epoch steward and proposes nothing. Evidence on which the backup steward takes
   * buffered updates over at once (`stewardship/stewardship.ts`).
   */
  stewardListLag: { epoch: bigint; steward: string; stamp: string; firstSignedAt: number; lastSignedAt: number } | undefined
  /** When a member (hex) first attested a list older than ours (`stamp`: ours then, as `epoch:round`): we answer only if it still does later. */
  readonly listLagSeenAt = new Map<string, { stamp: string; at: number }>()
  /** Our list stamps (`epoch:round`) we already had the group elect again for ({@link onListAttested}'s `regenerate`): once each. */
  readonly reelectedStamps = new Set<string>()
  /** Merged commit candidates by the epoch they left (as a decimal string). */
  readonly log = new Map<string, CommitCandidate>()
  /**
   * What we held at each epoch we reached (decimal string): the commit that
   * brought us there, its committer and our state's authenticator hash, kept
   * as long as the log, for our signed word about an epoch we have left
   * (`sync/catch-up.ts pastAttestation`).
   */
  readonly pastStates = new Map<string, { commitHash: Uint8Array; committer: Uint8Array; authenticatorHash: Uint8Array }>()
  /** When we last sent our word about each past epoch (decimal string), for its rate limit. */
  readonly pastStateSentAt = new Map<string, number>()
  /** Our words about past epochs, whatever the epoch and whoever asks: `PAST_STATES_PER_WINDOW` per `PAST_STATE_INTERVAL_MS`. */
  readonly pastStateBudget = new TokenBucket(PAST_STATES_PER_WINDOW, PAST_STATE_INTERVAL_MS)
  /** App-channel packets framed in epochs we have not reached. */
  readonly future: { epoch: bigint; payload: Uint8Array }[] = []
  /** Welcomes recorded, by joiner (hex), for re-sending to joiners who missed them (see {@link recordWelcome}). */
  readonly welcomes = new Map<string, MemberWelcome>()
  /**
   * Our own candidates that lost their round, by commit hash: the MLS state
   * with that commit pending, exported before it was discarded, and its
   * joiners. Other members may still have merged one (they selected it in a
   * round we saw fail), and MLS cannot stage our own commit: to follow them
   * we merge it from this state (`sync/own-candidates.ts`).
   */
  readonly ownCandidates = new Map<string, OwnCandidate>()
  /**
   * The commits we signed at one epoch, by the key of their changes
   * (`actionSetKey`) → commit hash (hex): we never sign a second commit
   * with the same changes at an epoch (that is evidence of equivocation,
   * `freeze/commit-equivocation.ts`); we offer the first again, or none.
   */
  minted: { epoch: bigint; byChanges: Map<string, string> } | undefined
  /** Broadcast Welcomes not (yet) matching a commit we merged, oldest first (see {@link noteWelcomeBroadcast}). */
  readonly unmatchedWelcomes: MemberWelcome[] = []
  lastRequestAt = Number.NEGATIVE_INFINITY
  /**
   * When we first heard each steward (hex) attest our epoch, for the epoch
   * we were at (`freeze/commit-flow.ts`: a late epoch steward gets its
   * inactivity window from then, once per epoch).
   */
  stewardsReached: { epoch: bigint; at: Map<string, number> } = { epoch: -1n, at: new Map() }
  /** The last commit request of another member that stands for ours (`sync/heard-requests.ts`): what it asked for, and when. */
  heardCommitRequest: { key: string; at: number } | undefined
  /** Our epoch when we first learnt that the group is one epoch ahead, and when (`sync/heard-requests.ts`). */
  oneBehindSince: { epoch: bigint; at: number } | undefined
  /** Highest epoch the group is known to have reached (from members' attestations and future packets). */
  knownEpoch = 0n
  /** When {@link CatchUpState.knownEpoch} was last raised or confirmed: a claim that never materialises decays. */
  knownEpochAt = Number.NEGATIVE_INFINITY
  /**
   * Members (hex) whose verified attestation named an epoch above ours, with
   * that epoch and when: a quorum of them means the group merged past our
   * epoch and we do not mint for it (`rules/group-ahead.ts`).
   */
  readonly aheadClaims = new Map<string, AheadClaim>()
  /** Our epoch when the first claim of a later one arrived, and when: we hold back from committing it for a bounded time only. */
  aheadSince: { epoch: bigint; at: number } | undefined
  /** Spacing of our catch-up requests: doubles while they bring nothing, back to 1 s when we advance. */
  requestBackoffMs = 1_000
  /** Our epoch when we last requested. */
  requestEpoch = -1n
  /** Signature checks of members' attestations (hex → the epoch claimed, when, and the result). */
  readonly claimChecks = new Map<string, { epoch: bigint; at: number; ok: boolean }>()
  /** When we last checked a commit request of each member (hex). */
  readonly requestChecks = new Map<string, number>()
  /** Budget of commit-replay bytes we send. */
  readonly replyBudget = new TokenBucket(AVAILABILITY_LIMITS.replyBytes, AVAILABILITY_LIMITS.budgetPeriodMs)
  /** Budget of proposal requests we broadcast. */
  readonly proposalRequestBudget = new TokenBucket(AVAILABILITY_LIMITS.proposalRequests, AVAILABILITY_LIMITS.budgetPeriodMs)
  /** Budget of handed-over certificates of approved work we verify (`voting/handover.ts`). */
  readonly handoverBudget = new TokenBucket(AVAILABILITY_LIMITS.handoverVerifications, AVAILABILITY_LIMITS.budgetPeriodMs)
  lastAttestAt = Number.NEGATIVE_INFINITY
  /** Proposals we hold votes for but not the proposal, by id: since when (`sync/missing-proposals.ts`). */
  readonly missingProposals = new Map<number, number>()
  /** Rate limits of proposal requests (ours) and re-sends (as owner), by proposal id. */
  readonly proposalRequestAt = new Map<number, number>()
  readonly proposalResendAt = new Map<number, number>()
  /**
   * A replay of the commit that left our epoch did not stage on our state: the group's epoch is not ours (we are
   * on another branch of it). We ask for the group's commit of the epoch we branched from until we switch, move
   * on, or the claim decays (`sync/replay.ts applyReplay`). `from`: the epoch of that commit when it is not the
   * one before ours (the group's commit of our branch point's epoch did not stage there either: the fork lies
   * earlier, at a prior branch point, `ConversationCore.priorBranches`).
   */
  offBranch: { epoch: bigint; at: number; from?: bigint } | undefined
  /** A better branch attested at our epoch, which we keep asking for until we switch (or the claim decays). */
  wantBranch: { epoch: bigint; commitHash: Uint8Array; committerRank: number; at: number } | undefined
  readonly lastReplyAt = new Map<string, number>()
  readonly lastWelcomeAt = new Map<string, number>()
  /** When we last checked a signed attestation of each member (hex), for the rate limit. */
  readonly attestationCheckedAt = new Map<string, number>()
}
