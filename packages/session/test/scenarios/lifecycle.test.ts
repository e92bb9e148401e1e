import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

describe('protocol_join_lifecycle / protocol_leave_sync / standalone_construction (reference §13.2)', () => {
  it('evicted_member_rejoins_at_a_later_epoch', async () => {
    const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 2 } } })
    await bootstrap(s, 'rejoin')
    const stewards = conv(s, 0, 'rejoin').conversation.stewards().map(hex)
    const target = [1, 2].find((i) => !stewards.includes(hex(memberIdOf(i)))) ?? 2
    const before = conv(s, target, 'rejoin').epoch()
    await conv(s, 0, 'rejoin').removeMember(memberIdOf(target))
    await s.until(() => eventsOf(s, target, 'leaving').length === 1)
    await s.until(() => converged(s, 'rejoin', [0, 1, 2].filter((i) => i !== target)))
    const rejoined = s.members[target]!.user.join('rejoin')
    await s.until(() => s.members[target]!.user.conversation('rejoin') !== undefined)
    await rejoined
    await s.until(() => converged(s, 'rejoin'))
    expect(conv(s, target, 'rejoin').epoch() > before).toBe(true)
    expect(conv(s, 0, 'rejoin').members().map(hex)).toContain(hex(memberIdOf(target)))
    await s.stop()
  })

  it('double_self_leave_does_not_re_propose', async () => {
    const s = await scenario(1)
    const c = await s.members[0]!.user.createConversation('lv')
    expect(await c.leave()).toBe(true)
    expect(await c.leave()).toBe(false)
    await s.stop()
  })

  it('second_conversation_sync_is_a_no_op', async () => {
    const s = await scenario(2)
    await bootstrap(s, 'sync2')
    const welcome = eventsOf(s, 0, 'welcome-ready').find((e) => e.mintedLocally)!.welcome
    const bob = conv(s, 1, 'sync2')
    const scores = JSON.stringify(bob.conversation.memberScores(), (_, v) => (typeof v === 'bigint' ? v.toString() : v))
    const stewards = bob.conversation.stewards().map(hex)
    const drops = eventsOf(s, 1, 'dropped').length
    // Replay the sync ciphertext to bob: a sync after join is a no-op.
    await bob.conversation.receive({ subtopic: 'app', payload: welcome.conversationSyncBytes }, s.net.clock.now())
    expect(bob.conversation.drainOutbound()).toHaveLength(0)
    expect(bob.conversation.stewards().map(hex)).toEqual(stewards)
    expect(JSON.stringify(bob.conversation.memberScores(), (_, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(scores)
    const events = bob.conversation.drainEvents()
    expect(events.some((e) => e.type === 'dropped')).toBe(true)
    void drops
    await s.stop()
  })

  it('conversation_sync_propagates_divergent_per_conversation_config', async () => {
    const s = await scenario(2)
    const group = {
      commitInactivityMs: 3_000,
      freezeDurationMs: 1_200,
      recoveryInactivityMs: 700,
      consensusTimeoutMs: 1_700,
      livenessCriteriaYes: false,
      pendingUpdateMaxEpochs: 7,
      stewardList: { snMin: 2, snMax: 4, allowSubsetCandidates: true },
    }
    const alice = await s.members[0]!.user.createConversation('cfg', group)
    // With liveness NO the auto-votes are NO, so the creator endorses the joiner itself.
    const kp = await s.members[1]!.user.keyPackage()
    const joining = s.members[1]!.user.join('cfg', { announce: false })
    await alice.addMember(kp)
    await s.until(() => s.members[1]!.user.conversation('cfg') !== undefined)
    await joining
    // The joiner's local defaults (FAST timing, reference bounds) differ; the group's values win.
    const { commitInactivityMs, freezeDurationMs, recoveryInactivityMs, consensusTimeoutMs, livenessCriteriaYes, pendingUpdateMaxEpochs, stewardList } =
      conv(s, 1, 'cfg').conversation.config()
    expect({ commitInactivityMs, freezeDurationMs, recoveryInactivityMs, consensusTimeoutMs, livenessCriteriaYes, pendingUpdateMaxEpochs, stewardList }).toEqual(group)
    expect(s.members[1]!.user.conversation('cfg')!.conversation.stewards().map(hex)).toEqual(conv(s, 0, 'cfg').conversation.stewards().map(hex))
    await s.stop()
  })

  it('create_builds_a_working_steward_session_without_user', async () => {
    const s = await scenario(1)
    const c = await s.members[0]!.user.createConversation('standalone')
    expect(c.state()).toBe('working')
    expect(c.conversation.isSteward()).toBe(true)
    expect(c.epoch()).toBe(0n)
    expect(eventsOf(s, 0, 'phase-change')[0]?.state).toBe('working')
    await s.stop()
  })

  it('join_completes_in_one_call', async () => {
    const s = await scenario(3)
    const alice = await s.members[0]!.user.createConversation('standalone-welcome')
    const kp = await s.members[1]!.user.keyPackage()
    const bobJoin = s.members[1]!.user.join('standalone-welcome', { announce: false })
    await alice.addMember(kp)
    await s.until(() => s.members[1]!.user.conversation('standalone-welcome') !== undefined)
    const bob = await bobJoin
    expect(bob.id).toBe('standalone-welcome')
    expect(bob.state()).toBe('working')
    expect(bob.members()).toHaveLength(2)
    expect(bob.epoch()).toBe(1n)
    // A bystander never joins from it.
    expect(s.members[2]!.user.conversation('standalone-welcome')).toBeUndefined()
    await s.stop()
  })

})
