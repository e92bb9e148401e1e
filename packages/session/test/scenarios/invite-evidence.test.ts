import { describe, expect, it } from 'vitest'
import { bootstrapInvited, conv, converged, eventsOf, hex, joining, memberIdOf, scenario, type Scenario } from './harness.js'

/** Users whose conversations default to admission by invitation (the library default). */
const INVITE = { config: { admission: 'invite' as const } }
const MEMBERS = 5
const JOINER = MEMBERS

/** The epoch steward of `id` as member 0 sees it (it opens the joins). */
function epochSteward(s: Scenario, id: string): number {
  const roles = new Map(conv(s, 0, id).memberRoles().map((e) => [hex(e.memberId), e.role]))
  return [...Array(MEMBERS).keys()].find((i) => roles.get(hex(memberIdOf(i))) === 'epoch-steward')!
}

/** Member `inviter` invites the joiner while the only other member its broadcast reaches is `reaches`. */
async function inviteReaching(s: Scenario, id: string, inviter: number, reaches: number[]): Promise<void> {
  const cut = [...Array(MEMBERS).keys()].filter((i) => i !== inviter && !reaches.includes(i)).map((i) => s.members[i]!.name)
  s.net.partition([s.members[inviter]!.name], cut)
  await conv(s, inviter, id).invite(memberIdOf(JOINER))
  await s.net.advance(50)
  s.net.heal()
}

/** Which members hold an invitation for the joiner. */
function holders(s: Scenario, id: string): number[] {
  const now = s.net.clock.now()
  return [...Array(MEMBERS).keys()].filter((i) => conv(s, i, id).conversation.invitations(now).some((h) => hex(h.invitee) === hex(memberIdOf(JOINER))))
}

/** Every join proposal for the joiner that member `i` saw requested or submitted, decoded. */
function joinRequests(s: Scenario, i: number) {
  return [...eventsOf(s, i, 'vote-requested'), ...eventsOf(s, i, 'own-proposal-submitted')]
    .map((e) => e.request)
    .filter((r) => r?.memberInvite !== undefined && hex(r.memberInvite.memberId) === hex(memberIdOf(JOINER)))
}

/**
 * Issue 56 for admission: a join's outcome is decided from proofs every
 * member can check, not from which broadcasts each member happened to
 * receive. The join proposal carries the invitation its creator holds
 * (`MemberInvite.demls_invitation`); when the creator lacks it, the members
 * that hold it relay it as soon as they see the proposal, before anyone's
 * automatic vote.
 */
describe('admission evidence travels with the join proposal', () => {
  it('an invitation lost to most members and to the steward that opens the join: the holders relay it and the joiner is admitted', async () => {
    const s = await scenario(MEMBERS + 1, INVITE)
    await bootstrapInvited(s, 'lost', MEMBERS)
    const steward = epochSteward(s, 'lost')
    const [inviter, other] = [...Array(MEMBERS).keys()].filter((i) => i !== steward)
    await inviteReaching(s, 'lost', inviter!, [other!])
    // Only the inviter and one member hold it; the steward that will open the join does not.
    expect(holders(s, 'lost').sort()).toEqual([inviter!, other!].sort())
    const j = joining(s, JOINER, 'lost', { retry: { initialMs: 60_000, maxMs: 60_000 } })
    await s.until(() => j.out.done)
    expect(j.out.error).toBeUndefined()
    await s.until(() => converged(s, 'lost', [...Array(MEMBERS + 1).keys()]) && conv(s, 0, 'lost').members().length === MEMBERS + 1)
    // The steward proposed the join without an invitation (it had none)...
    const proposed = joinRequests(s, steward)
    expect(proposed.length).toBe(1)
    expect(proposed[0]!.memberInvite!.demlsInvitation).toBeUndefined()
    // ...and the members that missed the broadcast took the invitation a holder relayed, before they voted.
    for (const i of [...Array(MEMBERS).keys()].filter((i) => i !== inviter && i !== other)) {
      expect(eventsOf(s, i, 'invite').map((e) => `${hex(e.inviter)}>${hex(e.invitee)}`)).toContain(`${hex(memberIdOf(inviter!))}>${hex(memberIdOf(JOINER))}`)
    }
    const reached = eventsOf(s, 0, 'consensus-reached').filter((e) => e.request?.memberInvite && hex(e.request.memberInvite.memberId) === hex(memberIdOf(JOINER)))
    expect(reached.map((e) => e.approved)).toEqual([true])
    await s.stop()
  }, 120_000)

  it('an invitation only the opening steward received: the proposal carries it, and every member checks and keeps it', async () => {
    const s = await scenario(MEMBERS + 1, INVITE)
    await bootstrapInvited(s, 'carried', MEMBERS)
    const steward = epochSteward(s, 'carried')
    const inviter = [...Array(MEMBERS).keys()].find((i) => i !== steward)!
    await inviteReaching(s, 'carried', inviter, [steward])
    expect(holders(s, 'carried').sort()).toEqual([inviter, steward].sort())
    const j = joining(s, JOINER, 'carried')
    await s.until(() => j.out.done)
    expect(j.out.error).toBeUndefined()
    // The proposal's payload names the inviter's signed invitation; everyone took it from there.
    const carried = joinRequests(s, steward)[0]!.memberInvite!.demlsInvitation
    expect(carried).toBeDefined()
    expect(hex(carried!.inviter)).toBe(hex(memberIdOf(inviter)))
    expect(hex(carried!.invitee)).toBe(hex(memberIdOf(JOINER)))
    for (const i of [...Array(MEMBERS).keys()].filter((i) => i !== inviter && i !== steward)) {
      const seen = joinRequests(s, i)
      expect(seen.length).toBe(1)
      expect(seen[0]!.memberInvite!.demlsInvitation).toEqual(carried)
      expect(eventsOf(s, i, 'invite').map((e) => hex(e.invitee))).toContain(hex(memberIdOf(JOINER)))
    }
    await s.until(() => converged(s, 'carried', [...Array(MEMBERS + 1).keys()]) && conv(s, 0, 'carried').members().length === MEMBERS + 1)
    await s.stop()
  }, 120_000)
})
