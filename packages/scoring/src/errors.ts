import { DemlsError } from '@demls/wire'

/**
 * A score, delta or threshold is not a signed 64-bit integer (`bigint`, or a safe-integer `number`).
 *
 * @example
 * ```ts
 * import { InvalidScoreError, toScore } from '@demls/scoring'
 * try {
 *   toScore(1.5)
 * } catch (err) {
 *   if (err instanceof InvalidScoreError) console.log(err.code) // 'INVALID_SCORE'
 * }
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { MissingCreatorError, brokenCommit, emergencyUpdateRequest } from '@demls/scoring'
 * try {
 *   emergencyUpdateRequest(brokenCommit(new Uint8Array(20).fill(2), 3n)) // no withCreator()
 * } catch (err) {
 *   if (err instanceof MissingCreatorError) console.log(err.code) // 'MISSING_CREATOR'
 * }
 * ```
 */
export class MissingCreatorError extends DemlsError {
  constructor() {
    super('violation evidence has no creator_member_id: call withCreator() first', 'MISSING_CREATOR')
    this.name = 'MissingCreatorError'
  }
}

/**
 * An epoch passed to an evidence constructor is not a u64.
 *
 * @example
 * ```ts
 * import { InvalidEvidenceEpochError, brokenCommit } from '@demls/scoring'
 * try {
 *   brokenCommit(new Uint8Array(20).fill(2), -1)
 * } catch (err) {
 *   if (err instanceof InvalidEvidenceEpochError) console.log(err.code, err.value) // 'INVALID_EVIDENCE_EPOCH' -1
 * }
 * ```
 */
export class InvalidEvidenceEpochError extends DemlsError {
  /** The rejected value. */
  readonly value: unknown

  constructor(value: unknown) {
    super(`invalid evidence epoch ${String(value)}: need an integer in [0, 2^64)`, 'INVALID_EVIDENCE_EPOCH')
    this.name = 'InvalidEvidenceEpochError'
    this.value = value
  }
}
