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
 */
export function brokenCommit(target: MemberId, epoch: bigint | number, payload: Uint8Array = new Uint8Array(0)): ViolationEvidence {
  return evidence(ViolationType.BROKEN_COMMIT, target, epoch, payload)
}

/** Evidence of a `BROKEN_MLS_PROPOSAL` (MLS proposal does not match the voted action). See {@link brokenCommit}. */
export function brokenMlsProposal(
  target: MemberId,
  epoch: bigint | number,
  payload: Uint8Array = new Uint8Array(0),
): ViolationEvidence {
  return evidence(ViolationType.BROKEN_MLS_PROPOSAL, target, epoch, payload)
}

/** Evidence of `CENSORSHIP_INACTIVITY` (the steward did not commit in time). See {@link brokenCommit}. */
export function censorshipInactivity(
  target: MemberId,
  epoch: bigint | number,
  payload: Uint8Array = new Uint8Array(0),
): ViolationEvidence {
  return evidence(ViolationType.CENSORSHIP_INACTIVITY, target, epoch, payload)
}

/** Evidence of a `MISBEHAVING_COMMIT` (e.g. committer not on the steward list). See {@link brokenCommit}. */
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
 */
export function scoreBelowThreshold(target: MemberId, epoch: bigint | number, score: ScoreInput): ViolationEvidence {
  const payload = new Uint8Array(8)
  new DataView(payload.buffer).setBigInt64(0, toScore(score), true)
  return evidence(ViolationType.SCORE_BELOW_THRESHOLD, target, epoch, payload)
}

/** Evidence of a protocol `DEADLOCK` at `epoch` (Layer 3 recovery): no target, empty payload. */
export function deadlock(epoch: bigint | number): ViolationEvidence {
  return evidence(ViolationType.DEADLOCK, new Uint8Array(0), epoch, new Uint8Array(0))
}

/**
 * Read the score from a `SCORE_BELOW_THRESHOLD` payload (i64 little-endian);
 * `undefined` unless the payload is exactly 8 bytes.
 */
export function scoreFromEvidencePayload(payload: Uint8Array): bigint | undefined {
  if (payload.length !== 8) return undefined
  return new DataView(payload.buffer, payload.byteOffset, 8).getBigInt64(0, true)
}

/** A copy of `evidence` with `creatorMemberId` set (mandatory before {@link emergencyUpdateRequest}). */
export function withCreator<E extends ViolationEvidenceInit>(evidence: E, creator: MemberId): E {
  return { ...evidence, creatorMemberId: creator.slice() }
}

/**
 * Wrap evidence into the `ConversationUpdateRequest` of an
 * `EmergencyCriteriaProposal` (the payload of the consensus proposal).
 *
 * @throws {MissingCreatorError} when the evidence has no (or an empty) creator
 */
export function emergencyUpdateRequest(evidence: ViolationEvidenceInit): ConversationUpdateRequestInit {
  if (evidence.creatorMemberId == null || evidence.creatorMemberId.length === 0) throw new MissingCreatorError()
  return { payload: 'emergencyCriteria', emergencyCriteria: { evidence } }
}

/** Human-readable label of a violation type (for UIs). */
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
