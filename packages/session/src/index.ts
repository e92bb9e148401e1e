/**
 * de-MLS conversations. This release holds the pure protocol core that the
 * `Conversation` state machine is built on (`Conversation` and the `User`
 * driver land next): the conversation configuration with the reference
 * defaults, the phase state machine, proposal priorities (partial freeze),
 * the per-conversation queues, the queue effects of a resolved proposal,
 * the freeze round's candidate buffer, the deterministic commit prefix,
 * the candidate selection order, and `ConversationSync` validation.
 *
 * @example
 * ```ts
 * import { ConversationQueues, applyConsensusResult, commitPrefix, resolveConfig } from '@demls/session'
 *
 * const config = resolveConfig({ commitInactivityMs: 2_000 })
 * const queues = new ConversationQueues()
 * const joiner = new Uint8Array(20).fill(7)
 * applyConsensusResult(queues, 1, true, {
 *   payload: 'memberInvite',
 *   memberInvite: { memberId: joiner, keyPackageBytes: new Uint8Array([1]) },
 * })
 * const prefix = commitPrefix({ approved: queues.approvedMlsWork(), isMember: () => false, max: config.commitBatchMax })
 * console.log(prefix.map((e) => e.action)) // ['add']
 * ```
 *
 * @packageDocumentation
 */
export {
  type ConversationConfig,
  type ConversationConfigInit,
  DEFAULT_CONVERSATION_CONFIG,
  type StewardBounds,
  applyTiming,
  resolveConfig,
  toTiming,
  votingInactivityWindow,
} from './conversation/config.js'
export { type ProposalKind, isLowerPriority, proposalKindOf } from './conversation/proposal-kind.js'
export {
  BoundedSet,
  ConversationQueues,
  type PendingUpdate,
  type ProposalId,
  targetKey,
  targetMemberId,
} from './conversation/queues.js'
export { type ConversationState, type OperatingMode, StateMachine } from './conversation/state-machine.js'
export { ConversationBlockedError, InvalidConfigError, InvalidSyncError, PartialFreezeError } from './errors.js'
export {
  type BufferedCandidate,
  type CandidateDropReason,
  FreezeRounds,
  type MlsMessageKind,
  type OfferOutcome,
  commitHashOf,
  precheckCandidate,
} from './freeze/candidate-buffer.js'
export {
  type CommitAction,
  type CommitPrefixInit,
  type PrefixEntry,
  type RankedCandidate,
  actionSetKey,
  commitPrefix,
  orderCandidates,
} from './freeze/selection-order.js'
export { type SyncRejectReason, type SyncValidationContext, validateSync } from './sync/validate-sync.js'
export { type ConsensusApplyResult, applyConsensusResult } from './voting/apply-result.js'
