import { type ConversationUpdateRequestInit, ViolationType } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { ScoreEvent, emergencyScoreOps, emergencyScoreOpsForRequest, scoringMemberDiff } from '../src/index.js'

const AA = new Uint8Array([0xaa])
const BB = new Uint8Array([0xbb])

function ecpRequest(violationType: number, target: Uint8Array, creator: Uint8Array): ConversationUpdateRequestInit {
  return {
    payload: 'emergencyCriteria',
    emergencyCriteria: {
      evidence: { violationType, targetMemberId: target, evidencePayload: new Uint8Array(), epoch: 0n, creatorMemberId: creator },
    },
  }
}

describe('peer_scoring/helpers.rs', () => {
  it('approved_broken_commit_emits_reward_and_target_penalty', () => {
    const ops = emergencyScoreOpsForRequest(ecpRequest(ViolationType.BROKEN_COMMIT, AA, BB), true)
    expect(ops).toEqual([
      { memberId: BB, event: ScoreEvent.EmergencyYesCreator },
      { memberId: AA, event: ScoreEvent.BrokenCommit },
    ])
  })

  it('approved_deadlock_emits_reward_only', () => {
    const ops = emergencyScoreOpsForRequest(ecpRequest(ViolationType.DEADLOCK, new Uint8Array(), BB), true)
    expect(ops).toEqual([{ memberId: BB, event: ScoreEvent.EmergencyYesCreator }])
  })

  it('approved_score_below_threshold_emits_reward_only', () => {
    const ops = emergencyScoreOpsForRequest(ecpRequest(ViolationType.SCORE_BELOW_THRESHOLD, AA, BB), true)
    expect(ops).toEqual([{ memberId: BB, event: ScoreEvent.EmergencyYesCreator }])
  })

  it('approved_unspecified_emits_reward_only', () => {
    for (const vt of [0, 99]) {
      const ops = emergencyScoreOpsForRequest(ecpRequest(vt, AA, BB), true)
      expect(ops).toEqual([{ memberId: BB, event: ScoreEvent.EmergencyYesCreator }])
    }
  })

  it('rejected_emits_creator_penalty', () => {
    for (const vt of [ViolationType.BROKEN_COMMIT, ViolationType.DEADLOCK, ViolationType.SCORE_BELOW_THRESHOLD]) {
      const ops = emergencyScoreOpsForRequest(ecpRequest(vt, AA, BB), false)
      expect(ops).toEqual([{ memberId: BB, event: ScoreEvent.EmergencyNoCreator }])
    }
  })
})

describe('emergencyScoreOps (more)', () => {
  it('maps every targeted violation type', () => {
    const cases: Array<[number, ScoreEvent]> = [
      [ViolationType.BROKEN_COMMIT, ScoreEvent.BrokenCommit],
      [ViolationType.BROKEN_MLS_PROPOSAL, ScoreEvent.BrokenMlsProposal],
      [ViolationType.CENSORSHIP_INACTIVITY, ScoreEvent.CensorshipInactivity],
      [ViolationType.MISBEHAVING_COMMIT, ScoreEvent.MisbehavingCommit],
    ]
    for (const [vt, event] of cases) {
      expect(emergencyScoreOps({ violationType: vt, targetMemberId: AA, creatorMemberId: BB }, true)[1]).toEqual({ memberId: AA, event })
    }
  })

  it('the explicit creator overrides the self-declared one', () => {
    const CC = new Uint8Array([0xcc])
    const ev = { violationType: ViolationType.BROKEN_COMMIT, targetMemberId: AA, creatorMemberId: BB }
    expect(emergencyScoreOps(ev, true, CC)[0]).toEqual({ memberId: CC, event: ScoreEvent.EmergencyYesCreator })
    expect(emergencyScoreOps(ev, false, CC)).toEqual([{ memberId: CC, event: ScoreEvent.EmergencyNoCreator }])
  })

  it('no evidence / not an emergency request → no ops', () => {
    expect(emergencyScoreOps(undefined, true)).toEqual([])
    expect(emergencyScoreOpsForRequest({ payload: 'emergencyCriteria', emergencyCriteria: {} }, true)).toEqual([])
    expect(emergencyScoreOpsForRequest({ payload: 'removeMember', removeMember: { memberId: AA } }, false)).toEqual([])
  })

  it('scoringMemberDiff', () => {
    const a = new Uint8Array([1])
    const b = new Uint8Array([2])
    const c = new Uint8Array([3])
    expect(scoringMemberDiff([a, b], [b, c])).toEqual({ toAdd: [c], toRemove: [a] })
    expect(scoringMemberDiff([], [a])).toEqual({ toAdd: [a], toRemove: [] })
    expect(scoringMemberDiff([a], [a])).toEqual({ toAdd: [], toRemove: [] })
  })
})
