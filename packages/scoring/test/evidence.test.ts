import { ViolationType, decodeConversationUpdateRequest, encodeConversationUpdateRequest, encodeViolationEvidence, decodeViolationEvidence } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import {
  MissingCreatorError,
  brokenCommit,
  brokenMlsProposal,
  censorshipInactivity,
  deadlock,
  emergencyScoreOps,
  emergencyUpdateRequest,
  misbehavingCommit,
  scoreBelowThreshold,
  scoreFromEvidencePayload,
  violationLabel,
  withCreator,
} from '../src/index.js'

const bob = new Uint8Array(20).fill(2)
const alice = new Uint8Array(20).fill(1)

describe('ViolationEvidence constructors', () => {
  it('set type, target, epoch, payload and an empty creator', () => {
    const payload = new Uint8Array([1, 2, 3])
    const cases = [
      [brokenCommit(bob, 3n, payload), ViolationType.BROKEN_COMMIT],
      [brokenMlsProposal(bob, 3, payload), ViolationType.BROKEN_MLS_PROPOSAL],
      [censorshipInactivity(bob, 3n, payload), ViolationType.CENSORSHIP_INACTIVITY],
      [misbehavingCommit(bob, 3, payload), ViolationType.MISBEHAVING_COMMIT],
    ] as const
    for (const [ev, vt] of cases) {
      expect(ev).toEqual({ violationType: vt, targetMemberId: bob, evidencePayload: payload, epoch: 3n, creatorMemberId: new Uint8Array() })
    }
    expect(brokenCommit(bob, 0).evidencePayload).toEqual(new Uint8Array())
  })

  it('scoreBelowThreshold encodes the score as i64 little-endian', () => {
    const ev = scoreBelowThreshold(bob, 9n, -10n)
    expect(ev.violationType).toBe(ViolationType.SCORE_BELOW_THRESHOLD)
    expect([...ev.evidencePayload]).toEqual([0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    expect(scoreFromEvidencePayload(ev.evidencePayload)).toBe(-10n)
    expect([...scoreBelowThreshold(bob, 9n, 0x0102).evidencePayload]).toEqual([2, 1, 0, 0, 0, 0, 0, 0])
    expect(scoreFromEvidencePayload(scoreBelowThreshold(bob, 0, -(2n ** 63n)).evidencePayload)).toBe(-(2n ** 63n))
    expect(scoreFromEvidencePayload(new Uint8Array(7))).toBeUndefined()
  })

  it('deadlock has no target', () => {
    const ev = deadlock(12n)
    expect(ev.violationType).toBe(ViolationType.DEADLOCK)
    expect(ev.targetMemberId.length).toBe(0)
    expect(ev.epoch).toBe(12n)
  })

  it('withCreator is mandatory before wrapping into an update request', () => {
    const ev = brokenCommit(bob, 3n)
    expect(() => emergencyUpdateRequest(ev)).toThrow(MissingCreatorError)
    expect(() => emergencyUpdateRequest(withCreator(ev, new Uint8Array()))).toThrow(
      expect.objectContaining({ name: 'MissingCreatorError', code: 'MISSING_CREATOR' }),
    )
    const signed = withCreator(ev, alice)
    expect(ev.creatorMemberId.length).toBe(0) // not mutated
    const req = emergencyUpdateRequest(signed)
    expect(req.payload).toBe('emergencyCriteria')
    const decoded = decodeConversationUpdateRequest(encodeConversationUpdateRequest(req))
    expect(decoded.payload).toBe('emergencyCriteria')
    expect(decoded.emergencyCriteria?.evidence).toEqual(signed)
  })

  it('evidence round-trips through the wire codec and scores as expected', () => {
    const ev = withCreator(scoreBelowThreshold(bob, 2n ** 60n, -1n), alice)
    const back = decodeViolationEvidence(encodeViolationEvidence(ev))
    expect(back).toEqual(ev)
    expect(emergencyScoreOps(back, true).map((o) => o.event)).toEqual(['EmergencyYesCreator'])
  })

  it('rejects a bad epoch', () => {
    expect(() => deadlock(-1)).toThrow(expect.objectContaining({ name: 'InvalidEvidenceEpochError', code: 'INVALID_EVIDENCE_EPOCH' }))
    expect(() => deadlock(2n ** 64n)).toThrow(expect.objectContaining({ name: 'InvalidEvidenceEpochError' }))
  })

  it('labels', () => {
    expect(violationLabel(ViolationType.DEADLOCK)).toBe('Protocol deadlock')
    expect(violationLabel(42)).toBe('Unknown violation (42)')
  })
})
