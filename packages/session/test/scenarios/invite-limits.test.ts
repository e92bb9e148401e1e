import { describe, expect, it } from 'vitest'
import { INVITATIONS_PER_INVITER, InvitationLimitError } from '../../src/index.js'
import { AbortError } from '@demls/wire'
import { bootstrapInvited, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'

/** Users whose conversations admit by invitation (the library default). */
const INVITE = { config: { admission: 'invite' as const } }

describe('invitations never vanish (issue 53)', () => {
  it('30 invitations from one inviter to a new group: all 30 joiners, announced at once, are admitted', async () => {
    const n = 31
    const s = await scenario(n, INVITE)
    const owner = await s.members[0]!.user.createConversation('thirty')
    for (let i = 1; i < n; i++) await owner.invite(memberIdOf(i))
    // With the old bound (16 per inviter, the oldest evicted) only the last 16 were held, and 14 joiners were rejected.
    expect(owner.conversation.invitations(s.net.clock.now())).toHaveLength(n - 1)
    const joins = Array.from({ length: n - 1 }, (_, k) => joining(s, k + 1, 'thirty', { timeoutMs: 120_000 }))
    await s.until(() => joins.every((j) => j.out.done), 150_000)
    expect(joins.map((j) => (j.out.error as Error | undefined)?.message)).toEqual(joins.map(() => undefined))
    await s.until(() => converged(s, 'thirty') && conv(s, 0, 'thirty').members().length === n, 60_000)
    expect(conv(s, 0, 'thirty').members().map(hex).sort()).toEqual(Array.from({ length: n }, (_, i) => hex(memberIdOf(i))).sort())
    // Every invitation was used: none is left open.
    for (let i = 0; i < n; i++) expect(conv(s, i, 'thirty').conversation.invitations(s.net.clock.now())).toEqual([])
    await s.stop()
  }, 300_000)

  it(`the ${INVITATIONS_PER_INVITER + 1}th open invitation fails with InvitationLimitError; nothing held is dropped; a renewal still works`, async () => {
    const s = await scenario(1, INVITE)
    const owner = await s.members[0]!.user.createConversation('cap')
    const invitee = (k: number) => Uint8Array.from({ length: 20 }, (_, b) => (b === 19 ? k : 0x42))
    for (let k = 0; k < INVITATIONS_PER_INVITER; k++) await owner.invite(invitee(k))
    const err = await owner.invite(invitee(200)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvitationLimitError)
    expect(err).toMatchObject({ code: 'INVITATION_LIMIT', reason: 'per-inviter', limit: INVITATIONS_PER_INVITER, held: INVITATIONS_PER_INVITER })
    expect((err as InvitationLimitError).docsPath).toBe('/docs/errors.md#invitation-limit')
    const held = owner.conversation.invitations(s.net.clock.now())
    expect(held.map((h) => hex(h.invitee))).toEqual(Array.from({ length: INVITATIONS_PER_INVITER }, (_, k) => hex(invitee(k))))
    await s.net.advance(1_000)
    const renewed = await owner.invite(invitee(0))
    expect(renewed).toBe(s.net.clock.now() + 24 * 60 * 60 * 1000)
    await s.stop()
  })

  it('invite during a freeze waits and settles once the group works again (the invitee then joins); an abort while it waits withdraws it', async () => {
    const s = await scenario(7, { config: { admission: 'invite', stewardList: { snMin: 1, snMax: 3 }, freezeDurationMs: 5_000 } })
    // Three members, then a fourth: after that commit the three settled ones are the steward list.
    await bootstrapInvited(s, 'frz', 3)
    await conv(s, 0, 'frz').invite(memberIdOf(3))
    await s.net.advance(50)
    const j3 = joining(s, 3, 'frz')
    await s.until(() => j3.out.done)
    expect(j3.out.error).toBeUndefined()
    await s.until(() => converged(s, 'frz', [0, 1, 2, 3]) && conv(s, 0, 'frz').conversation.stewards().length === 3)
    const stewards = [0, 1, 2, 3].filter((i) => conv(s, i, 'frz').conversation.isSteward())
    const active = stewards.find((i) => conv(s, i, 'frz').conversation.isEpochSteward())!
    // Mute another steward: its candidate never comes, so the freeze lasts its whole window.
    const silent = stewards.find((i) => i !== active)!
    // A join (member 4, invited) makes the group commit.
    await conv(s, active, 'frz').invite(memberIdOf(4))
    await s.net.advance(50)
    s.net.mute(s.members[silent]!.name)
    const j4 = joining(s, 4, 'frz', { timeoutMs: 60_000 })
    await s.until(() => conv(s, active, 'frz').state() === 'freezing')
    const epoch = conv(s, active, 'frz').epoch()
    let settled: number | undefined
    const queued = conv(s, active, 'frz').invite(memberIdOf(5))
    void queued.then((at) => {
      settled = at
    })
    const ac = new AbortController()
    const withdrawn = conv(s, active, 'frz').invite(memberIdOf(6), { signal: ac.signal }).catch((e: unknown) => e)
    await s.net.advance(100)
    expect(conv(s, active, 'frz').conversation.queuedInvitationCount()).toBe(2)
    expect(settled).toBeUndefined()
    ac.abort()
    expect(await withdrawn).toBeInstanceOf(AbortError)
    expect(conv(s, active, 'frz').conversation.queuedInvitationCount()).toBe(1)
    await s.until(() => settled !== undefined, 30_000)
    // Sent in the epoch after the freeze, and held by the others (member 4, who joined in it, too).
    expect(conv(s, active, 'frz').epoch()).toBeGreaterThan(epoch)
    await s.until(() => j4.out.done)
    expect(j4.out.error).toBeUndefined()
    const others = [0, 1, 2, 3, 4].filter((i) => i !== active && i !== silent)
    await s.until(() => others.every((i) => conv(s, i, 'frz').conversation.invitations(s.net.clock.now()).some((h) => hex(h.invitee) === hex(memberIdOf(5)))))
    for (const i of [active, ...others]) {
      expect(conv(s, i, 'frz').conversation.invitations(s.net.clock.now()).map((h) => hex(h.invitee))).not.toContain(hex(memberIdOf(6)))
    }
    expect(eventsOf(s, active, 'invite').map((e) => hex(e.invitee))).not.toContain(hex(memberIdOf(6)))
    // The invitation admits its invitee.
    s.net.unmute(s.members[silent]!.name)
    const j5 = joining(s, 5, 'frz', { timeoutMs: 60_000 })
    await s.until(() => j5.out.done, 90_000)
    expect(j5.out.error).toBeUndefined()
    await s.stop()
  }, 120_000)
})
