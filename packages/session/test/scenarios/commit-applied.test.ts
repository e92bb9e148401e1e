import { describe, expect, it } from 'vitest'
import { PARTITION_FORK_CONFIG, bootstrap, conv, converged, eventsOf, forkByPartition, hex, memberIdOf, scenario } from './harness.js'

// `commit-applied` fires for every applied commit (members$ follows it), with
// `source` and `empty` so an integrator can keep the reference's semantics
// (`source === 'freeze' && !empty`).
describe('commit-applied: source and empty', () => {
  it('freeze: the members that selected the commit report its batch (source freeze, not empty)', async () => {
    const s = await scenario(3)
    const id = 'ca-freeze'
    await bootstrap(s, id, 2)
    const mark = s.members.map((m) => m.events.length)
    const joined = s.members[2]!.user.join(id)
    await s.until(() => s.members[2]!.user.conversation(id) !== undefined)
    await joined
    await s.until(() => converged(s, id))
    for (const i of [0, 1]) {
      const commits = s.members[i]!.events.slice(mark[i]).filter((e) => e.type === 'commit-applied')
      expect(commits).toHaveLength(1)
      expect(commits[0]).toMatchObject({ source: 'freeze', empty: false })
      const c = commits[0] as Extract<(typeof commits)[number], { type: 'commit-applied' }>
      expect(c.batch.map((r) => hex(r.memberInvite!.memberId))).toEqual([hex(memberIdOf(2))])
    }
    await s.stop()
  })

  it('catch-up: a member that missed the commit and its votes applies the replay with an empty batch', async () => {
    const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 5 } } })
    const id = 'ca-catch'
    await bootstrap(s, id)
    const epoch = conv(s, 0, id).epoch()
    const steward = [0, 1, 2].find((i) => conv(s, i, id).conversation.isEpochSteward())!
    const [laggard, target] = [0, 1, 2].filter((i) => i !== steward) as [number, number]
    // The laggard is cut off: it misses the removal's votes and its commit.
    s.net.partition([s.members[laggard]!.name], [s.members[steward]!.name, s.members[target]!.name])
    await conv(s, steward, id).removeMember(memberIdOf(target))
    await s.until(() => eventsOf(s, target, 'leaving').length === 1)
    expect(eventsOf(s, steward, 'commit-applied').at(-1)).toMatchObject({ source: 'freeze', empty: false, epoch: epoch + 1n })
    // The removed member reports the epoch its removal reached, like the others.
    expect(eventsOf(s, target, 'leaving')[0]!.epoch).toBe(epoch + 1n)
    expect(eventsOf(s, target, 'commit-applied').at(-1)!.epoch).toBe(epoch + 1n)
    const mark = s.members[laggard]!.events.length
    s.net.heal()
    await s.until(() => converged(s, id, [laggard, steward]) && conv(s, laggard, id).members().length === 2)
    const commits = s.members[laggard]!.events.slice(mark).filter((e) => e.type === 'commit-applied')
    expect(commits).toHaveLength(1)
    expect(commits[0]).toMatchObject({ source: 'catch-up', empty: true, batch: [], epoch: epoch + 1n })
    // members$ still follows it.
    const seen: number[] = []
    conv(s, laggard, id)
      .members$.subscribe((m) => seen.push(m.length))
      .unsubscribe()
    expect(seen).toEqual([2])
    await s.stop()
  })

  it('fork-switch: after a partition healed, the members on the losing branch report the adopted commit as fork-switch', async () => {
    // A long batching window leaves time to cut a steward off once the removal is approved everywhere.
    const s = await scenario(4, { config: PARTITION_FORK_CONFIG })
    const id = 'ca-fork'
    // Both sides commit the removal on their own: two branches at epoch + 1.
    const { epochSteward, backup, steward, epoch } = await forkByPartition(s, id)
    const branches = new Set([steward, epochSteward].map((i) => hex(conv(s, i, id).epochAuthenticator())))
    expect(branches.size).toBe(2)
    const winner = hex(conv(s, epochSteward, id).epochAuthenticator())
    for (const i of [steward, epochSteward, backup]) expect(eventsOf(s, i, 'commit-applied').at(-1)).toMatchObject({ source: 'freeze' })
    const mark = s.members.map((m) => m.events.length)
    s.net.heal()
    await s.until(() => converged(s, id, [steward, epochSteward, backup]))
    const switched = [steward, epochSteward, backup].filter((i) => s.members[i]!.events.slice(mark[i]).some((e) => e.type === 'fork-healed'))
    expect(switched.length).toBeGreaterThan(0)
    for (const i of switched) {
      const after = s.members[i]!.events.slice(mark[i])
      const healed = after.findIndex((e) => e.type === 'fork-healed')
      const applied = after.filter((e) => e.type === 'commit-applied')
      expect(applied).toHaveLength(1)
      expect(applied[0]).toMatchObject({ source: 'fork-switch', epoch: epoch + 1n })
      expect(after.indexOf(applied[0]!)).toBeGreaterThan(healed)
    }
    // The branch whose committer ranks first on the steward list wins (the epoch steward's), whatever
    // the commit hashes: only the steward on the minority side switched, onto the epoch steward's branch.
    expect(switched).toEqual([steward])
    for (const i of [steward, epochSteward, backup]) expect(hex(conv(s, i, id).epochAuthenticator())).toBe(winner)
    await s.stop()
  })
})
