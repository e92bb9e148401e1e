/**
 * The de-MLS steward list (reference `vacp2p/de-mls` 4.x `steward_list`):
 * deterministic generation by SHA-256 ordering, size bounds, epoch and
 * backup steward rotation with an eligibility walk, the election proposer,
 * retry rounds, validation of proposed lists, the settled-members reconcile
 * rule, and a stateful {@link StewardListService}. The algorithm sits
 * behind the {@link StewardListPlugin} contract; the default is
 * {@link deterministicStewardList}.
 *
 * @example
 * ```ts
 * import { StewardListService, generateStewardList } from '@demls/steward'
 *
 * const id = (n: number) => new Uint8Array(20).fill(n)
 * const members = [id(1), id(2), id(3), id(4)]
 *
 * // Pure generation: the ordered steward ids for epoch 7.
 * const list = generateStewardList({
 *   epoch: 7n,
 *   retryRound: 0,
 *   members,
 *   conversationId: 'chat',
 *   config: { snMin: 1, snMax: 3, allowSubsetCandidates: false },
 * })
 * console.log(list.length) // 3
 *
 * // Stateful roster with rotation queries.
 * const svc = new StewardListService({ config: { snMin: 1, snMax: 3 }, conversationId: 'chat' })
 * svc.installList(7n, members)
 * const { epochSteward, backup } = svc.epochAndBackup(8n)
 * console.log(epochSteward !== undefined, backup !== undefined) // true true
 * console.log(svc.isExhausted(10n)) // true
 * ```
 *
 * @packageDocumentation
 */
export { memberIdHex } from './bytes.js'
export {
  DEFAULT_STEWARD_LIST_CONFIG,
  type ListSizeBounds,
  computeListSize,
  isValidListSize,
  listSizeBounds,
  stewardListConfig,
} from './config/config.js'
export {
  EmptyMembersListError,
  InvalidConfigSizeError,
  InvalidEpochError,
  InvalidListSizeError,
  InvalidRetryRoundError,
  NoStewardListError,
} from './errors.js'
export {
  createStewardList,
  generateStewardList,
  sortStewardCandidates,
  validateStewardList,
} from './generation/generate.js'
export { conversationIdBytes, toEpoch, toRetryRound } from './generation/inputs.js'
export { stewardSortKey } from './generation/sort-key.js'
export { DEFAULT_STEWARD_LIST_PLUGIN, deterministicStewardList } from './plugin/deterministic.js'
export {
  type JoinEpochLookup,
  type ReconcileDecision,
  type ReconcileInit,
  decideReconcile,
  settledMembers,
} from './reconcile/settled.js'
export {
  electionProposer,
  epochAndBackup,
  epochSteward,
  isListExhausted,
  listContains,
  stewardMembers,
} from './rotation/rotation.js'
export {
  DEFAULT_MAX_RETRIES,
  type ElectionDecision,
  ElectionSkip,
  type ProposeElectionInit,
  StewardListService,
  type StewardListServiceInit,
  type StewardListSnapshot,
} from './service/service.js'
export type {
  ConversationIdInput,
  Eligibility,
  EpochAndBackup,
  EpochInput,
  GenerateStewardListInit,
  MemberId,
  StewardList,
  StewardListConfig,
  StewardListConfigInit,
  StewardListPlugin,
  ValidateStewardListInit,
} from './types.js'
