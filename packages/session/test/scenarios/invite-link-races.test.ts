import { describe, expect, it } from 'vitest'
import { RejectedError } from '../../src/index.js'
import { bootstrapInvited, conv, converged, eventsOf, hex, joiningByLink, memberIdOf, scenario, type Scenario } from './harness.js'

/** Users whose conversations default to admission by invitation (the library default). */
const INVITE = { config: { admission: 'invite' as const } }

/** `admitted`, or the reason of the joiner's `RejectedError` (anything else fails the test). */
function outcomeOf(out: { error?: unknown }): string {
  if (out.error === undefined) return 'admitted'
  expect(out.error).toBeInstanceOf(RejectedError)
  return (out.error as RejectedError).reason
}

/** Whether `joiner` is on the roster of member `i` (its own view of `id`). */
function onRoster(s: Scenario, i: number, id: string, joiner: number): boolean {
  return conv(s, i, id).members().some((m) => hex(m) === hex(memberIdOf(joiner)))
}

/** Whether some member's own join proposal for `joiner` is out (the join is being voted on). */
function joinProposed(s: Scenario, members: readonly number[], joiner: number): boolean {
  return members.some((i) =>
    [...eventsOf(s, i, 'own-proposal-submitted'), ...eventsOf(s, i, 'vote-requested')].some(
      (e) => e.request?.payload === 'memberInvite' && hex(e.request.memberInvite!.memberId) === hex(memberIdOf(joiner)),
    ),
  )
}

/**
 * The races of invite links (issue 53): a link revoked while a holder is
 * mid-join, and a link whose creator leaves right after creating it. The
 * outcome is never a split group: a refused joiner is on nobody's roster,
 * an admitted one on everybody's.
 */
