/**
 * What hostile input can make one member hold or do per conversation
 * (beyond the reference; issue "hostile peers cannot stall, flood or
 * capture"). Every buffer network input can grow has a count and a byte
 * budget; every claim that makes us send has to come from a member, and
 * decays when it never materialises.
 */
export const AVAILABILITY_LIMITS = Object.freeze({
  /** Packets framed more than this many epochs ahead of ours are dropped, not stashed. */
  futureHorizonEpochs: 64,
  /** Packets of future epochs kept. */
  futurePackets: 512,
  /** Bytes of packets of future epochs kept. */
  futureBytes: 4 * 1024 * 1024,
  /** Bytes of broadcast Welcomes kept until a merge matches them. */
  unmatchedWelcomeBytes: 1024 * 1024,
  /** Bytes of commit candidates held for one freeze round (and for its early stash). */
  roundBytes: 8 * 1024 * 1024,
  /** Bytes of packets a pending joiner keeps for after its Welcome. */
  joinBacklogBytes: 4 * 1024 * 1024,
  /** A claim that the group is ahead (or on a better branch) is dropped when it has not materialised within this. */
  claimTtlMs: 60_000,
  /** Our catch-up requests back off (doubling from 1 s) up to this while they bring nothing. */
  requestBackoffMaxMs: 30_000,
  /** A commit request must be signed within this much of our clock. */
  requestSkewMs: 60_000,
  /** Bytes of commit replays we send per `budgetPeriodMs`. */
  replyBytes: 1024 * 1024,
  /** Proposal requests we broadcast per `budgetPeriodMs`. */
  proposalRequests: 8,
  /** Handed-over certificates of approved work we verify per `budgetPeriodMs` (each costs a signature check per vote; `voting/handover.ts`). */
  handoverVerifications: 16,
  budgetPeriodMs: 10_000,
})
