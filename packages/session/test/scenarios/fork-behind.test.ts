import { describe, expect, it } from 'vitest'
import { PARTITION_FORK_CONFIG, bootstrapThreeStewards, conv, converged, eventsOf, hex, memberIdOf, scenario, stewardRoles } from './harness.js'

// Issue 56 (churn seed 40, default timing, 20 % loss): a member alone on the
// losing branch of epoch E + 1 while the group went on to E + 2. Its
// attestations and the group's said only "the group is ahead": it asked for
// the commit from E + 1, which the group's replay (a commit of the other
// branch's E + 1) cannot stage on its state (`replayed commit refused by
// MLS`), and it asked again, for good, one epoch behind on another branch.
// Now a replay MLS refuses tells it that its own epoch is not the group's:
// it asks for the group's commit of the epoch it branched from, switches
// branch (fork healing, the fork choice deciding), then catches up.
describe('a member on the losing branch of an epoch the group already left', () => {
  it('switches branch from the refused replay, then catches up', async () => {
    const s = await scenario(5, { config: PARTITION_FORK_CONFIG })
    const id = 'fork-behind'
    await bootstrapThreeStewards(s, id)
    const { epochSteward, backup, steward, member } = stewardRoles(s, id)
    const epoch = conv(s, 0, id).epoch()
    await conv(s, epochSteward, id).removeMember(memberIdOf(member))
    await s.until(() => [0, 1, 2, 3].every((i) => conv(s, i, id).approvedProposals().length === 1))
    // The steward alone on one side; both sides commit the removal (a fork at epoch + 1).
    const majority = [epochSteward, backup, member, 4]
    s.net.partition([s.members[steward]!.name], majority.map((i) => s.members[i]!.name))
    await s.until(() => [steward, epochSteward, backup].every((i) => conv(s, i, id).epoch() === epoch + 1n))
    expect(hex(conv(s, steward, id).epochAuthenticator())).not.toBe(hex(conv(s, epochSteward, id).epochAuthenticator()))
    // The majority goes on: member 4 joins (epoch + 2), the steward still cut off.
    const joining = s.members[4]!.user.join(id)
    await s.until(() => s.members[4]!.user.conversation(id) !== undefined && converged(s, id, [epochSteward, backup, 4]), 120_000)
    await joining
    expect(conv(s, epochSteward, id).epoch()).toBeGreaterThanOrEqual(epoch + 2n)
    const mark = s.members[steward]!.events.length
    s.net.heal()
    await s.until(() => converged(s, id, [epochSteward, backup, steward, 4]), 180_000)
    expect(s.members[steward]!.events.slice(mark).some((e) => e.type === 'fork-healed')).toBe(true)
    expect(conv(s, steward, id).members().map(hex)).toContain(hex(memberIdOf(4)))
    // The way it learnt it: the group's next commit did not stage on its state.
    expect(eventsOf(s, steward, 'dropped').some((d) => d.detail?.startsWith('replayed commit refused by MLS'))).toBe(true)
    await s.stop()
  }, 240_000)
})
