import { describe, expect, it } from 'vitest'
import { reelectionDeadline, reelectionRetryMs, retryReelection } from '../../src/stewardship/reelection.js'
import { coreFixture } from '../core-fixture.js'

/** `stewardship/reelection.ts`: who files a recovery election nobody filed, and when. */
describe('reelection retry', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'reelection', members: 3 })
    const bob = others[0]!.memberId
    for (const m of core.mls.members()) core.scoring.addMember(m)
    // Bob, the one steward of the old list, never saw the work: he files nothing.
    core.steward.installList(core.epoch(), [bob], 1)
    core.sm.startReelection()
    core.stewardship.reelectionAt = core.now
    const step = reelectionRetryMs(core.config)
    const elections = () => [...core.voting.requests.values()].filter((r) => r?.payload === 'stewardElection').length
    return { core, step, elections }
  }

  it('nothing before the first wait; then we file it on exactly one of the two turns the old list’s steward leaves to us and Carol', async () => {
    const { core, step, elections } = await setup()
    await retryReelection(core, core.now + step - 1)
    expect(elections()).toBe(0)
    expect(reelectionDeadline(core, core.now)).toBe(core.now + step)
    const filedAt: number[] = []
    for (const attempt of [1, 2]) {
      // An election already open (ours from the turn before) holds every later turn back: forget it to see each turn alone.
      for (const [id, r] of core.voting.requests) if (r?.payload === 'stewardElection') core.voting.requests.delete(id)
      await retryReelection(core, core.now + attempt * step)
      if (elections() > 0) filedAt.push(attempt)
    }
    expect(filedAt).toHaveLength(1)
  })

  it('when the old list holds every member (two members, both stewards), each takes its turn: we file on exactly one of two', async () => {
    const { core } = await coreFixture({ id: 'reelection-pair', members: 2 })
    for (const m of core.mls.members()) core.scoring.addMember(m)
    core.steward.installList(core.epoch(), core.mls.members(), 2)
    core.sm.startReelection()
    core.stewardship.reelectionAt = core.now
    const step = reelectionRetryMs(core.config)
    const elections = () => [...core.voting.requests.values()].filter((r) => r?.payload === 'stewardElection').length
    const filedAt: number[] = []
    for (const attempt of [1, 2]) {
      for (const [id, r] of core.voting.requests) if (r?.payload === 'stewardElection') core.voting.requests.delete(id)
      await retryReelection(core, core.now + attempt * step)
      if (elections() > 0) filedAt.push(attempt)
    }
    expect(filedAt).toHaveLength(1)
  })

  it('never while the group is ahead of us: a laggard alone in Reelection would elect itself at its timeout and commit alone', async () => {
    const { core, step, elections } = await setup()
    core.catchUp.knownEpoch = core.epoch() + 1n
    for (const attempt of [1, 2, 3, 4]) await retryReelection(core, core.now + attempt * step)
    expect(elections()).toBe(0)
  })

  it('an open election holds it back; out of Reelection it forgets the wait', async () => {
    const { core, step, elections } = await setup()
    await retryReelection(core, core.now + step)
    await retryReelection(core, core.now + 2 * step)
    expect(elections()).toBeLessThanOrEqual(1)
    core.sm.startWorking()
    await retryReelection(core, core.now + 3 * step)
    expect(core.stewardship.reelectionAt).toBeUndefined()
    expect(reelectionDeadline(core, core.now)).toBeUndefined()
  })
})
