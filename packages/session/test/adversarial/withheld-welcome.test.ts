import type { MemoryTransport } from '@demls/transport-memory'
import { type OutboundPacket, decodeAppMessage, decodeWelcomeChannelMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from '../scenarios/harness.js'

// Issue 15: "a committing steward withholds the Welcome: the joiner times
// out, its leaf stays as a voter that never votes". The committer now puts
// the Welcome in its commit candidate (CommitCandidate.demls_welcome, field
// 100); every member that merges the commit keeps it and the other stewards
// re-send it when the joiner re-announces.

const ID = 'ww'

function carriesWelcome(p: OutboundPacket): boolean {
  try {
    if (p.subtopic === 'welcome') return decodeWelcomeChannelMessage(p.payload).welcome !== undefined
    return p.payload[0] !== 0 && decodeAppMessage(p.payload).memberWelcome !== undefined
  } catch {
    return false
  }
}

/** Once armed, the first member to publish a Welcome (the committer) publishes none from then on, and never re-sends it. */
function withholdWelcomes(t: MemoryTransport, ctl: { armed: boolean; withholder?: number }, i: number): void {
  const publish = t.publish.bind(t)
  t.publish = async (packet, options) => {
    if (!ctl.armed || !carriesWelcome(packet)) return publish(packet, options)
    ctl.withholder ??= i
    if (ctl.withholder !== i) return publish(packet, options)
    return { topic: '', bytes: packet.payload.length, recipients: 0 }
  }
}

describe('adversarial: a committing steward that withholds the Welcome', () => {
  it('cannot strand the joiner: another steward re-sends the Welcome the commit carried', async () => {
    const ctl: { armed: boolean; withholder?: number } = { armed: false }
    const s = await scenario(5, {
      config: { stewardList: { snMin: 1, snMax: 3 } },
      transport: (i, t) => withholdWelcomes(t, ctl, i),
    })
    // Members 0–3, the three settled ones stewards (see bootstrapThreeStewards), member 4 joins later.
    await bootstrap(s, ID, 3)
    const third = s.members[3]!.user.join(ID)
    await s.until(() => s.members[3]!.user.conversation(ID) !== undefined)
    await third
    await s.until(() => converged(s, ID, [0, 1, 2, 3]) && conv(s, 0, ID).conversation.stewards().length === 3)
    ctl.armed = true
    const j = joining(s, 4, ID, { timeoutMs: 120_000 })
    await s.until(() => j.out.done, 150_000)
    expect(ctl.withholder).toBeDefined()
    expect(j.out.error).toBeUndefined()
    await s.until(() => converged(s, ID), 60_000)
    expect(conv(s, 4, ID).members()).toHaveLength(5)
    // It joined by the commit that added it: no ghost leaf was removed for inactivity and admitted again
    // (what happens without the carried Welcome, about 20 s later).
    // (One admission: the statuses that answer its re-announcements while it waits all name the same proposal.)
    const admitted = new Set(j.progress.flatMap((p) => (p.phase === 'admitted' ? [p.proposalId] : [])))
    expect(admitted.size).toBe(1)
    for (const i of [0, 1, 2, 3]) expect(eventsOf(s, i, 'member-left').map((e) => hex(e.memberId))).not.toContain(hex(memberIdOf(4)))
    await s.stop()
  }, 120_000)
})
