import { describe, expect, it } from 'vitest'
import { type ConversationConfigInit, LAN_TIMING } from '../../src/index.js'
import { bootstrap, conv, converged, eventsOf, joining, scenario } from './harness.js'

/**
 * Beyond the reference (`voteBundles`, off by default): a member's
 * automatic votes that fall due together travel as one message. A burst of
 * joins is where they do: the epoch steward opens a batch of join
 * proposals at once, and every member's votes on them fall due within a
 * few milliseconds. The same burst, the same seed, with bundles on and
 * off: the same outcome, and far fewer vote messages.
 */
async function burst(config: ConversationConfigInit): Promise<{ voteMessages: number; bundles: number; forkHeals: number }> {
  const n = 16
  const s = await scenario(n, { seed: 7, config, faults: { delayMs: 5, jitterMs: 20 } })
  await bootstrap(s, 'b', 6)
  const joins = Array.from({ length: n - 6 }, (_, k) => joining(s, k + 6, 'b', { timeoutMs: 60_000 }))
  await s.until(() => joins.every((j) => j.out.done), 60_000)
  for (const j of joins) expect(j.out.error).toBeUndefined()
  await s.until(() => converged(s, 'b') && conv(s, 0, 'b').members().length === n, 30_000)
  let voteMessages = 0
  let bundles = 0
  let forkHeals = 0
  for (let i = 0; i < n; i++) {
    const sent = conv(s, i, 'b').conversation.sentByKind()
    voteMessages += (sent.vote?.count ?? 0) + (sent.demlsVotes?.count ?? 0)
    bundles += sent.demlsVotes?.count ?? 0
    forkHeals += eventsOf(s, i, 'fork-healed').length
    expect(eventsOf(s, i, 'mode-change').filter((e) => e.mode === 'recovery')).toHaveLength(0)
  }
  await s.stop()
  return { voteMessages, bundles, forkHeals }
}

describe('votes cast together travel together', () => {
  it('a burst of 10 joiners into 6 members on LAN_TIMING: the same group with bundles on and off, with at most a quarter of the vote messages', async () => {
    const on = await burst({ ...LAN_TIMING, voteBundles: true })
    const off = await burst(LAN_TIMING)
    expect(on.bundles).toBeGreaterThan(0)
    expect(off.bundles).toBe(0)
    // 9 against 65 when written.
    expect(on.voteMessages * 4).toBeLessThanOrEqual(off.voteMessages)
    expect([on.forkHeals, off.forkHeals]).toEqual([0, 0])
  }, 180_000)
})
