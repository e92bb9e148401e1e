import { describe, expect, it } from 'vitest'
import { AlreadyMemberError, InvalidArgumentError, RejectedError } from '../../src/index.js'
import { bootstrapInvited, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'

/** Users whose conversations default to admission by invitation (the library default). */
const INVITE = { config: { admission: 'invite' as const } }

describe('admission by invitation (the default)', () => {
  it('an invited joiner is admitted by the automatic votes; later joiners get earlier invitations in their sync', async () => {
    const s = await scenario(4, INVITE)
    await bootstrapInvited(s, 'inv', 2)
    expect(conv(s, 1, 'inv').conversation.config().admission).toBe('invite')
    // m1 (not the steward) vouches for m3 before m2 joins: m2 learns that invitation from its sync.
    await conv(s, 1, 'inv').invite(memberIdOf(3))
    await conv(s, 0, 'inv').invite(memberIdOf(2))
    await s.net.advance(50)
    expect(eventsOf(s, 0, 'invite').map((e) => hex(e.invitee))).toContain(hex(memberIdOf(3)))
    const j2 = joining(s, 2, 'inv')
    await s.until(() => j2.out.done)
    expect(j2.out.error).toBeUndefined()
    const held = conv(s, 2, 'inv').conversation.invitations(s.net.clock.now())
    expect(held.map((h) => `${hex(h.inviter)}>${hex(h.invitee)}`)).toContain(`${hex(memberIdOf(1))}>${hex(memberIdOf(3))}`)
    const j3 = joining(s, 3, 'inv')
    await s.until(() => j3.out.done)
    expect(j3.out.error).toBeUndefined()
    await s.until(() => converged(s, 'inv') && conv(s, 0, 'inv').members().length === 4)
    // Every member voted YES on m3's join (it held m1's invitation), none NO.
    const m3Join = eventsOf(s, 2, 'consensus-reached').filter((e) => e.request?.memberInvite && hex(e.request.memberInvite.memberId) === hex(memberIdOf(3)))
    expect(m3Join.map((e) => e.approved)).toEqual([true])
    await s.stop()
  }, 60_000)

  it('an uninvited joiner is rejected when nobody acts, and admitted once a member votes YES explicitly', async () => {
    const s = await scenario(4, INVITE)
    await bootstrapInvited(s, 'yes', 3)
    const refused = joining(s, 3, 'yes', { retry: { initialMs: 60_000, maxMs: 60_000 } })
    await s.until(() => refused.out.done)
    expect(refused.out.error).toBeInstanceOf(RejectedError)
    expect(conv(s, 0, 'yes').members().length).toBe(3)
    // Now m2 answers the vote request on m3's join with an explicit YES: a vouch the others follow.
    const sub = s.members[2]!.user.events$.subscribe((e) => {
      if (e.type === 'vote-requested' && e.request?.memberInvite && hex(e.request.memberInvite.memberId) === hex(memberIdOf(3))) {
        void conv(s, 2, 'yes').vote(e.proposalId, true)
      }
    })
    const admitted = joining(s, 3, 'yes')
    await s.until(() => admitted.out.done)
    sub.unsubscribe()
    expect(admitted.out.error).toBeUndefined()
    await s.until(() => converged(s, 'yes') && conv(s, 0, 'yes').members().length === 4)
    await s.stop()
  }, 60_000)

  it("admission: 'open' keeps automatic admission and is synced to joiners", async () => {
    const s = await scenario(3, INVITE)
    const owner = await s.members[0]!.user.createConversation('open', { admission: 'open' })
    expect(owner.conversation.config().admission).toBe('open')
    const j1 = joining(s, 1, 'open')
    await s.until(() => j1.out.done)
    expect(j1.out.error).toBeUndefined()
    expect(conv(s, 1, 'open').conversation.config().admission).toBe('open')
    // m1 took 'open' from the sync (its own default is 'invite'): it auto-admits m2 without an invitation.
    const j2 = joining(s, 2, 'open')
    await s.until(() => j2.out.done)
    expect(j2.out.error).toBeUndefined()
    await s.until(() => converged(s, 'open') && conv(s, 0, 'open').members().length === 3)
    expect(eventsOf(s, 0, 'invite')).toEqual([])
    await s.stop()
  }, 60_000)

  it('invite refuses a bad member id and a current member with typed errors', async () => {
    const s = await scenario(2, INVITE)
    await bootstrapInvited(s, 'bad', 2)
    await expect(conv(s, 0, 'bad').invite(new Uint8Array(0))).rejects.toBeInstanceOf(InvalidArgumentError)
    await expect(conv(s, 0, 'bad').invite(new Uint8Array(65))).rejects.toBeInstanceOf(InvalidArgumentError)
    const err = await conv(s, 0, 'bad').invite(memberIdOf(1)).catch((e) => e)
    expect(err).toBeInstanceOf(AlreadyMemberError)
    expect(err.code).toBe('ALREADY_MEMBER')
    await s.stop()
  }, 60_000)
})
