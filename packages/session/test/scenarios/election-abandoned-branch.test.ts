import { describe, expect, it } from 'vitest'
import { FORK_CONFIG, forkAdmitVersusRemove, forkBed } from './forks.js'
import { conv, converged, eventsOf, hex, scenario } from './harness.js'

// Found by the 20-peer real-network run (issue 21): members opened a steward
// election on a branch they then left (fork healing). The members of the
// branch they joined had dropped it (it counted the other branch's voters);
// it passed at its timeout on its openers' votes alone, and they installed a
// list nobody else held, then refused every commit by the group's stewards.
describe('an election opened on a branch we then left', () => {
  it('is not installed: the steward keeps the group’s list and the group keeps committing', async () => {
    const s = await scenario(5, { config: FORK_CONFIG })
    const id = 'election-abandoned'
    const b = await forkBed(s, id)
    const { epochSteward, backup, steward, joiner } = b
    // Two branches at one epoch with different member counts (as in rejoin-fork's second case).
    await forkAdmitVersusRemove(s, id, b)
    const groupList = conv(s, epochSteward, id).conversation.stewards().map(hex).join()
    // On the branch it is about to leave (5 members), the steward opens an election.
    let electionId: number | undefined | null = null
    void conv(s, steward, id)
      .regenerateStewardList()
      .then((r) => {
        electionId = r
      })
    await s.until(() => electionId !== null, 10_000)
    expect(electionId).toBeDefined()
    s.net.heal()
    const rest = [epochSteward, backup, steward]
    await s.until(() => converged(s, id, rest), 300_000)
    // Past the election's timeout.
    await s.net.advance(20_000)
    expect(conv(s, steward, id).conversation.stewards().map(hex).join()).toBe(groupList)
    expect(eventsOf(s, steward, 'dropped').some((e) => e.detail?.startsWith('election counted another electorate'))).toBe(true)
    await s.until(() => converged(s, id, [...rest, joiner]), 300_000)
    await s.stop()
  }, 120_000)
})
