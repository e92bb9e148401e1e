import { type ConsensusRule, consensusResult } from '@demls/consensus'
import { describe, expect, it } from 'vitest'
import { isVotePivotal } from '../../src/rules/vote-pivotality.js'

describe('rules/vote-pivotality: is our vote needed to decide?', () => {
  it('with the default rule, n ≤ 2 needs every vote (unanimity); n ≥ 3 can decide without ours', () => {
    for (const livenessCriteriaYes of [true, false]) {
      expect(isVotePivotal(consensusResult, { expectedVotersCount: 1, livenessCriteriaYes })).toBe(true)
      expect(isVotePivotal(consensusResult, { expectedVotersCount: 2, livenessCriteriaYes })).toBe(true)
      for (const n of [3, 4, 7, 100]) expect(isVotePivotal(consensusResult, { expectedVotersCount: n, livenessCriteriaYes }), `n=${n}`).toBe(false)
    }
  })

  it('a rule that needs every vote makes ours pivotal at any size; one that decides on a single vote never', () => {
    const unanimity: ConsensusRule = (t) => (t.yes + t.no < t.expectedVoters ? 'undecided' : t.no === 0 ? 'yes' : 'no')
    const first: ConsensusRule = (t) => (t.yes > 0 ? 'yes' : t.no > 0 ? 'no' : 'undecided')
    expect(isVotePivotal(unanimity, { expectedVotersCount: 10, livenessCriteriaYes: true })).toBe(true)
    expect(isVotePivotal(first, { expectedVotersCount: 10, livenessCriteriaYes: true })).toBe(false)
  })

  it('pivotal when only one side can be decided without us', () => {
    // YES needs everyone, NO needs one vote.
    const vetoable: ConsensusRule = (t) => (t.no > 0 ? 'no' : t.yes === t.expectedVoters ? 'yes' : 'undecided')
    expect(isVotePivotal(vetoable, { expectedVotersCount: 5, livenessCriteriaYes: false })).toBe(true)
  })
})
