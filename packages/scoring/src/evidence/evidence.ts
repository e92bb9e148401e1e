import {
  type ConversationUpdateRequestInit,
  type ViolationEvidence,
  type ViolationEvidenceInit,
  ViolationType,
} from '@demls/wire'
import { InvalidEvidenceEpochError, MissingCreatorError } from '../errors.js'
import { type ScoreInput, toScore } from '../score/i64.js'
import type { MemberId } from '../types.js'

const U64_MAX = (1n << 64n) - 1n

function toEpoch(epoch: bigint | number): bigint {
  if (typeof epoch === 'bigint') {
    if (epoch < 0n || epoch > U64_MAX) throw new InvalidEvidenceEpochError(epoch)
    return epoch
  }
  if (Number.isSafeInteger(epoch) && epoch >= 0) return BigInt(epoch)
  throw new InvalidEvidenceEpochError(epoch)
}

function evidence(
  violationType: ViolationType,
  target: MemberId,
  epoch: bigint | number,
  payload: Uint8Array,
): ViolationEvidence {
  return {
    violationType,
    targetMemberId: target.slice(),
    evidencePayload: payload.slice(),
    epoch: toEpoch(epoch),
    creatorMemberId: new Uint8Array(0),
  }
}

/**
 * Evidence of a `BROKEN_COMMIT` by `target` at `epoch` (commit does not match
 * the voted proposals, bundle sender mismatch, forged author). The returned
 * value is a complete wire `ViolationEvidence` (also a valid
 * `ViolationEvidenceInit`) with an empty creator: add it with
 * {@link withCreator}.
 *
 * @example
 * ```ts
 * import { brokenCommit, emergencyUpdateRequest, withCreator } from '@demls/scoring'
 * const [alice, bob] = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const evidence = withCreator(brokenCommit(bob!, 7n), alice!) // bob's commit for epoch 7 did not apply
 * const request = emergencyUpdateRequest(evidence) // put to a vote
 * ```
 */
export function brokenCommit(target: MemberId, epoch: bigint | number, payload: Uint8Array = new Uint8Array(0)): ViolationEvidence {
  return evidence(ViolationType.BROKEN_COMMIT, target, epoch, payload)
}

/**
 * Evidence of a `BROKEN_MLS_PROPOSAL` (MLS proposal does not match the voted action). See {@link brokenCommit}.
 *
 * @example
 * ```ts
 * import { brokenMlsProposal } from '@demls/scoring'
 * const evidence = brokenMlsProposal(new Uint8Array(20).fill(2), 4n, new Uint8Array([0xde, 0xad]))
 * ```
 */
export function brokenMlsProposal(
  target: MemberId,
  epoch: bigint | number,
  payload: Uint8Array = new Uint8Array(0),
): ViolationEvidence {
  return evidence(ViolationType.BROKEN_MLS_PROPOSAL, target, epoch, payload)
}

/**
 * Evidence of `CENSORSHIP_INACTIVITY` (the steward did not commit in time). See {@link brokenCommit}.
 *
 * @example
 * ```ts
 * import { censorshipInactivity } from '@demls/scoring'
 * const silentSteward = new Uint8Array(20).fill(3)
 * const evidence = censorshipInactivity(silentSteward, 12n) // no commit in its epoch
 * ```
 */
export function censorshipInactivity(
  target: MemberId,
  epoch: bigint | number,
  payload: Uint8Array = new Uint8Array(0),
): ViolationEvidence {
  return evidence(ViolationType.CENSORSHIP_INACTIVITY, target, epoch, payload)
}

/**
 * Evidence of a `MISBEHAVING_COMMIT` (e.g. committer not on the steward list). See {@link brokenCommit}.
 *
 * @example
 * ```ts
 * import { misbehavingCommit } from '@demls/scoring'
 * const evidence = misbehavingCommit(new Uint8Array(20).fill(9), 5n) // committed what was not voted
 * ```
 */
export function misbehavingCommit(
  target: MemberId,
  epoch: bigint | number,
  payload: Uint8Array = new Uint8Array(0),
): ViolationEvidence {
  return evidence(ViolationType.MISBEHAVING_COMMIT, target, epoch, payload)
}

/**
 * Evidence that `target`'s score is at or below the threshold
 * (`SCORE_BELOW_THRESHOLD`); the payload is the score as i64 little-endian.
 *
 * @throws {InvalidScoreError} when `score` is not an i64
 *
 * @example
 * ```ts
 * import { scoreBelowThreshold, scoreFromEvidencePayload } from '@demls/scoring'
 * const evidence = scoreBelowThreshold(new Uint8Array(20).fill(4), 8n, -50n)
 * scoreFromEvidencePayload(evidence.evidencePayload) // -50n
 * ```
 */
