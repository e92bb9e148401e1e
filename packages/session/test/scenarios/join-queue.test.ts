import { ethereumAddress } from '@demls/consensus'
import type { MemoryTransport } from '@demls/transport-memory'
import { encodeWelcomeChannelMessage, topicFor } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { defaultPlugins, joinQueueBoundMs, resolveConfig } from '../../src/index.js'
import { FAST, bootstrap, conv, converged, joining, scenario } from './harness.js'

describe('joins beyond the consensus-session cap wait in order', () => {
  it('20 joiners announcing at once into a 3-member group are all admitted within the bound', async () => {
    const n = 23
    const s = await scenario(n)
    await bootstrap(s, 'q', 3)
    const config = resolveConfig(FAST)
    const bound = joinQueueBoundMs(config, 20)
    const start = s.net.clock.now()
    // No probes: the 20 announcements reach the group at the same moment.
    const joins = Array.from({ length: 20 }, (_, k) => joining(s, 3 + k, 'q', { timeoutMs: bound, probe: false }))
    await s.until(() => joins.every((j) => j.out.done), bound + 5_000)
    const elapsed = s.net.clock.now() - start
    for (const j of joins) expect(j.out.error).toBeUndefined()
    const errors = s.members.flatMap((m) => m.events.filter((e) => e.type === 'error'))
    expect(errors.map((e) => (e.type === 'error' ? e.error.message : ''))).toEqual([])
    expect(elapsed).toBeLessThanOrEqual(bound)
    await s.until(() => converged(s, 'q') && conv(s, 0, 'q').members().length === n, 60_000)
    console.log(`20 joins: ${elapsed} ms (bound ${bound} ms)`)
    await s.stop()
  }, 120_000)
})

describe('join queue under an announcement flood', () => {
  it('a flood of valid announcements neither displaces a queued joiner nor grows the queue past its budget', async () => {
    const s = await scenario(5, {
      config: { joinQueueMax: 4, joinQueueMaxBytes: 64 * 1024 },
    })
    await bootstrap(s, 'f', 3)
    const tap = s.net.createTransport('outsider') as MemoryTransport
    await tap.start()
    tap.subscribe(topicFor('f', 'welcome'))
    // Fresh identities with valid key packages (the cheapest flood that passes validation).
    const flood: Uint8Array[] = []
    for (let k = 0; k < 12; k++) {
      const key = new Uint8Array(32).fill(0x70 + k)
      const plugins = await defaultPlugins(key)
      flood.push(
        encodeWelcomeChannelMessage({
          keyPackage: { keyPackageBytes: await plugins.generateKeyPackage(s.net.clock.now()), memberId: ethereumAddress(key) },
        }),
      )
    }
    let maxQueued = 0
    const sample = () => {
      for (const i of [0, 1, 2]) maxQueued = Math.max(maxQueued, conv(s, i, 'f').conversation.pendingUpdateCount())
      return false
    }
    // Honest joiner A announces first; the flood follows at once; honest joiner B announces into a full queue.
    const a = joining(s, 3, 'f', { timeoutMs: 90_000, probe: false })
    await s.net.advance(5)
    for (const payload of flood) void tap.publish({ conversationId: 'f', subtopic: 'welcome', payload }, { allowNoPeers: true })
    await s.net.advance(5)
    const b = joining(s, 4, 'f', { timeoutMs: 90_000, probe: false })
    await s.until(() => sample() || (a.out.done && b.out.done), 95_000)
    expect(a.out.error).toBeUndefined()
    expect(b.out.error).toBeUndefined()
    // A was queued before the flood: it was proposed in the first batch.
    const acked = a.progress.find((p) => p.phase === 'acked' || p.phase === 'admitted')
    expect(acked?.elapsedMs).toBeLessThan(2_000)
    const drops = s.members[0]!.events.filter((e) => e.type === 'dropped' && e.reason === 'queue-full')
    expect(drops.length).toBeGreaterThan(0)
    // Bounded: the queue (plus proposals buffered from peers) never held more than the budget allows.
    expect(maxQueued).toBeLessThanOrEqual(4 + 8)
    await s.stop()
  }, 120_000)

  it('an announcement over the byte budget is refused before its key package is validated', async () => {
    const s = await scenario(2, { config: { joinQueueMaxBytes: 4096 } })
    await bootstrap(s, 'b', 2)
    const tap = s.net.createTransport('outsider') as MemoryTransport
    await tap.start()
    tap.subscribe(topicFor('b', 'welcome'))
    const junk = encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: new Uint8Array(8192).fill(7), memberId: new Uint8Array(20).fill(9) } })
    void tap.publish({ conversationId: 'b', subtopic: 'welcome', payload: junk }, { allowNoPeers: true })
    await s.net.advance(100)
    const drops = s.members[0]!.events.filter((e) => e.type === 'dropped')
    expect(drops.some((e) => e.type === 'dropped' && e.reason === 'queue-full')).toBe(true)
    // Not validated: no "bad key package" drop for it.
    expect(drops.some((e) => e.type === 'dropped' && e.detail === 'bad key package')).toBe(false)
    await s.stop()
  })
})