describe('invite link races', () => {
  it('revoked while the join proposal is being voted (well before it closes): the joiner is refused with link-revoked and nobody holds it; a later holder too', async () => {
    const s = await scenario(6, INVITE)
    await bootstrapInvited(s, 'rv', 4)
    const { link, id } = await conv(s, 1, 'rv').createInviteLink({ uses: 5 })
    await s.net.advance(50)
    const first = joiningByLink(s, 4, link)
    // The join proposal is out and being voted on: member 2 revokes the link now.
    await s.until(() => joinProposed(s, [0, 1, 2, 3], 4))
    await conv(s, 2, 'rv').revokeInviteLink(id)
    await s.until(() => first.done)
    expect(outcomeOf(first)).toBe('link-revoked')
    // Members that voted YES before the revocation reached them do not carry the join: nobody commits it.
    await s.net.advance(2_000)
    expect(converged(s, 'rv', [0, 1, 2, 3])).toBe(true)
    for (const i of [0, 1, 2, 3]) {
      expect(onRoster(s, i, 'rv', 4)).toBe(false)
      expect(conv(s, i, 'rv').members().length).toBe(4)
      expect(conv(s, i, 'rv').inviteLinks().map((l) => l.id)).not.toContain(id)
    }
    expect(s.members[4]!.user.conversation('rv')).toBeUndefined()
    const second = joiningByLink(s, 5, link)
    await s.until(() => second.done)
    expect(outcomeOf(second)).toBe('link-revoked')
    for (const i of [0, 1, 2, 3]) expect(onRoster(s, i, 'rv', 5)).toBe(false)
    await s.stop()
  }, 120_000)

  it('revoked after the join was committed: the joiner is a member on every roster; a later holder is refused with link-revoked', async () => {
    const s = await scenario(6, INVITE)
    await bootstrapInvited(s, 'rc', 4)
    const { link, id } = await conv(s, 1, 'rc').createInviteLink({ uses: 5 })
    await s.net.advance(50)
    const first = joiningByLink(s, 4, link)
    await s.until(() => first.done)
    expect(outcomeOf(first)).toBe('admitted')
    await s.until(() => converged(s, 'rc', [0, 1, 2, 3, 4]))
    // The use was counted by every member, the new one included, before the revocation.
    for (const i of [0, 1, 2, 3, 4]) expect(conv(s, i, 'rc').inviteLinks().map((l) => `${l.id}:${l.used}`)).toEqual([`${id}:1`])
    await conv(s, 2, 'rc').revokeInviteLink(id)
    await s.net.advance(50)
    // The revocation reached every member (the one the link admitted too) and removes nobody.
    for (const i of [0, 1, 3, 4]) expect(eventsOf(s, i, 'invite-link-revoked').map((e) => e.id)).toEqual([id])
    const second = joiningByLink(s, 5, link)
    await s.until(() => second.done)
    expect(outcomeOf(second)).toBe('link-revoked')
    await s.net.advance(2_000)
    expect(converged(s, 'rc', [0, 1, 2, 3, 4])).toBe(true)
    for (const i of [0, 1, 2, 3, 4]) {
      expect(onRoster(s, i, 'rc', 4)).toBe(true)
      expect(onRoster(s, i, 'rc', 5)).toBe(false)
      expect(conv(s, i, 'rc').members().length).toBe(5)
    }
    await s.stop()
  }, 120_000)

  it('revoked once the join is approved, before its commit: the commit carries it, the joiner is a member on every roster; a later holder is refused with link-revoked', async () => {
    const s = await scenario(6, INVITE)
    await bootstrapInvited(s, 'ra', 4)
    const { link, id } = await conv(s, 1, 'ra').createInviteLink({ uses: 5 })
    await s.net.advance(50)
    const first = joiningByLink(s, 4, link)
    await s.until(() => eventsOf(s, 2, 'consensus-reached').some((e) => e.request?.payload === 'memberInvite'))
    const epoch = conv(s, 2, 'ra').epoch()
    // Approved, not yet committed: the revocation comes too late for this join (the group decided).
    expect(onRoster(s, 2, 'ra', 4)).toBe(false)
    await conv(s, 2, 'ra').revokeInviteLink(id)
    await s.until(() => first.done)
    expect(outcomeOf(first)).toBe('admitted')
    await s.until(() => converged(s, 'ra', [0, 1, 2, 3, 4]))
    for (const i of [0, 1, 2, 3, 4]) {
      expect(conv(s, i, 'ra').epoch()).toBe(epoch + 1n)
      expect(onRoster(s, i, 'ra', 4)).toBe(true)
      expect(conv(s, i, 'ra').inviteLinks().map((l) => l.id)).not.toContain(id)
    }
    const second = joiningByLink(s, 5, link)
    await s.until(() => second.done)
    expect(outcomeOf(second)).toBe('link-revoked')
    await s.net.advance(2_000)
    for (const i of [0, 1, 2, 3, 4]) {
      expect(onRoster(s, i, 'ra', 5)).toBe(false)
      expect(conv(s, i, 'ra').members().length).toBe(5)
    }
    await s.stop()
  }, 120_000)

  it('a link created just before its creator leaves: a holder is refused with link-revoked and no member admits it', async () => {
    const s = await scenario(5, INVITE)
    await bootstrapInvited(s, 'cl', 4)
    const { link } = await conv(s, 3, 'cl').createInviteLink({ uses: 3 })
    await conv(s, 3, 'cl').leave()
    await s.until(() => converged(s, 'cl', [0, 1, 2]) && conv(s, 0, 'cl').members().length === 3)
    const j = joiningByLink(s, 4, link)
    await s.until(() => j.done)
    expect(outcomeOf(j)).toBe('link-revoked')
    await s.net.advance(2_000)
    expect(converged(s, 'cl', [0, 1, 2])).toBe(true)
    for (const i of [0, 1, 2]) {
      expect(onRoster(s, i, 'cl', 4)).toBe(false)
      expect(conv(s, i, 'cl').members().length).toBe(3)
      expect(conv(s, i, 'cl').inviteLinks()).toEqual([])
    }
    expect(s.members[4]!.user.conversation('cl')).toBeUndefined()
    await s.stop()
  }, 120_000)
})
