import { DEFAULT_PEER_SCORING_ID, DEFAULT_PEER_SCORING_VERSION } from '@demls/scoring'
import { describe, expect, it } from 'vitest'
import { joinWithOtherScoring } from '../src/mismatch.js'
import { stallingSteward } from '../src/scenario.js'
import { STRICT_ID, STRICT_VERSION, strictStewardScoring } from '../src/strict.js'

describe('custom scoring example', () => {
  it('the strict table takes 200 for a stall and keeps every other default delta', () => {
    const scoring = strictStewardScoring({})
    const member = new Uint8Array(20).fill(7)
    scoring.addMember(member)
    const crossings = scoring.applyOps([{ memberId: member, event: 'CensorshipInactivity' }])
    expect(scoring.scoreFor(member)).toBe(-100n)
    expect(crossings.map((c) => c.type)).toEqual(['ThresholdCrossedDown'])
    scoring.applyOp({ memberId: member, event: 'SuccessfulCommit' })
    expect(scoring.scoreFor(member)).toBe(-90n)
    expect([scoring.id, scoring.version]).toEqual([STRICT_ID, STRICT_VERSION])
  })

  it('one stall: the default scoring keeps the steward, the strict table removes it by a score emergency', async () => {
    const reference = await stallingSteward({})
    const strict = await stallingSteward({ makeScoring: strictStewardScoring })
    // Same scenario on both sides: the same steward stalls, the same member is removed.
    expect([strict.silent, strict.viewer, strict.target]).toEqual([reference.silent, reference.viewer, reference.target])
    expect(reference.scoring).toBe(`${DEFAULT_PEER_SCORING_ID}@${DEFAULT_PEER_SCORING_VERSION}`)
    expect(strict.scoring).toBe(`${STRICT_ID}@${STRICT_VERSION}`)
    // Both apply CensorshipInactivity: 40 vs 200 points, the only difference.
    expect(reference.scoreAfterStall - strict.scoreAfterStall).toBe(160n)
    expect(reference.scoreAfterStall > 0n && strict.scoreAfterStall <= 0n).toBe(true)
    expect(reference.approvedEmergencies).toEqual([])
    expect(reference.silentStillIn).toBe(true)
    expect(reference.membersAfter).toHaveLength(3)
    expect(strict.approvedEmergencies.length).toBeGreaterThan(0)
    expect(new Set(strict.approvedEmergencies)).toEqual(new Set(['Score below threshold']))
    expect(strict.silentStillIn).toBe(false)
    expect(strict.membersAfter).toEqual(reference.membersAfter.filter((n) => n !== reference.silent))
  })

  it('a joiner with the default scoring is refused at the beacon, before announcing', async () => {
    const out = await joinWithOtherScoring()
    expect(out).toEqual({
      error: 'PluginMismatchError (PLUGIN_MISMATCH)',
      groupScoring: `scoring=${STRICT_ID}@${STRICT_VERSION}`,
      localScoring: `scoring=${DEFAULT_PEER_SCORING_ID}@${DEFAULT_PEER_SCORING_VERSION}`,
      phases: ['probing'],
      groupSize: 3,
    })
  })
})
