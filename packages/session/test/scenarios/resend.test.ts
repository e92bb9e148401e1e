import type { MemoryTransport } from '@demls/transport-memory'
import { decodeWelcomeChannelMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { FAST, bootstrap, conv, converged, joining, scenario } from './harness.js'
import { type GossipDedupStats, withGossipDedup } from './gossip-dedup.js'

const isAnnouncement = (payload: Uint8Array) => {
  try {
    return decodeWelcomeChannelMessage(payload).keyPackage !== undefined
  } catch {
    return false
  }
}

describe('re-sends are unique on the wire (gossipsub drops byte-identical re-publishes for ~2 min)', () => {
  it('a joiner whose first announcement is lost is admitted by its re-announcement', async () => {
    const stats: GossipDedupStats[] = []
    let lostOne = false
    const s = await scenario(3, {
      transport: (i, t: MemoryTransport, net) => {
        stats[i] = withGossipDedup(t, net.clock, {
          lose: (p) => {
            if (i !== 2 || lostOne || p.subtopic !== 'welcome' || !isAnnouncement(p.payload)) return false
            lostOne = true
            return true
          },
        })
      },
    })
    await bootstrap(s, 'r', 2)
    const j = joining(s, 2, 'r')
    await s.until(() => j.out.done, 60_000)
    expect(j.out.error).toBeUndefined()
    expect(lostOne).toBe(true)
    // The re-announcement carried the same key package but different wire bytes.
    expect(stats[2]!.duplicates).toBe(0)
    const announcing = j.progress.filter((p) => p.phase === 'announcing').at(-1)
    expect(announcing?.phase === 'announcing' && announcing.announcements).toBeGreaterThanOrEqual(2)
    await s.until(() => converged(s, 'r') && conv(s, 0, 'r').members().length === 3)
    for (const st of stats) expect(st.duplicates).toBe(0)
    await s.stop()
  })

  it('a lost vote is recovered by its echo before the consensus timeout', async () => {
    let armed = false
    let lostVote = false
    const s = await scenario(3, {
      transport: (i, t: MemoryTransport, net) => {
        withGossipDedup(t, net.clock, {
          // Member 1's first ciphertext once armed is its vote on the join of member 2.
          lose: (p) => {
            if (i !== 1 || !armed || lostVote || p.subtopic !== 'app' || p.payload[0] !== 0x00) return false
            lostVote = true
            return true
          },
        })
      },
    })
    await bootstrap(s, 'v', 2)
    const resolvedAt = new Map<number, { at: number; failed: boolean }>()
    const opened = new Map<number, number>()
    s.members[0]!.user.events$.subscribe((e) => {
      if (e.type === 'vote-requested' || e.type === 'own-proposal-submitted') opened.set(e.proposalId, s.net.clock.now())
      if (e.type === 'consensus-reached') resolvedAt.set(e.proposalId, { at: s.net.clock.now(), failed: e.failed })
    })
    armed = true
    const j = joining(s, 2, 'v')
    await s.until(() => j.out.done, 60_000)
    expect(j.out.error).toBeUndefined()
    expect(lostVote).toBe(true)
    // Two members: the rule needs both votes; the echo (not the timeout) decided it.
    const [id, openedAt] = [...opened][0]!
    const r = resolvedAt.get(id)!
    expect(r.failed).toBe(false)
    expect(r.at - openedAt).toBeLessThan(FAST.consensusTimeoutMs!)
    await s.stop()
  })
})
