/**
 * de-MLS consensus, wire- and outcome-compatible with the Rust crate
 * hashgraph-like-consensus 0.5.1: proposals, hash-chained votes signed with
 * Ethereum personal-message signatures (EIP-191, secp256k1), the crate's
 * result rule ({@link consensusResult}: ceil(2n/3), n ≤ 2 unanimity, silent
 * voters weighed by the liveness flag, tie → liveness, undecided at timeout
 * → failed) and sessions per scope ({@link ConsensusService}). Sans-I/O:
 * every time-dependent call takes `now` in milliseconds.
 *
 * @example
 * ```ts
 * import {
 *   ConsensusService,
 *   EthereumSigner,
 *   InMemoryConsensusStorage,
 *   defaultConsensusPlugin,
 * } from '@demls/consensus'
 * import { decodeProposal, decodeVote, encodeProposal, encodeVote } from '@demls/wire'
 *
 * const key = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16)))
 * const alice = new ConsensusService({
 *   plugin: defaultConsensusPlugin(new EthereumSigner(key('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'))),
 * })
 * const bob = new ConsensusService({
 *   plugin: defaultConsensusPlugin(new EthereumSigner(key('59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')), {
 *     storage: new InMemoryConsensusStorage(),
 *   }),
 * })
 *
 * const now = 1_700_000_000_000
 * // Alice opens a proposal for a 3-member group with her YES bundled.
 * const proposal = alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 3, vote: true }, now)
 * bob.receiveProposal('chat', decodeProposal(encodeProposal(proposal)), now + 100)
 * // Bob votes YES: 2 of 3 ≥ ceil(2·3/3) → decided.
 * const vote = bob.castVote('chat', proposal.proposalId, true, now + 200)
 * alice.receiveVote('chat', decodeVote(encodeVote(vote)), now + 300)
 * console.log(alice.drainEvents()) // [{ type: 'ConsensusReached', result: true, … }]
 * ```
 *
 * @packageDocumentation
 */
export {
  AlreadyVotedError,
  ClockSkewError,
  InvalidConsensusArgumentError,
  InvalidHashChainError,
  InvalidProposalError,
  InvalidSignatureError,
  InvalidVoteError,
  type InvalidVoteReason,
  ProposalExpiredError,
  SessionLimitError,
  SessionNotActiveError,
  SessionNotFoundError,
  SessionQuotaError,
  UnauthorizedError,
} from './errors.js'
export { defaultRandom, foldUuid, randomId, randomUuid, randomUuidBytes } from './ids/random-id.js'
export type {
  AggregateProofBuild,
  AggregateProofContext,
  AggregateProofVerdict,
  AggregateVote,
  AggregateVoteContext,
  AggregationBindingVerdict,
  AggregationMemberKeys,
  ConsensusAggregation,
} from './plugin/aggregation.js'
export {
  DEFAULT_CONSENSUS_PLUGIN_ID,
  DEFAULT_CONSENSUS_PLUGIN_VERSION,
  type DefaultConsensusPluginInit,
  defaultConsensusPlugin,
} from './plugin/default-plugin.js'
export { DEFAULT_PROPOSAL_EXPIRATION_SECONDS, type ProposalInit, createProposal } from './proposal/create-proposal.js'
export { consensusResult, requiredVotes } from './rule/consensus-result.js'
export type {
  AcceptedResult,
  BufferedResult,
  ClockSkewTolerance,
  ConflictingResult,
  DuplicateResult,
  LateResult,
  ProposalPriority,
  ReceiveOptions,
  ReceiveProposalResult,
  ReceiveVoteResult,
  TimeoutResult,
} from './session/results.js'
export {
  ConsensusService,
  type ConsensusServiceInit,
  type CreateProposalInit,
  DEFAULT_MAX_SESSIONS_PER_SCOPE,
  DEFAULT_PENDING_VOTE_LIMIT,
  DEFAULT_PENDING_VOTE_MAX_BYTES,
  DEFAULT_RESOLVED_CACHE_SIZE,
  type SessionQuotas,
  checkProposalClock,
  checkSessionQuota,
  maxOwnerNormalSessions,
  recommendedSessionQuotas,
  voteByteSize,
} from './session/service.js'
export { nowSeconds } from './session/time.js'
// EIP-191 signing and recovery live in @demls/eip191 (shared with
// @demls/mls, native backend in Node); re-exported so this API is unchanged.
export {
  ADDRESS_LENGTH,
  SIGNATURE_LENGTH,
  addressFromPublicKey,
  ethereumAddress,
  hashPersonalMessage,
  recoverPersonalMessageAddress,
  signPersonalMessage,
  signatureBackend,
  verifyPersonalMessage,
} from '@demls/eip191'
export type { Secp256k1Backend } from '@demls/eip191'
export { DEFAULT_RECOVERY_CACHE_SIZE, EthereumSigner } from './signer/ethereum-signer.js'
export { InMemoryConsensusStorage } from './storage/in-memory.js'
export type {
  ConsensusEvent,
  ConsensusFailedEvent,
  ConsensusOutcome,
  ConsensusPlugin,
  ConsensusReachedEvent,
  ConsensusRule,
  ConsensusSession,
  ConsensusSigner,
  ConsensusStorage,
  ConsensusTally,
  RandomSource,
  SessionState,
} from './types.js'
export { type BuildVoteInit, buildVote } from './vote/build-vote.js'
export { toVote } from './vote/normalize.js'
export { computeVoteHash } from './vote/vote-hash.js'
export { checkVoteWindow, validateVote, validateVoteChain, verifyVoteIntegrity } from './vote/validate-vote.js'
