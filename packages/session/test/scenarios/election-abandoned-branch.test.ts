import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

// Found by the 20-peer real-network run (issue 21): members opened a steward
// election on a branch they then left (fork healing). The members of the
// branch they joined had dropped it (it counted the other branch's voters);
// it passed at its timeout on its openers' votes alone, and they installed a
// list nobody else held, then refused every commit by the group's stewards.
describe('an election opened on a branch we then left', () => {
  it('is not installed: the steward keeps the group’s list and the group keeps committing', async () => {
    const s = await scenario(5, { config: { stewardList: { snMin: 1, snMax: 3 }, commitInactivityMs: 5_000, commitBatchWindowMs: 3_000 } })
    const id = 'election-abandoned'
    await bootstrap(s, id, 3)
    const fourth = s.members[3]!.user.join(id)
    await s.until(() => s.members[3]!.user.conversation(id) !== undefined)
    await fourth
    const settled = [0, 1, 2, 3]
    await s.until(() => converged(s, id, settled) && conv(s, 0, id).conversation.stewards().length === 3)
    const roles = Object.fromEntries(conv(s, 0, id).memberRoles().map((e) => [hex(e.memberId), e.role]))
    const idx = (role: string) => settled.find((i) => roles[hex(memberIdOf(i))] === role)!
    const [epochSteward, backup, steward, member] = [idx('epoch-steward'), idx('backup-steward'), idx('steward'), idx('member')]
    const joiner = 4
    const epoch = conv(s, 0, id).epoch()
    // Two branches at one epoch with different member counts (as in rejoin-fork's second case):
    // the cut-off steward admits a joiner, the others remove a member.
    s.net.partition([s.members[steward]!.name, s.members[joiner]!.name], [epochSteward, backup, member].map((i) => s.members[i]!.name))
    await s.net.advance(6_000)
    const joined = s.members[joiner]!.user.join(id, { timeoutMs: 600_000 })
    await conv(s, epochSteward, id).removeMember(memberIdOf(member))
    await s.until(() => s.members[joiner]!.user.conversation(id)?.epoch() === epoch + 1n && conv(s, epochSteward, id).epoch() === epoch + 1n, 300_000)
    await joined
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
