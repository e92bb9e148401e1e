import type { MemoryNetwork, MemoryTransport } from '@demls/transport-memory'
import { type OutboundPacket, decodeAppMessage, decodeWelcomeChannelMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { FAST, bootstrap, conv, converged, joining, scenario } from './harness.js'

const isWelcome = (payload: Uint8Array) => {
  try {
    return decodeWelcomeChannelMessage(payload).welcome !== undefined
  } catch {
    return false
  }
}

/** The plaintext Welcome broadcast on the app channel (a joiner reads it there too). */
const isAppWelcome = (payload: Uint8Array) => {
  try {
    return decodeAppMessage(payload).memberWelcome !== undefined
  } catch {
    return false
  }
}

const isAnnouncement = (payload: Uint8Array) => {
  try {
    return decodeWelcomeChannelMessage(payload).keyPackage !== undefined
  } catch {
    return false
  }
}

/**
 * Lose the packets `lose` picks after they entered the publisher's seen
 * cache (published, then lost on the way), which is when a re-send matters:
 * the publish runs muted. The memory network's own duplicate model
 * (`dropDuplicatesWithinMs`, on by default: gossipsub's 2-minute seen
 * cache) then drops a byte-identical re-send.
 */
function loseChosen(net: MemoryNetwork, t: MemoryTransport, lose: (packet: OutboundPacket) => boolean): void {
  const publish = t.publish.bind(t)
  t.publish = (packet, options) => {
    if (!lose(packet)) return publish(packet, options)
    net.mute(t)
    try {
      // MemoryTransport.publish hands the packet to the network synchronously.
      return publish(packet, options)
    } finally {
      net.unmute(t)
    }
  }
}

describe('re-sends are unique on the wire (gossipsub drops byte-identical re-publishes for ~2 min)', () => {
  it('a joiner whose first announcement is lost is admitted by its re-announcement', async () => {
    let lostOne = false
    const s = await scenario(3, {
      transport: (i, t, net) =>
        loseChosen(net, t, (p) => {
          if (i !== 2 || lostOne || p.subtopic !== 'welcome' || !isAnnouncement(p.payload)) return false
          lostOne = true
          return true
        }),
    })
    await bootstrap(s, 'r', 2)
    const j = joining(s, 2, 'r')
    await s.until(() => j.out.done, 60_000)
    expect(j.out.error).toBeUndefined()
    expect(lostOne).toBe(true)
    // The re-announcement carried the same key package but different wire bytes.
    expect(s.net.transport('m2').publishStats().duplicates).toBe(0)
    const announcing = j.progress.filter((p) => p.phase === 'announcing').at(-1)
    expect(announcing?.phase === 'announcing' && announcing.announcements).toBeGreaterThanOrEqual(2)
    await s.until(() => converged(s, 'r') && conv(s, 0, 'r').members().length === 3)
    for (const m of s.members) expect(s.net.transport(m.name).publishStats().duplicates).toBe(0)
    expect(s.net.stats().total.duplicatePublishes).toBe(0)
    await s.stop()
  })

  it('a joiner whose Welcome is lost gets it re-sent (the same Welcome, new wire bytes) and joins', async () => {
    // Every copy on the app channel is lost, and each member's first Welcome on the welcome channel:
    // the committer's original and any other steward's first re-send, so only a second publish of
    // the same Welcome by one member can get through.
    const lost = new Set<number>()
    const s = await scenario(3, {
      transport: (i, t, net) =>
        loseChosen(net, t, (p) => {
          if (p.subtopic === 'app') return isAppWelcome(p.payload)
          if (lost.has(i) || !isWelcome(p.payload)) return false
          lost.add(i)
          return true
        }),
    })
    await bootstrap(s, 'w', 2)
    const j = joining(s, 2, 'w')
    await s.until(() => j.out.done, 60_000)
    expect(lost.size).toBeGreaterThan(0)
    expect(j.out.error).toBeUndefined()
    await s.until(() => converged(s, 'w') && conv(s, 0, 'w').members().length === 3)
    // Nothing reached nobody as a duplicate: the re-sent Welcome had new bytes.
    for (const m of s.members) expect(s.net.transport(m.name).publishStats().duplicates).toBe(0)
    await s.stop()
  })

  // Encrypted re-sends differ without the envelope sequence too (every MLS ciphertext is fresh):
  // this one pins the vote echo itself; the two above fail with a constant sequence.
  it('a lost vote is recovered by its echo before the consensus timeout', async () => {
    let armed = false
    let lostVote = false
    const s = await scenario(3, {
      // Member 1's first ciphertext once armed is its vote on the join of member 2.
      transport: (i, t, net) =>
        loseChosen(net, t, (p) => {
          if (i !== 1 || !armed || lostVote || p.subtopic !== 'app' || p.payload[0] !== 0x00) return false
          lostVote = true
          return true
        }),
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
