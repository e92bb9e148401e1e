import { createStewardList, validateStewardList } from '../generation/generate.js'
import {
  electionProposer,
  epochAndBackup,
  epochSteward,
  isListExhausted,
  stewardMembers,
} from '../rotation/rotation.js'
import type { StewardListPlugin } from '../types.js'

/**
 * The reference steward-list algorithm: SHA-256 ordering
 * (`epoch u64 BE ‖ retry u32 BE ‖ member ‖ conversation`), cyclic rotation
 * from `(epoch − electionEpoch) mod length` with an eligibility walk.
 */
export const deterministicStewardList: StewardListPlugin = Object.freeze({
  id: 'de-mls/steward-list/sha256-deterministic',
  version: '1.0.0',
  generate: createStewardList,
  validate: validateStewardList,
  isExhausted: isListExhausted,
  epochSteward,
  epochAndBackup,
  electionProposer,
  stewardMembers,
})

/** The default {@link StewardListPlugin}: {@link deterministicStewardList}. */
export const DEFAULT_STEWARD_LIST_PLUGIN: StewardListPlugin = deterministicStewardList
