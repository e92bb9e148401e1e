import { describe, expect, it } from 'vitest'
import { Conversation, FAST_TIMING, INVITATION_LIFETIME_MS, defaultPlugins } from '../../src/index.js'
import { packSnapshot, unpackSnapshot } from '../../src/persist/codec.js'
import { hex, keyFor, memberIdOf } from '../scenarios/harness.js'

describe('admission in the durable state', () => {
  it('invitations held are saved and restored (expired ones are not); the policy is kept', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000
    const plugins = await defaultPlugins(keyFor(0))
    const c = await Conversation.create({ conversationId: 'saved-inv', plugins, config: FAST_TIMING, now })
    c.enableSaving()
    await c.invite(memberIdOf(1), now)
    const state = c.takeSave()
    expect(state).toBeDefined()
    const back = await Conversation.restore({ conversationId: 'saved-inv', plugins, state: state!, now: now + 1_000 })
    expect(back.config().admission).toBe('invite')
    expect(back.invitations(now + 1_000).map((h) => hex(h.invitee))).toEqual([hex(memberIdOf(1))])
    expect(back.invitations(now + 1_000)[0]!.expiresAt).toBe(now + INVITATION_LIFETIME_MS)
    // Restored after the lifetime: nothing vouches any more.
    const late = await Conversation.restore({ conversationId: 'saved-inv', plugins, state: state!, now: now + INVITATION_LIFETIME_MS })
    expect(late.invitations(now + INVITATION_LIFETIME_MS)).toEqual([])
  })

  it('invite links held are saved and restored with their revocations (expired ones are not)', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000
    const plugins = await defaultPlugins(keyFor(0))
    const c = await Conversation.create({ conversationId: 'saved-links', plugins, config: FAST_TIMING, now })
    c.enableSaving()
    const kept = await c.createInviteLink(now, { uses: 4, expiresInMs: 60_000, addresses: ['/ip4/127.0.0.1/tcp/1'] })
    const revoked = await c.createInviteLink(now, {})
    await c.revokeInviteLink(revoked.id, now)
    const state = c.takeSave()
    const back = await Conversation.restore({ conversationId: 'saved-links', plugins, state: state!, now: now + 1_000 })
    expect(back.inviteLinks(now + 1_000)).toEqual([
      { id: kept.id, creator: memberIdOf(0), uses: 4, used: 0, expiresAt: now + 60_000, addresses: ['/ip4/127.0.0.1/tcp/1'] },
    ])
    // The revocation survives the restart: the link cannot be revoked again, and a record of it is refused.
    await expect(back.revokeInviteLink(revoked.id, now + 1_000)).rejects.toMatchObject({ code: 'UNKNOWN_INVITE_LINK' })
    const late = await Conversation.restore({ conversationId: 'saved-links', plugins, state: state!, now: now + 60_000 })
    expect(late.inviteLinks(now + 60_000)).toEqual([])
  })

  it("a state saved before admission policies existed is restored as 'open' (its group admitted everyone)", async () => {
    const now = Math.floor(Date.now() / 1000) * 1000
    const plugins = await defaultPlugins(keyFor(0))
    const c = await Conversation.create({ conversationId: 'old-save', plugins, config: FAST_TIMING, now })
    c.enableSaving()
    const { header, binary } = unpackSnapshot(c.takeSave()!)
    const { admission: _, ...oldConfig } = (header as { config: Record<string, unknown> }).config
    const old = packSnapshot({ ...(header as object), config: oldConfig }, binary)
    const back = await Conversation.restore({ conversationId: 'old-save', plugins, state: old, now })
    expect(back.config().admission).toBe('open')
  })
})
