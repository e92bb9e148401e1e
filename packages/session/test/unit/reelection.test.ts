import { describe, expect, it } from 'vitest'
import { reelectionDeadline, reelectionRetryMs, retryReelection } from '../../src/stewardship/reelection.js'
import { toHex } from '@demls/wire'
import { coreFixture } from '../core-fixture.js'

/** `stewardship/reelection.ts`: who files a recovery election nobody filed, and when. */
/** A core in Reelection since now, over `members` members, with `stewards` of them on the old list (they file nothing). */
async function inReelection(members: number, stewards: (all: Uint8Array[], self: Uint8Array) => Uint8Array[]) {
  const { core } = await coreFixture({ id: `reelection-${members}`, members })
  for (const m of core.mls.members()) core.scoring.addMember(m)
  const list = stewards(core.mls.members(), core.memberId)
  core.steward.installList(core.epoch(), list, list.length)
  core.sm.startReelection()
  core.stewardship.reelectionAt = core.now
  const step = reelectionRetryMs(core.config)
  const elections = () => [...core.voting.requests.values()].filter((r) => r?.payload === 'stewardElection').length
  /** The turns (1, 2, …) on which we filed, each seen alone (an open election, ours from the turn before, holds later turns back). */
  const filedOn = async (turns: number[]) => {
    const filed: number[] = []
    for (const turn of turns) {
      for (const [id, r] of core.voting.requests) if (r?.payload === 'stewardElection') core.voting.requests.delete(id)
      await retryReelection(core, core.now + turn * step)
      if (elections() > 0) filed.push(turn)
    }
    return filed
  }
  return { core, step, elections, filedOn }
}

/** `stewardship/reelection.ts`: who files a recovery election nobody filed, and when. */
describe('reelection retry', () => {
  // One other member is the one steward of the old list, and never saw the work: it files nothing.
  const setup = () => inReelection(3, (all, self) => all.filter((m) => toHex(m) !== toHex(self)).slice(0, 1))

  it('nothing before the first wait; then we file it on exactly one of the two turns the old list’s steward leaves to us and the third member', async () => {
    const { core, step, elections, filedOn } = await setup()
    await retryReelection(core, core.now + step - 1)
    expect(elections()).toBe(0)
    expect(reelectionDeadline(core, core.now)).toBe(core.now + step)
    expect(await filedOn([1, 2])).toHaveLength(1)
  })

  it('when the old list holds every member (two members, both stewards), each takes its turn: we file on exactly one of two', async () => {
    const { filedOn } = await inReelection(2, (all) => all)
    expect(await filedOn([1, 2])).toHaveLength(1)
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
