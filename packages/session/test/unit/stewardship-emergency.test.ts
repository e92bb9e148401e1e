import { ViolationType, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { fileDeadlock, sweepScoreRemovals } from '../../src/stewardship/emergency.js'
import { coreFixture } from '../core-fixture.js'

/** `stewardship/emergency.ts` on a core over a real 3-member MLS group (member 0 ours). */
describe('stewardship/emergency', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'ecp', members: 3 })
    for (const m of core.mls.members()) core.scoring.addMember(m)
    const [bob, carol] = [others[0]!.memberId, others[1]!.memberId]
    /** Our open emergency proposals: target and violation. */
    const filed = () =>
      [...core.queues.voting.values()].flatMap((r) =>
        r.payload === 'emergencyCriteria' ? [{ target: toHex(r.emergencyCriteria!.evidence!.targetMemberId), type: r.emergencyCriteria!.evidence!.violationType }] : [],
      )
    return { core, bob, carol, filed }
  }

  it('a steward files one score removal per member at or below the threshold (never itself), once, with its YES, sent encrypted', async () => {
    const { core, bob, carol, filed } = await setup()
    core.steward.installList(core.epoch(), [core.memberId], 1)
    core.scoring.setThreshold(core.scoring.scoreFor(bob)! + 1n) // everyone below, ourselves included
    await sweepScoreRemovals(core, core.now)
    expect(filed().map((f) => f.target).sort()).toEqual([toHex(bob), toHex(carol)].sort())
    expect(filed().every((f) => f.type === ViolationType.SCORE_BELOW_THRESHOLD)).toBe(true)
    expect([...core.queues.pendingRemovalTargets].sort()).toEqual([toHex(bob), toHex(carol)].sort())
    expect(core.outbox.packets).toHaveLength(2)
    expect(core.queues.activeEmergencies.size).toBe(2)
    // In flight: not filed again.
    await sweepScoreRemovals(core, core.now + 1)
    expect(filed()).toHaveLength(2)
  })

  it('no removal from a non-steward, none against a member the group already refused at the same score, none for an approved removal', async () => {
    const { core, bob, carol, filed } = await setup()
    core.scoring.setThreshold(core.scoring.scoreFor(bob)! + 1n)
    core.steward.installList(core.epoch(), [bob], 1)
    await sweepScoreRemovals(core, core.now)
    expect(filed()).toEqual([])
    core.steward.installList(core.epoch(), [core.memberId], 1)
    core.queues.refusedRemovals.set(toHex(bob), core.scoring.scoreFor(bob)!)
    core.queues.approved.set(9, { payload: 'removeMember', removeMember: { memberId: carol } })
    await sweepScoreRemovals(core, core.now)
    expect(filed()).toEqual([])
  })

  it('a deadlock emergency is filed only by the responsible proposer', async () => {
    const { core, bob, filed } = await setup()
    core.steward.installList(core.epoch(), [bob], 1)
    await fileDeadlock(core, core.now)
    expect(filed()).toEqual([])
    core.steward.installList(core.epoch(), [core.memberId], 1)
    await fileDeadlock(core, core.now)
    expect(filed().map((f) => f.type)).toEqual([ViolationType.DEADLOCK])
  })
})
