import { describe, expect, it } from 'vitest'
import { UNREACHED_RETRY_MS } from '../../src/user/user.js'
import { bootstrap, conv, eventsOf, scenario } from './harness.js'

/**
 * A chat published while no subscriber is reachable (a connection not yet
 * up, a short partition) is published again a few times before it is given
 * up, instead of being lost while `sendMessage` said it was sent.
 */
/** A two-member group, cut in two; member 0 then sends `text`. */
async function sentWhilePartitioned(id: string, text: string) {
  const s = await scenario(2)
  await bootstrap(s, id, 2)
  s.net.partition([s.members[0]!.name], [s.members[1]!.name])
  await conv(s, 0, id).sendMessage(new TextEncoder().encode(text))
  return s
}

describe('chat that reached nobody', () => {
  it('is published again and delivered once a subscriber is reachable within the retry window', async () => {
    const s = await sentWhilePartitioned('u', 'are you there?')
    await s.net.advance(600)
    expect(eventsOf(s, 1, 'message')).toHaveLength(0)
    s.net.heal()
    await s.until(() => eventsOf(s, 1, 'message').length === 1, 10_000)
    expect(new TextDecoder().decode(eventsOf(s, 1, 'message')[0]!.body)).toBe('are you there?')
    // Delivered once: a re-publish that reached b is not published again.
    await s.net.advance(UNREACHED_RETRY_MS.reduce((x, y) => x + y, 0))
    expect(eventsOf(s, 1, 'message')).toHaveLength(1)
    await s.stop()
  })

  it('is given up after the retry window: nothing is delivered after a long partition', async () => {
    const s = await sentWhilePartitioned('g', 'lost')
    await s.net.advance(UNREACHED_RETRY_MS.reduce((x, y) => x + y, 0) + 1_000)
    s.net.heal()
    await s.net.advance(5_000)
    expect(eventsOf(s, 1, 'message')).toHaveLength(0)
    await s.stop()
  })
})
