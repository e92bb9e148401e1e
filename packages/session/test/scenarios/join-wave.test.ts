import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, joining, scenario } from './harness.js'

/**
 * Beyond the reference (issue 21, joins at once on a real network): the
 * epoch steward files a wave of joins together, and their votes arrive a
 * few hundred milliseconds apart. Committing after the short batching
 * window of the first approval would carry part of the wave and leave the
 * rest for another epoch (a whole freeze round later); the steward waits
 * at most one freeze duration more while add or remove proposals are
 * still being voted on (`rules/freeze-window.ts`).
 */
describe('a wave of joins goes into one commit', () => {
  it('four joins announced at once, votes arriving 0–400 ms apart: one commit carries all four', async () => {
    const s = await scenario(7, { seed: 3, faults: { delayMs: 5, jitterMs: 400 } })
    await bootstrap(s, 'w', 3)
    const joins = [3, 4, 5, 6].map((i) => joining(s, i, 'w', { timeoutMs: 60_000, probe: false }))
    await s.until(() => joins.every((j) => j.out.done), 60_000)
    for (const j of joins) expect(j.out.error).toBeUndefined()
    await s.until(() => converged(s, 'w') && conv(s, 0, 'w').members().length === 7, 30_000)
    const adds = eventsOf(s, 0, 'commit-applied')
      .filter((e) => e.conversationId === 'w')
      .map((e) => e.batch.filter((b) => b.payload === 'memberInvite').length)
      .filter((n) => n > 0)
    // The bootstrap's commits, then the wave in one.
    expect(adds.at(-1)).toBe(4)
    await s.stop()
  }, 120_000)
})
