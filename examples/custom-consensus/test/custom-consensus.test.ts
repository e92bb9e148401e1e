import { describe, expect, it } from 'vitest'
import { joinWithOtherRule } from '../src/mismatch.js'
import { removalWithOneObjection } from '../src/scenario.js'
import { VETO_ID, VETO_VERSION, vetoConsensus, vetoRule } from '../src/veto.js'

describe('custom consensus example', () => {
  it('the veto rule decides on a tally exactly as documented', () => {
    const tally = { expectedVoters: 3, livenessCriteriaYes: true, timedOut: false }
    expect(vetoRule({ ...tally, yes: 2, no: 1 })).toBe('no')
    expect(vetoRule({ ...tally, yes: 2, no: 0 })).toBe('undecided')
    expect(vetoRule({ ...tally, yes: 2, no: 0, timedOut: true })).toBe('failed')
    expect(vetoRule({ ...tally, yes: 3, no: 0 })).toBe('yes')
  })

  it('one objection: the default rule removes carol, the veto rule keeps her', async () => {
    const reference = await removalWithOneObjection({})
    const veto = await removalWithOneObjection({ consensus: vetoConsensus })
    expect(reference).toMatchObject({ rule: 'hashgraph-like@0.5.1', approved: true, membersAfter: ['alice', 'bob'] })
    expect(veto).toMatchObject({ rule: `${VETO_ID}@${VETO_VERSION}`, approved: false, membersAfter: ['alice', 'bob', 'carol'] })
  })

  it('a joiner with the default rule is refused at the beacon, before announcing', async () => {
    const out = await joinWithOtherRule()
    expect(out.error).toBe('PluginMismatchError (PLUGIN_MISMATCH)')
    expect(out.group).toContain(`consensus=${VETO_ID}@${VETO_VERSION}`)
    expect(out.local).toContain('consensus=hashgraph-like@0.5.1')
    expect(out.phases).toEqual(['probing'])
    expect(out.groupSize).toBe(2)
  })
})
