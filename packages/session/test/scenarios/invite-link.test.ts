import { describe, expect, it } from 'vitest'
import { InvalidInviteLinkError, RejectedError, UnknownInviteLinkError, parseInviteLink } from '../../src/index.js'
import { bootstrapInvited, conv, converged, eventsOf, hex, joiningByLink, memberIdOf, scenario } from './harness.js'

/** Users whose conversations default to admission by invitation (the library default). */
const INVITE = { config: { admission: 'invite' as const } }

/**
 * Invite links (issue 53 item 1): a member creates one string; whoever holds
 * it joins with `User.joinByLink` while the link allows (uses, expiry, not
 * revoked, its creator a member), and is refused with a typed reason
 * otherwise.
 */
describe('invite links', () => {
  it('a link admits its holder; the group counts the use (one of one): the next holder is refused with link-spent', async () => {
    const s = await scenario(5, INVITE)
    await bootstrapInvited(s, 'link', 3)
    const created = await conv(s, 1, 'link').createInviteLink({ uses: 1, addresses: ['/dns4/relay.example/tcp/443/wss'] })
    expect(created.link.startsWith('demls:')).toBe(true)
    expect(created.link).not.toMatch(/\s/)
    expect(created.link.length).toBeLessThan(600)
    const parsed = parseInviteLink(created.link)
    expect(parsed).toMatchObject({ conversationId: 'link', id: created.id, uses: 1, addresses: ['/dns4/relay.example/tcp/443/wss'] })
    expect(hex(parsed.inviter)).toBe(hex(memberIdOf(1)))
    await s.net.advance(50)
    // Every member was told of the link.
    for (const i of [0, 1, 2]) expect(conv(s, i, 'link').inviteLinks().map((l) => l.id)).toEqual([created.id])
    const first = joiningByLink(s, 3, created.link)
    await s.until(() => first.done)
    expect(first.error).toBeUndefined()
    await s.until(() => converged(s, 'link', [0, 1, 2, 3]) && conv(s, 0, 'link').members().length === 4)
    // The use is counted by every member, the joiner included (from its sync).
    for (const i of [0, 1, 2, 3]) expect(conv(s, i, 'link').inviteLinks().map((l) => `${l.id}:${l.used}/${l.uses}`)).toEqual([`${created.id}:1/1`])
    const second = joiningByLink(s, 4, created.link)
    await s.until(() => second.done)
    expect(second.error).toBeInstanceOf(RejectedError)
    expect((second.error as RejectedError).reason).toBe('link-spent')
    expect(conv(s, 0, 'link').members().length).toBe(4)
    await s.stop()
  }, 120_000)

  it('a link with uses left admits several holders; two holders of a one-use link at once: at most one is admitted', async () => {
    const s = await scenario(6, INVITE)
    await bootstrapInvited(s, 'race', 3)
    const { link } = await conv(s, 0, 'race').createInviteLink({ uses: 1 })
    await s.net.advance(50)
    const a = joiningByLink(s, 3, link)
    const b = joiningByLink(s, 4, link)
    await s.until(() => a.done && b.done)
    const outcomes = [a, b].map((o) => (o.error === undefined ? 'admitted' : (o.error as RejectedError).reason))
    expect(outcomes.filter((o) => o === 'admitted').length).toBe(1)
    expect(outcomes.filter((o) => o !== 'admitted')).toEqual(['link-spent'])
    await s.until(() => converged(s, 'race', [0, 1, 2, outcomes[0] === 'admitted' ? 3 : 4]))
    expect(conv(s, 0, 'race').members().length).toBe(4)
    // A two-use link: two more holders, one after the other.
    const two = await conv(s, 1, 'race').createInviteLink({ uses: 2 })
    await s.net.advance(50)
    const c = joiningByLink(s, outcomes[0] === 'admitted' ? 4 : 3, two.link)
    await s.until(() => c.done)
    expect(c.error).toBeUndefined()
    const d = joiningByLink(s, 5, two.link)
    await s.until(() => d.done)
    expect(d.error).toBeUndefined()
    await s.until(() => converged(s, 'race') && conv(s, 0, 'race').members().length === 6)
    await s.stop()
  }, 120_000)

  it('expired, revoked by any member, or its creator left: refused with link-expired and link-revoked', async () => {
    const s = await scenario(7, INVITE)
    await bootstrapInvited(s, 'end', 4)
    const expiring = await conv(s, 1, 'end').createInviteLink({ expiresInMs: 1_000 })
    const revoked = await conv(s, 1, 'end').createInviteLink()
    const orphan = await conv(s, 3, 'end').createInviteLink()
    await s.net.advance(50)
    // Member 2 revokes member 1's link for everyone.
    await conv(s, 2, 'end').revokeInviteLink(revoked.id)
    await s.net.advance(50)
    for (const i of [0, 1, 3]) expect(eventsOf(s, i, 'invite-link-revoked').map((e) => e.id)).toEqual([revoked.id])
    await expect(conv(s, 2, 'end').revokeInviteLink(revoked.id)).rejects.toBeInstanceOf(UnknownInviteLinkError)
    // Member 3 (the orphan link's creator) leaves.
    await conv(s, 3, 'end').leave()
    await s.until(() => converged(s, 'end', [0, 1, 2]) && conv(s, 0, 'end').members().length === 3)
    // Neither the revoked link nor the one whose creator left is open any more.
    const open = conv(s, 0, 'end').inviteLinks().map((l) => l.id)
    expect(open).not.toContain(revoked.id)
    expect(open).not.toContain(orphan.id)
    await s.net.advance(1_000)
    for (const [i, link, reason] of [
      [4, expiring.link, 'link-expired'],
      [5, revoked.link, 'link-revoked'],
      [6, orphan.link, 'link-revoked'],
    ] as const) {
      const j = joiningByLink(s, i, link)
      await s.until(() => j.done)
      expect(j.error, reason).toBeInstanceOf(RejectedError)
      expect((j.error as RejectedError).reason).toBe(reason)
    }
    expect(conv(s, 0, 'end').members().length).toBe(3)
    await s.stop()
  }, 120_000)

  it('an altered link (uses raised, signature kept) is refused with link-invalid; a string that is no link throws InvalidInviteLinkError', async () => {
    const s = await scenario(4, INVITE)
    await bootstrapInvited(s, 'alt', 3)
    const { link } = await conv(s, 1, 'alt').createInviteLink({ uses: 1 })
    await s.net.advance(50)
    const { encodeInviteLink, decodeInviteLink } = await import('@demls/wire')
    const b64 = link.slice('demls:'.length).replaceAll('-', '+').replaceAll('_', '/')
    const decoded = decodeInviteLink(Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0)))
    const altered = encodeInviteLink({ ...decoded, record: { ...decoded.record!, uses: 50 } })
    let bin = ''
    for (const x of altered) bin += String.fromCharCode(x)
    const alteredLink = `demls:${btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`
    const j = joiningByLink(s, 3, alteredLink)
    await s.until(() => j.done)
    expect(j.error).toBeInstanceOf(RejectedError)
    expect((j.error as RejectedError).reason).toBe('link-invalid')
    for (const bad of ['https://example.com', 'demls:!!!', `demls:${'A'.repeat(8)}`, link.slice(0, -12)]) {
      await expect(s.members[3]!.user.joinByLink(bad)).rejects.toBeInstanceOf(InvalidInviteLinkError)
    }
    await s.stop()
  }, 120_000)
})