export function scoreBelowThreshold(target: MemberId, epoch: bigint | number, score: ScoreInput): ViolationEvidence {
  const payload = new Uint8Array(8)
  new DataView(payload.buffer).setBigInt64(0, toScore(score), true)
  return evidence(ViolationType.SCORE_BELOW_THRESHOLD, target, epoch, payload)
}

/**
 * Evidence of a protocol `DEADLOCK` at `epoch` (Layer 3 recovery): no target, empty payload.
 *
 * @example
 * ```ts
 * import { deadlock, violationLabel } from '@demls/scoring'
 * const evidence = deadlock(20n) // no target: the group is stuck at epoch 20
 * console.log(violationLabel(evidence.violationType))
 * ```
 */
export function deadlock(epoch: bigint | number): ViolationEvidence {
  return evidence(ViolationType.DEADLOCK, new Uint8Array(0), epoch, new Uint8Array(0))
}

/**
 * Read the score from a `SCORE_BELOW_THRESHOLD` payload (i64 little-endian);
 * `undefined` unless the payload is exactly 8 bytes.
 *
 * @example
 * ```ts
 * import { scoreFromEvidencePayload } from '@demls/scoring'
 * scoreFromEvidencePayload(new Uint8Array(3)) // undefined: not an 8-byte score
 * ```
 */
export function scoreFromEvidencePayload(payload: Uint8Array): bigint | undefined {
  if (payload.length !== 8) return undefined
  return new DataView(payload.buffer, payload.byteOffset, 8).getBigInt64(0, true)
}

/**
 * A copy of `evidence` with `creatorMemberId` set (mandatory before {@link emergencyUpdateRequest}).
 *
 * @example
 * ```ts
 * import { censorshipInactivity, withCreator } from '@demls/scoring'
 * const [me, steward] = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const evidence = withCreator(censorshipInactivity(steward!, 3n), me!) // creatorMemberId = me
 * ```
 */
export function withCreator<E extends ViolationEvidenceInit>(evidence: E, creator: MemberId): E {
  return { ...evidence, creatorMemberId: creator.slice() }
}

/**
 * Wrap evidence into the `ConversationUpdateRequest` of an
 * `EmergencyCriteriaProposal` (the payload of the consensus proposal).
 *
 * @throws {MissingCreatorError} when the evidence has no (or an empty) creator
 *
 * @example
 * ```ts
 * import { emergencyUpdateRequest, misbehavingCommit, withCreator } from '@demls/scoring'
 * const [alice, mallory] = [1, 9].map((n) => new Uint8Array(20).fill(n))
 * const request = emergencyUpdateRequest(withCreator(misbehavingCommit(mallory!, 5n), alice!))
 * console.log(request.payload) // 'emergencyCriteria'
 * ```
 */
export function emergencyUpdateRequest(evidence: ViolationEvidenceInit): ConversationUpdateRequestInit {
  if (evidence.creatorMemberId == null || evidence.creatorMemberId.length === 0) throw new MissingCreatorError()
  return { payload: 'emergencyCriteria', emergencyCriteria: { evidence } }
}

/**
 * Human-readable label of a violation type (for UIs).
 *
 * @example
 * ```ts
 * import { violationLabel } from '@demls/scoring'
 * import { ViolationType } from '@demls/wire'
 * violationLabel(ViolationType.BROKEN_COMMIT) // 'Broken commit'
 * ```
 */
export function violationLabel(violationType: ViolationType): string {
  switch (violationType) {
    case ViolationType.BROKEN_COMMIT:
      return 'Broken commit'
    case ViolationType.BROKEN_MLS_PROPOSAL:
      return 'Broken MLS proposal'
    case ViolationType.CENSORSHIP_INACTIVITY:
      return 'Censorship / inactivity'
    case ViolationType.SCORE_BELOW_THRESHOLD:
      return 'Score below threshold'
    case ViolationType.DEADLOCK:
      return 'Protocol deadlock'
    case ViolationType.MISBEHAVING_COMMIT:
      return 'Misbehaving commit'
    case ViolationType.VIOLATION_UNSPECIFIED:
      return 'Unspecified violation'
    default:
      return `Unknown violation (${violationType})`
  }
}
