import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

describe('protocol_membership (reference §13.2)', () => {
  it('three_members_join_and_converge', async () => {
    const s = await scenario(3)
    await bootstrap(s, 'grp')
    expect(converged(s, 'grp')).toBe(true)
    expect(conv(s, 0, 'grp').members()).toHaveLength(3)
    for (const i of [1, 2]) expect(eventsOf(s, i, 'phase-change').some((e) => e.state === 'working')).toBe(true)
    await s.stop()
  })

  it('concurrent_joins_leave_joiners_with_empty_buffers (reference 3.0 recovery_cascade)', async () => {
    // Three joiners announce at once and hear each other's key packages while pending.
    const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 5 } } })
    await bootstrap(s, 'cj')
    for (const i of [0, 1, 2, 3]) expect(conv(s, i, 'cj').conversation.pendingUpdateCount()).toBe(0)
    // Nobody later re-proposes an add for a member already in the group.
    const mark = s.members.map((m) => m.events.length)
    await s.net.advance(20_000)
    for (const i of [0, 1, 2, 3]) {
      expect(s.members[i]!.events.slice(mark[i]).filter((e) => e.type === 'vote-requested' && e.request?.memberInvite)).toHaveLength(0)
    }
    expect(converged(s, 'cj')).toBe(true)
    await s.stop()
  })

  it('removed_member_observes_leaving_and_group_shrinks', async () => {
    const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 2 } } })
    await bootstrap(s, 'rm')
    // Remove a member that is not on the steward list.
    const stewards = conv(s, 0, 'rm').conversation.stewards().map(hex)
    const target = [0, 1, 2].find((i) => !stewards.includes(hex(memberIdOf(i))))!
    const remover = [0, 1, 2].find((i) => i !== target)!
    await conv(s, remover, 'rm').removeMember(memberIdOf(target))
    await s.until(() => eventsOf(s, target, 'leaving').length === 1)
    const rest = [0, 1, 2].filter((i) => i !== target)
    await s.until(() => converged(s, 'rm', rest) && conv(s, rest[0]!, 'rm').members().length === 2)
    expect(s.members[target]!.user.conversation('rm')).toBeUndefined()
    expect(s.members[target]!.events.some((e) => e.type === 'conversation-removed')).toBe(true)
    await s.stop()
  })

  it('welcome_fans_out_to_every_member_with_a_single_minter', async () => {
    const s = await scenario(3)
    await bootstrap(s, 'wb', 2)
    const charlie = s.members[2]!
    const kp = await charlie.user.keyPackage()
    const joined = charlie.user.join('wb', { announce: false })
    await conv(s, 1, 'wb').addMember(kp)
    await s.until(() => charlie.user.conversation('wb') !== undefined)
    await joined
    await s.until(() => converged(s, 'wb'))
    const forCharlie = (i: number) =>
      eventsOf(s, i, 'welcome-ready').filter((e) => e.welcome.joinerIdentities.some((j) => hex(j) === hex(charlie.user.memberId)))
    const a = forCharlie(0)
    const b = forCharlie(1)
    expect(a).toHaveLength(1)
    expect(b).toHaveLength(1)
    expect([a[0]!.mintedLocally, b[0]!.mintedLocally].filter(Boolean)).toHaveLength(1)
    expect(hex(a[0]!.welcome.welcomeBytes)).toBe(hex(b[0]!.welcome.welcomeBytes))
    expect(conv(s, 0, 'wb').members()).toHaveLength(3)
    await s.stop()
  })
})
