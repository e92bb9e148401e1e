import { describe, expect, it } from 'vitest'
import { bootstrap, eventsOf, scenario } from './harness.js'

describe('votes of a group of one', () => {
  it('the founder alone votes a joiner in; its vote is not sent again once the joiner is in (nobody else takes a one-voter proposal)', async () => {
    const s = await scenario(2)
    await bootstrap(s, 'solo', 2)
    const t0 = s.net.clock.now()
    await s.net.advance(3_000)
    expect(s.net.clock.now() - t0).toBeGreaterThanOrEqual(3_000)
    const refused = eventsOf(s, 1, 'dropped').filter((e) => e.detail === 'fast-path proposal not a self-leave')
    expect(refused).toEqual([])
    await s.stop()
  })
})
