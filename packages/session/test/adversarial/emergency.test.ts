import { ViolationType, encodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { capturingPlugins } from '../scenarios/capture-groups.js'
import { type Scenario, bootstrap, conv, eventsOf, hex, memberIdOf, scenario } from '../scenarios/harness.js'

// Issue 15: "one member evicts anyone". Emergency proposals used to be
// auto-voted with the proposer's liveness flag, so a made-up accusation
// passed by silence and cost its target points; and one member's BanRequest
// became a removal that auto-votes passed. Now each voter judges an
// emergency from its own observation (voting/judge-evidence.ts), and a ban
// is decided by explicit votes only.

const ID = 'em'
const scoreOf = (s: Scenario, observer: number, member: number) =>
  conv(s, observer, ID).conversation.memberScores().find((e) => hex(e.memberId) === hex(memberIdOf(member)))?.score

async function resolved(s: Scenario, id: number, members: number[]): Promise<boolean[]> {
  await s.until(() => members.every((i) => eventsOf(s, i, 'consensus-reached').some((e) => e.proposalId === id)))
  return members.map((i) => eventsOf(s, i, 'consensus-reached').find((e) => e.proposalId === id)!.approved)
}

describe('adversarial: emergencies and bans are judged by each voter', () => {
  it('three made-up CENSORSHIP_INACTIVITY accusations against a live member are voted down; its score and membership stay', async () => {
    const s = await scenario(4)
    await bootstrap(s, ID)
    const target = 2
    const others = [0, 1, 3]
    const before = others.map((i) => scoreOf(s, i, target))
    // Three accusers in turn (an accuser whose accusation is voted down is penalised, so one alone is soon removed).
    for (const accuser of others) {
      if (s.members[accuser]!.user.conversation(ID) === undefined) continue
      const id = await conv(s, accuser, ID).submitEmergency({
        violationType: ViolationType.CENSORSHIP_INACTIVITY,
        targetMemberId: memberIdOf(target),
        epoch: conv(s, accuser, ID).epoch(),
      })
      const judges = others.filter((i) => i !== accuser && s.members[i]!.user.conversation(ID) !== undefined)
      expect(await resolved(s, id, judges)).toEqual(judges.map(() => false))
    }
    for (const [k, i] of others.entries()) {
      if (s.members[i]!.user.conversation(ID) === undefined) continue
      expect(scoreOf(s, i, target)).toBe(before[k])
      expect(conv(s, i, ID).members().map(hex)).toContain(hex(memberIdOf(target)))
    }
    await s.stop()
  }, 60_000)

  it('the same accusation against a member nobody hears from passes on the others’ own observation', async () => {
    const s = await scenario(4)
    await bootstrap(s, ID)
    const [accuser, target] = [1, 2]
    s.net.mute(s.members[target]!.name)
    const t0 = s.net.clock.now()
    // Past the suspect window (2 × attestation interval + freeze: 5 s with FAST timing), before the
    // dead-member removal (15 s) would act on its own.
    await s.until(() => s.net.clock.now() > t0 + 7_000)
    const id = await conv(s, accuser, ID).submitEmergency({
      violationType: ViolationType.CENSORSHIP_INACTIVITY,
      targetMemberId: memberIdOf(target),
      epoch: conv(s, accuser, ID).epoch(),
    })
    expect(await resolved(s, id, [0, 3])).toEqual([true, true])
    await s.stop()
  }, 60_000)

  it('a Deadlock ECP about another epoch is voted down and freezes nobody; one about ours opens recovery mode (as the reference)', async () => {
    // Four members: with three, the reference rule decides a liveness-YES proposal as soon as one NO
    // meets the bundled YES (the silent third weighs YES).
    const s = await scenario(4)
    await bootstrap(s, ID)
    const judges = [1, 2, 3]
    const stale = await conv(s, 0, ID).submitEmergency({ violationType: ViolationType.DEADLOCK, epoch: conv(s, 0, ID).epoch() + 5n })
    expect(await resolved(s, stale, judges)).toEqual([false, false, false])
    for (const i of [0, 1, 2, 3]) expect(conv(s, i, ID).conversation.mode()).toBe('normal')
    const current = await conv(s, 0, ID).submitEmergency({ violationType: ViolationType.DEADLOCK, epoch: conv(s, 0, ID).epoch() })
    expect(await resolved(s, current, judges)).toEqual([true, true, true])
    await s.until(() => [0, 1, 2, 3].every((i) => eventsOf(s, i, 'phase-change').some((e) => e.state === 'freezing' && e.mode === 'recovery')))
    await s.stop()
  }, 60_000)

  it('one member’s BanRequest removes nobody without explicit votes; with them it does', async () => {
    const { groups, plugins } = await capturingPlugins(4)
    const s = await scenario(4, { plugins })
    await bootstrap(s, ID)
    // The epoch steward opens the removal; the requester and the target are two other members.
    const steward = [0, 1, 2, 3].find((i) => conv(s, i, ID).conversation.isEpochSteward())!
    const [requester, target] = [0, 1, 2, 3].filter((i) => i !== steward) as [number, number]
    const voters = [0, 1, 2, 3].filter((i) => i !== target)
    const ban = async () => {
      const payload = await groups.get(requester)!.encrypt(encodeAppMessage({ banRequest: { userToBan: memberIdOf(target), conversationId: ID } }))
      await s.net.transport(s.members[requester]!.name).publish({ conversationId: ID, subtopic: 'app', payload })
    }
    const banProposals = (i: number) =>
      eventsOf(s, i, 'vote-requested').filter((e) => e.request?.payload === 'removeMember' && hex(e.request.removeMember!.memberId) === hex(memberIdOf(target)))
    await ban()
    await s.until(() => banProposals(steward).length > 0)
    const first = banProposals(steward)[0]!.proposalId
    // Nobody votes: silence counts as NO and the target stays.
    expect(await resolved(s, first, voters)).toEqual(voters.map(() => false))
    for (const i of voters) expect(conv(s, i, ID).members().map(hex)).toContain(hex(memberIdOf(target)))
    // Asked again, and this time the members vote YES themselves: removed.
    await ban()
    await s.until(() => banProposals(steward).some((e) => e.proposalId !== first))
    const second = banProposals(steward).find((e) => e.proposalId !== first)!.proposalId
    await s.until(() => voters.every((i) => banProposals(i).some((e) => e.proposalId === second)))
    for (const i of voters) await conv(s, i, ID).vote(second, true)
    await s.until(() => voters.every((i) => !conv(s, i, ID).members().map(hex).includes(hex(memberIdOf(target)))))
    await s.stop()
  }, 90_000)
})
