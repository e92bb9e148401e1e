import type { MemoryTransport } from '@demls/transport-memory'
import { type InboundPacket, decodeAppMessage, decodeWelcomeChannelMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'

// Churn seed 74 (FAST_TIMING, 20 % loss): a joiner admitted by the group
// whose Welcome was lost backed its announcement off (3, 6, 12 s …), so it
// asked for the Welcome twice in 20 s; both were lost, the group removed it
// as inactive, and its next join was refused as not invited. Once admitted,
// a joiner now announces again at its first interval until the Welcome.

const ID = 'lw'
const JOINER = 3

function isWelcome(subtopic: string, bytes: Uint8Array): boolean {
  try {
    if (subtopic === 'welcome') return decodeWelcomeChannelMessage(bytes).welcome !== undefined
    return bytes[0] !== 0 && decodeAppMessage(bytes).memberWelcome !== undefined
  } catch {
    return false
  }
}

function isAnnouncement(subtopic: string, bytes: Uint8Array): boolean {
  try {
    return subtopic === 'welcome' && decodeWelcomeChannelMessage(bytes).keyPackage !== undefined
  } catch {
    return false
  }
}

describe('a joiner whose Welcome is lost after it was admitted', () => {
  it('asks again at its first interval, not its backoff, and joins before the group gives up on it', async () => {
    const ctl = { dropped: 0, admittedAt: undefined as number | undefined, announcedAt: [] as number[], now: () => 0 }
    const LOST_MS = 12_000
    const s = await scenario(4, {
      transport: (i, t: MemoryTransport, net) => {
        if (i !== JOINER) return
        ctl.now = () => net.clock.now()
        // Every Welcome that reaches the joiner in the 12 s after it was admitted is lost (the broadcast and re-sends).
        const listen = t.addEventListener.bind(t) as (type: string, listener: (e: CustomEvent<InboundPacket>) => void) => void
        ;(t as { addEventListener: typeof listen }).addEventListener = (type, listener) => {
          if (type !== 'message') return listen(type, listener)
          listen(type, (e) => {
            const { subtopic, payload } = e.detail.envelope
            if ((ctl.admittedAt === undefined || ctl.now() < ctl.admittedAt + LOST_MS) && isWelcome(subtopic, payload)) {
              ctl.dropped++
              return
            }
            listener(e)
          })
        }
        const publish = t.publish.bind(t)
        t.publish = async (packet, options) => {
          if (ctl.admittedAt !== undefined && isAnnouncement(packet.subtopic, packet.payload)) ctl.announcedAt.push(net.clock.now())
          return publish(packet, options)
        }
      },
    })
    await bootstrap(s, ID, 3)
    await conv(s, 0, ID).invite(memberIdOf(JOINER))
    const j = joining(s, JOINER, ID, { timeoutMs: 120_000 })
    const admitted = s.until(() => j.progress.some((p) => p.phase === 'admitted'), 60_000).then(() => {
      ctl.admittedAt = s.net.clock.now()
    })
    await admitted
    await s.until(() => j.out.done, 120_000)
    expect(j.out.error).toBeUndefined()
    expect(ctl.dropped).toBeGreaterThan(0)
    // From the admission on, announcements at most one first interval (3 s, jitter below a quarter) apart,
    // from the first interval on. Before: the backoff reached so far, then 12 and 24 s.
    const times = [ctl.admittedAt!, ...ctl.announcedAt]
    const gaps = times.slice(1).map((t, k) => t - times[k]!)
    expect(ctl.announcedAt.length).toBeGreaterThanOrEqual(4)
    expect(Math.max(...gaps)).toBeLessThan(3_750)
    await s.until(() => converged(s, ID), 60_000)
    // Joined by the commit that admitted it: not removed as inactive and added again.
    for (const i of [0, 1, 2]) expect(eventsOf(s, i, 'member-left').map((e) => hex(e.memberId))).not.toContain(hex(memberIdOf(JOINER)))
    await s.stop()
  }, 120_000)
})
