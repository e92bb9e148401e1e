import { RejectedError } from '@demls/session'
import { describe, expect, it } from 'vitest'
import { explain } from '../src/commands.js'

describe('what the chat tells a person whose join was refused', () => {
  const refused = (reason: ConstructorParameters<typeof RejectedError>[4]) => new RejectedError('room', 1_000, 7, new Uint8Array(20), reason)

  it('not invited: ask for an invitation, with the command to use', () => {
    expect(explain(refused('not-invited'), 'room')).toBe('you were not invited to room: ask a member to /invite you (they need your /id), then /join room again')
  })

  it('expired after approval: join again', () => {
    expect(explain(refused('key-package-expired'), 'room')).toContain('/join room again')
  })

  it('voted no or unknown: the vote, and how to get invited', () => {
    expect(explain(refused('voted-no'), 'room')).toContain('voted against you joining')
    expect(explain(refused('unknown'), 'room')).toContain('/invite you first')
  })
})
