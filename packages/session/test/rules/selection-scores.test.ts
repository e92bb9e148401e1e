import { ScoreEvent } from '@demls/scoring'
import { describe, expect, it } from 'vitest'
import { id, staged } from './fixtures.js'
import { appliedScores, censorshipSuspect, heldWork, judgeStaged, noCandidateScores } from '../../src/rules/selection-scores.js'

const stewards = new Set([1, 2])
const judge = { claimed: id(1), recovery: false, listKnown: true, isSteward: (m: Uint8Array) => stewards.has(m[0]!), coversPrefix: () => true, lateView: () => false }

describe('rules/selection-scores: the score deltas of a selection', () => {
  it('judgeStaged: ok, or the penalty of the first failed check', () => {
    expect(judgeStaged(staged(1), judge)).toBe('ok')
    expect(judgeStaged(staged(1, { bundleSenderMismatch: true }), judge)).toEqual({ memberId: id(1), event: ScoreEvent.BrokenCommit })
    expect(judgeStaged(staged(2), judge)).toEqual({ memberId: id(2), event: ScoreEvent.BrokenCommit }) // not the claimed steward
    expect(judgeStaged(staged(5), { ...judge, claimed: id(5) })).toEqual({ memberId: id(5), event: ScoreEvent.MisbehavingCommit })
    expect(judgeStaged(staged(1, { otherProposals: 1 }), judge)).toEqual({ memberId: id(1), event: ScoreEvent.BrokenMlsProposal })
    expect(judgeStaged(staged(1), { ...judge, coversPrefix: () => false })).toEqual({ memberId: id(1), event: ScoreEvent.BrokenMlsProposal })
    // Beyond the reference: the uncovered work is still open in our view (its result has not reached us): no penalty.
    expect(judgeStaged(staged(1), { ...judge, coversPrefix: () => false, lateView: () => true })).toBe('late')
    // A late view never excuses a broken bundle, another committer or other proposal kinds.
    expect(judgeStaged(staged(1, { otherProposals: 1 }), { ...judge, coversPrefix: () => false, lateView: () => true })).toEqual({ memberId: id(1), event: ScoreEvent.BrokenMlsProposal })
    expect(judgeStaged(staged(2), { ...judge, lateView: () => true })).toEqual({ memberId: id(2), event: ScoreEvent.BrokenCommit })
  })

  it('judgeStaged: anyone may commit in recovery or without a list', () => {
    expect(judgeStaged(staged(5), { ...judge, claimed: id(5), recovery: true })).toBe('ok')
    expect(judgeStaged(staged(5), { ...judge, claimed: id(5), listKnown: false })).toBe('ok')
  })

  it('censorshipSuspect: the epoch steward, unless it sent a candidate that was not penalised', () => {
    expect(censorshipSuspect(id(1), false, [])).toEqual(id(1))
    expect(censorshipSuspect(id(1), true, [])).toBeUndefined()
    expect(censorshipSuspect(id(1), true, [{ memberId: id(1), event: ScoreEvent.BrokenCommit }])).toEqual(id(1))
    expect(censorshipSuspect(id(1), true, [{ memberId: id(2), event: ScoreEvent.BrokenCommit }])).toBeUndefined()
    expect(censorshipSuspect(undefined, false, [])).toBeUndefined()
    // Beyond the reference: a steward that sent nothing is spared only when nothing shows it held the work;
    // one that sent a broken candidate is penalised whatever it held.
    expect(censorshipSuspect(id(1), false, [], false)).toBeUndefined()
    expect(censorshipSuspect(id(1), true, [{ memberId: id(1), event: ScoreEvent.BrokenCommit }], false)).toEqual(id(1))
  })

  it('heldWork: the owner, a voter whose signed vote we hold, or anyone when an aggregate proof decided it', () => {
    expect(heldWork(id(1), [])).toBe(false)
    expect(heldWork(id(1), [{ owner: id(2), voters: [id(2), id(3)] }])).toBe(false)
    expect(heldWork(id(1), [{ owner: id(1), voters: [] }])).toBe(true)
    expect(heldWork(id(1), [{ owner: id(2), voters: [id(3)] }, { owner: id(2), voters: [id(1)] }])).toBe(true)
    expect(heldWork(id(1), [{ owner: id(2), voters: [], byProof: true }])).toBe(true)
  })

  it('appliedScores: penalties, censorship of a silent epoch steward, honest or misbehaving losers', () => {
    const penalty = { memberId: id(7), event: ScoreEvent.BrokenCommit }
    const ops = appliedScores({
      penalties: [penalty],
      suspect: id(1),
      committer: id(2),
      self: id(3),
      after: [
        { stewardMemberId: id(1), isLocal: false },
        { stewardMemberId: id(3), isLocal: true },
        { stewardMemberId: id(9), isLocal: false },
      ],
      isSteward: judge.isSteward,
    })
    expect(ops).toEqual([
      penalty,
      { memberId: id(1), event: ScoreEvent.CensorshipInactivity },
      { memberId: id(1), event: ScoreEvent.HonestCommitAttempt },
      { memberId: id(9), event: ScoreEvent.MisbehavingCommit },
    ])
  })

  it('appliedScores: no censorship when the suspect committed, or is ourselves', () => {
    const s = { penalties: [], committer: id(2), self: id(3), after: [], isSteward: judge.isSteward }
    expect(appliedScores({ ...s, suspect: id(2) })).toEqual([])
    expect(appliedScores({ ...s, suspect: id(3) })).toEqual([])
    expect(appliedScores({ ...s, suspect: undefined })).toEqual([])
  })

  it('noCandidateScores: censorship only when work was due, never against ourselves', () => {
    expect(noCandidateScores(true, id(1), id(3))).toEqual([{ memberId: id(1), event: ScoreEvent.CensorshipInactivity }])
    expect(noCandidateScores(false, id(1), id(3))).toEqual([])
    expect(noCandidateScores(true, id(3), id(3))).toEqual([])
    expect(noCandidateScores(true, undefined, id(3))).toEqual([])
  })
})
