import { DemlsError } from '@demls/wire'

/** A score, delta or threshold is not a signed 64-bit integer (`bigint`, or a safe-integer `number`). */
export class InvalidScoreError extends DemlsError {
  /** The rejected value. */
  readonly value: unknown

  constructor(value: unknown, what = 'score') {
    super(`invalid ${what} ${String(value)}: need an integer in [-2^63, 2^63)`, 'INVALID_SCORE')
    this.name = 'InvalidScoreError'
    this.value = value
  }
}

/**
 * A `ViolationEvidence` without a creator was wrapped into an
 * `EmergencyCriteriaProposal` update request; call `withCreator` first
 * (reference: `into_update_request` errors on an empty creator).
 */
export class MissingCreatorError extends DemlsError {
  constructor() {
    super('violation evidence has no creator_member_id: call withCreator() first', 'MISSING_CREATOR')
    this.name = 'MissingCreatorError'
  }
}

/** An epoch passed to an evidence constructor is not a u64. */
export class InvalidEvidenceEpochError extends DemlsError {
  /** The rejected value. */
  readonly value: unknown

  constructor(value: unknown) {
    super(`invalid evidence epoch ${String(value)}: need an integer in [0, 2^64)`, 'INVALID_EVIDENCE_EPOCH')
    this.name = 'InvalidEvidenceEpochError'
    this.value = value
  }
}
