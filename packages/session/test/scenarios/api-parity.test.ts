import { deadlock } from '@demls/scoring'
import { describe, expect, it } from 'vitest'
import { type OperatingMode, selfLeaveProposalId } from '../../src/index.js'
import { bootstrap, bootstrapThreeStewards, conv, converged, eventsOf, hex, memberIdOf, scenario, stewardRoles } from './harness.js'

const roleMap = (s: Parameters<typeof conv>[0], i: number, id: string) =>
  Object.fromEntries(conv(s, i, id).memberRoles().map((e) => [hex(e.memberId), e.role]))

describe('integrator API of de-mls 4.x (queries, recovery mode, admin list regeneration)', () => {
  it('member_roles: one epoch steward, one backup, the other stewards, plain members; every member agrees', async () => {
    const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 3 } } })
    const id = 'roles'
    await bootstrapThreeStewards(s, id)
    const roles = roleMap(s, 0, id)
    for (const i of [1, 2, 3]) expect(roleMap(s, i, id)).toEqual(roles)
    const counts = (r: string) => Object.values(roles).filter((x) => x === r).length
    expect(counts('epoch-steward')).toBe(1)
    expect(counts('backup-steward')).toBe(1)
    expect(counts('steward')).toBe(1)
    expect(counts('member')).toBe(1)
    const c = conv(s, 0, id)
    const epochSteward = Object.keys(roles).find((h) => roles[h] === 'epoch-steward')!
    expect(c.conversation.stewards().map(hex)).toContain(epochSteward)
    for (const i of [0, 1, 2, 3]) {
      // Our own role matches the table and isEpochSteward.
      expect(conv(s, i, id).role()).toBe(roles[hex(memberIdOf(i))])
      expect(conv(s, i, id).conversation.isEpochSteward()).toBe(roles[hex(memberIdOf(i))] === 'epoch-steward')
    }
    expect(c.role(memberIdOf(9))).toBeUndefined() // not a member
    await s.stop()
  })

  it('recovery mode: mode-change events and getters on every member, entering on a Deadlock ECP and leaving on an election', async () => {
    const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 3 } } })
    const id = 'mode'
    await bootstrap(s, id)
    const modes: OperatingMode[][] = [[], [], []]
    const subs = [0, 1, 2].map((i) => conv(s, i, id).mode$.subscribe((m) => modes[i]!.push(m)))
    for (const i of [0, 1, 2]) expect(conv(s, i, id).isInRecoveryMode()).toBe(false)
    await conv(s, 0, id).submitEmergency(deadlock(conv(s, 0, id).epoch()))
    await s.until(() => [0, 1, 2].every((i) => conv(s, i, id).isInRecoveryMode() && conv(s, i, id).state() === 'working'))
    for (const i of [0, 1, 2]) expect(eventsOf(s, i, 'mode-change').map((e) => e.mode)).toEqual(['recovery'])
    // The admin regeneration is a steward election; its acceptance ends recovery mode.
    const proposalId = await conv(s, 1, id).regenerateStewardList()
    expect(proposalId).toBeTypeOf('number')
    await s.until(() => [0, 1, 2].every((i) => !conv(s, i, id).isInRecoveryMode()))
    for (const i of [0, 1, 2]) {
      expect(eventsOf(s, i, 'mode-change').map((e) => e.mode)).toEqual(['recovery', 'normal'])
      expect(modes[i]).toEqual(['normal', 'recovery', 'normal'])
      expect(conv(s, i, id).conversation.mode()).toBe('normal')
    }
    for (const sub of subs) sub.unsubscribe()
    await s.stop()
  })

  it('freeze_candidate_count: the candidates of the round against the eligible stewards, zero outside a round', async () => {
    const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 3 } } })
    const id = 'fcc'
    await bootstrapThreeStewards(s, id)
    const { epochSteward, backup, steward, member } = stewardRoles(s, id)
    for (const i of [0, 1, 2, 3]) expect(conv(s, i, id).freezeCandidateCount()).toEqual({ received: 0, expected: 3 })
    // One steward is cut off: the round waits the whole freeze window for its candidate.
    s.net.partition([s.members[steward]!.name], [epochSteward, backup, member].map((i) => s.members[i]!.name))
    const seen: { received: number; expected: number }[] = []
    await conv(s, epochSteward, id).removeMember(memberIdOf(member))
    await s.until(() => {
      const c = conv(s, epochSteward, id)
      if (c.state() === 'freezing') seen.push(c.freezeCandidateCount())
      return c.members().length === 3
    })
    expect(seen.length).toBeGreaterThan(0)
    for (const x of seen) expect(x.expected).toBe(3)
    // The epoch steward's own candidate and the backup's; the cut-off steward's never came.
    expect(Math.max(...seen.map((x) => x.received))).toBe(2)
    expect(eventsOf(s, epochSteward, 'freeze-progress').some((p) => p.received === 2 && p.expected === 3)).toBe(true)
    expect(conv(s, epochSteward, id).freezeCandidateCount().received).toBe(0)
    s.net.heal()
    await s.stop()
  })

  it('pending leaves and approved proposals: a self-leave is listed with its deterministic id until committed', async () => {
    const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 3 } } })
    const id = 'pl'
    await bootstrap(s, id)
    const leaver = memberIdOf(2)
    const observed: { leaves: string[]; approved: ReturnType<ReturnType<typeof conv>['approvedProposals']> }[] = []
    expect(await conv(s, 2, id).leave()).toBe(true)
    await s.until(() => {
      const c = s.members[0]!.user.conversation(id)!
      const leaves = c.pendingLeaves().map(hex)
      if (leaves.length > 0) observed.push({ leaves, approved: c.approvedProposals() })
      return eventsOf(s, 2, 'leaving').length === 1 && c.members().length === 2
    })
    expect(observed.length).toBeGreaterThan(0)
    expect(observed[0]!.leaves).toEqual([hex(leaver)])
    const entry = observed[0]!.approved
    expect(entry).toHaveLength(1)
    expect(entry[0]).toMatchObject({ proposalId: selfLeaveProposalId(leaver), kind: 'remove', selfLeave: true, inNextCommit: true })
    expect(hex(entry[0]!.memberId)).toBe(hex(leaver))
    // Committed: nothing pending, nothing approved.
    await s.until(() => converged(s, id, [0, 1]))
    for (const i of [0, 1]) {
      expect(conv(s, i, id).pendingLeaves()).toEqual([])
      expect(conv(s, i, id).approvedProposals()).toEqual([])
    }
    await s.stop()
  })

  it('approved proposals: an approved add carries its proposal id; an ordinary removal is not a pending leave', async () => {
    const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 3 } } })
    const id = 'ap'
    await bootstrap(s, id, 3)
    const seen = new Map<number, { kind: string; memberId: string; inNextCommit: boolean }>()
    const joined = s.members[3]!.user.join(id)
    await s.until(() => {
      for (const e of conv(s, 1, id).approvedProposals()) {
        seen.set(e.proposalId, { kind: e.kind, memberId: hex(e.memberId), inNextCommit: e.inNextCommit })
      }
      return s.members[3]!.user.conversation(id) !== undefined
    })
    await joined
    const proposed = eventsOf(s, 1, 'consensus-reached').filter((e) => e.approved && e.request?.memberInvite !== undefined).at(-1)!
    expect(seen.get(proposed.proposalId)).toEqual({ kind: 'add', memberId: hex(memberIdOf(3)), inNextCommit: true })
    await s.until(() => converged(s, id))
    // An ordinary removal is approved work but not a pending leave.
    const stewards = conv(s, 0, id).conversation.stewards().map(hex)
    const target = [1, 2, 3].find((i) => !stewards.includes(hex(memberIdOf(i))))!
    const remover = [0, 1, 2, 3].find((i) => i !== target)!
    let sawRemoval = false
    await conv(s, remover, id).removeMember(memberIdOf(target))
    await s.until(() => {
      const c = conv(s, remover, id)
      const r = c.approvedProposals().find((e) => e.kind === 'remove')
      if (r !== undefined) {
        sawRemoval = true
        expect(r.selfLeave).toBe(false)
        expect(c.pendingLeaves()).toEqual([])
      }
      return eventsOf(s, target, 'leaving').length === 1
    })
    expect(sawRemoval).toBe(true)
    await s.stop()
  })

  it('regenerateStewardList opens a voted election (not a local install) whose list every member validates and installs', async () => {
    const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 2 } } })
    const id = 'regen'
    await bootstrap(s, id)
    const before = conv(s, 0, id).conversation.stewards().map(hex)
    const epoch = conv(s, 0, id).epoch()
    const mark = s.members.map((m) => m.events.length)
    const proposalId = await conv(s, 3, id).regenerateStewardList()
    expect(proposalId).toBeTypeOf('number')
    // Nothing changed locally yet: the list changes only when the vote passes.
    expect(conv(s, 3, id).conversation.stewards().map(hex)).toEqual(before)
    const submitted = eventsOf(s, 3, 'own-proposal-submitted').find((e) => e.proposalId === proposalId)!
    expect(submitted.request.payload).toBe('stewardElection')
    expect(submitted.request.stewardElection!.electionEpoch).toBe(epoch)
    // A second call while the election is open opens nothing.
    expect(await conv(s, 3, id).regenerateStewardList()).toBeUndefined()
    await s.until(() => [0, 1, 2, 3].every((i) => s.members[i]!.events.slice(mark[i]).some((e) => e.type === 'consensus-reached' && e.proposalId === proposalId)))
    const elected = submitted.request.stewardElection!.proposedStewards.map(hex)
    for (const i of [0, 1, 2, 3]) {
      const reached = s.members[i]!.events.slice(mark[i]).find((e) => e.type === 'consensus-reached' && e.proposalId === proposalId)
      expect(reached).toMatchObject({ approved: true })
      expect(conv(s, i, id).conversation.stewards().map(hex)).toEqual(elected)
    }
    // The roles follow the new list, identically everywhere.
    const roles = roleMap(s, 0, id)
    for (const i of [1, 2, 3]) expect(roleMap(s, i, id)).toEqual(roles)
    for (const h of elected) expect(['epoch-steward', 'backup-steward']).toContain(roles[h])
    await s.stop()
  })
})
