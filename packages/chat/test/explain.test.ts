import { KnockRefusedError, RejectedError } from '@demls/session'
import { describe, expect, it } from 'vitest'
import { explain } from '../src/commands.js'
import { renderEvent } from '../src/render.js'

describe('what the chat tells a person whose join was refused', () => {
  const refused = (reason: ConstructorParameters<typeof RejectedError>[4]) => new RejectedError('room', 1_000, 7, new Uint8Array(20), reason)

  it('not invited: ask for an invitation, with the command to use', () => {
    expect(explain(refused('not-invited'), 'room')).toBe(
      'you were not invited to room: ask a member for an invite link (/link) and /join <link>, or /knock room to ask to be let in',
    )
  })

  it('expired after approval: join again', () => {
    expect(explain(refused('key-package-expired'), 'room')).toContain('/join room again')
  })

  it('voted no or unknown: the vote, and how to get invited', () => {
    expect(explain(refused('voted-no'), 'room')).toContain('voted against you joining')
    expect(explain(refused('unknown'), 'room')).toContain('an invite link, or /knock room')
  })
})

describe('what the chat tells a person who knocked or used a link', () => {
  it('a declined or expired knock says so, with what to do; the group is the one knocked on', () => {
    expect(explain(new KnockRefusedError('room', 1_000, 'knock-declined', new Uint8Array(20)), undefined)).toBe(
      'a member of room declined your knock: ask a member why, or for an invite link',
    )
    expect(explain(new KnockRefusedError('room', 600_000, 'knock-expired'), 'elsewhere')).toContain('/knock room again later')
  })

  it('a refused link says which way it failed', () => {
    const refused = (reason: ConstructorParameters<typeof RejectedError>[4]) => new RejectedError('room', 1_000, 7, new Uint8Array(20), reason)
    expect(explain(refused('link-spent'), 'demls:AAAA')).toContain('your invite link to room has no uses left')
    expect(explain(refused('link-expired'), undefined)).toContain('expired')
    expect(explain(refused('link-revoked'), undefined)).toContain('revoked')
    expect(explain(refused('not-invited'), undefined)).toContain('/knock room')
  })
})

describe('what the chat prints for an event', () => {
  const self = new Uint8Array(20).fill(1)
  const bob = new Uint8Array(20).fill(0xab)
  it('a backfill that delivered nothing new prints nothing (the message had come live); one that did, how many', () => {
    expect(renderEvent({ type: 'backfill', conversationId: 'room', packets: 1, messages: 0 }, self)).toBeUndefined()
    expect(renderEvent({ type: 'backfill', conversationId: 'room', packets: 3, messages: 2 }, self)).toBe('[room] recovered 2 message(s) sent while you were away')
  })

  it('a knock names the knocker, its note and the commands that answer it', () => {
    const line = renderEvent({ type: 'knock', conversationId: 'room', id: '00'.repeat(16), knocker: bob, note: 'hi', expiresAt: 0 }, self)
    expect(line).toBe('[room] 0xabab…abab is knocking: "hi" (answer with /let 0xabab…abab or /decline 0xabab…abab)')
    expect(renderEvent({ type: 'knock-answered', conversationId: 'room', id: '00'.repeat(16), knocker: bob, answer: 'declined', member: self }, self)).toBe(
      '[room] you declined 0xabab…abab',
    )
  })
})
