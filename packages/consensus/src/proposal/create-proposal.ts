import type { Proposal } from '@demls/wire'
import { InvalidProposalError } from '../errors.js'
import { defaultRandom, randomId, randomUuid } from '../ids/random-id.js'
import type { RandomSource } from '../types.js'
import { nowSeconds } from '../session/time.js'

/** Default proposal lifetime, seconds (de-mls's `proposal_expiration`). */
export const DEFAULT_PROPOSAL_EXPIRATION_SECONDS = 600

/**
 * Input of {@link createProposal}.
 *
 * @example
 * ```ts
 * import { type ProposalInit, createProposal, ethereumAddress } from '@demls/consensus'
 * const init: ProposalInit = {
 *   name: 'remove bob',
 *   payload: new TextEncoder().encode('remove:bob'),
 *   owner: ethereumAddress(crypto.getRandomValues(new Uint8Array(32))),
 *   expectedVotersCount: 5,
 *   expirationSeconds: 120,
 * }
 * const proposal = createProposal(init, Date.now())
 * ```
 */
export interface ProposalInit {
  /**
   * Human-readable name.
   * @default a random UUIDv4 string
   */
  name?: string
  /** Opaque payload (in de-mls: an encoded `ConversationUpdateRequest`). */
  payload: Uint8Array
  /** The proposer's identity (`signer.identity`). */
  owner: Uint8Array
  /** How many voters are expected (n, the member count). Must be ≥ 1. */
  expectedVotersCount: number
  /**
   * Lifetime in whole seconds; `expirationTimestamp = timestamp + expirationSeconds`.
   * @default 600
   */
  expirationSeconds?: number
  /**
   * Silent voters count as YES.
   * @default true
   */
  livenessCriteriaYes?: boolean
  /**
   * Fixed proposal id (de-mls uses one for self-leave).
   * @default a random UUIDv4 folded to u32
   */
  proposalId?: number
  /**
   * Random source for the id and name.
   * @default crypto.getRandomValues
   */
  random?: RandomSource
}

/**
 * Create a proposal without votes, round 1 (gossipsub round semantics),
 * `timestamp` = `now` in Unix seconds.
 *
 * @param now - milliseconds since the Unix epoch
 * @throws {InvalidProposalError} when `expectedVotersCount` is not in [1, 2^32 − 1] or `expirationSeconds` is not a positive integer
 *
 * @example
 * ```ts
 * import { createProposal, ethereumAddress } from '@demls/consensus'
 * const owner = ethereumAddress(crypto.getRandomValues(new Uint8Array(32)))
 * const proposal = createProposal({ payload: new Uint8Array([1]), owner, expectedVotersCount: 3 }, Date.now())
 * console.log(proposal.proposalId, proposal.expirationTimestamp - proposal.timestamp) // … 600n
 * ```
 */
export function createProposal(init: ProposalInit, now: number): Proposal {
  const random = init.random ?? defaultRandom
  const n = init.expectedVotersCount
  if (!Number.isInteger(n) || n < 1 || n > 0xffff_ffff) {
    throw new InvalidProposalError(`expectedVotersCount must be an integer in [1, 2^32 - 1], got ${n}`)
  }
  const lifetime = init.expirationSeconds ?? DEFAULT_PROPOSAL_EXPIRATION_SECONDS
  if (!Number.isSafeInteger(lifetime) || lifetime <= 0) {
    throw new InvalidProposalError(`expirationSeconds must be a positive integer, got ${lifetime}`)
  }
  if (init.proposalId !== undefined && (!Number.isInteger(init.proposalId) || init.proposalId < 0 || init.proposalId > 0xffff_ffff)) {
    throw new InvalidProposalError('proposalId must be a u32')
  }
  const timestamp = nowSeconds(now)
  return {
    name: init.name ?? randomUuid(random),
    payload: init.payload,
    proposalId: init.proposalId ?? randomId(random),
    proposalOwner: init.owner,
    votes: [],
    expectedVotersCount: n,
    round: 1,
    timestamp,
    expirationTimestamp: timestamp + BigInt(lifetime),
    livenessCriteriaYes: init.livenessCriteriaYes ?? true,
  }
}
