import { memoryStorage } from '@demls/storage'
import { describe, expect, it } from 'vitest'
import { HISTORY_LIMITS, type UserEvent } from '../../src/index.js'
import { bootstrap, conv, converged, scenario, text, restartMember } from '../scenarios/harness.js'
import { crashable } from './stores.js'

const ID = 'chat'
const bodies = (events: UserEvent[]) => events.flatMap((e) => (e.type === 'message' ? [new TextDecoder().decode(e.body)] : []))

describe('chat backfill: a member that was down gets what the group said meanwhile', () => {
  it('m1 crashes; chat is sent before and after a commit it missed; restarted, it asks the stewards and reads all of it once caught up', async () => {
    const inner = await memoryStorage()
    const s = await scenario(4, { userInit: (i) => (i === 1 ? { storage: crashable(inner) } : {}) })
    await bootstrap(s, ID, 3)
    s.members[1]!.user.stop()
    await conv(s, 0, ID).sendMessage(text('missed at the old epoch'))
    await s.net.clock.advance(500)
    const join = s.members[3]!.user.join(ID)
    await s.until(() => s.members[3]!.user.conversation(ID) !== undefined)
    await join
    await s.until(() => converged(s, ID, [0, 2, 3]))
    await conv(s, 2, ID).sendMessage(text('missed at the new epoch'))
    await conv(s, 3, ID).sendMessage(text('missed, from the joiner'))
    await s.net.clock.advance(500)

    const { events } = await restartMember(s, 1, crashable(inner), 'm1-back')
    await s.until(() => converged(s, ID) && bodies(events).length >= 3)
    expect(bodies(events).sort()).toEqual(['missed at the new epoch', 'missed at the old epoch', 'missed, from the joiner'])
    const backfills = events.filter((e) => e.type === 'backfill')
    expect(backfills.length).toBeGreaterThan(0)
    // Each message once, though several stewards may answer.
    await s.net.clock.advance(5_000)
    expect(bodies(events).length).toBe(3)
    await s.stop()
  }, 60_000)

  it('a chat in flight when m1 last saved is not lost: the request reaches back before the save (HISTORY_LIMITS.overlapMs)', async () => {
    const inner = await memoryStorage()
    const s = await scenario(3, { userInit: (i) => (i === 1 ? { storage: crashable(inner) } : {}) })
    await bootstrap(s, ID, 3)
    // m0's chat reaches m2 (who keeps it for backfill) but not m1 …
    s.net.partition([s.members[0]!.name], [s.members[1]!.name])
    await conv(s, 0, ID).sendMessage(text('in flight to m1'))
    await s.net.clock.advance(200)
    // … then m1 saves a later step (m2's chat), and crashes before the first one arrives.
    await conv(s, 2, ID).sendMessage(text('read before the crash'))
    await s.until(() => bodies(s.members[1]!.events).includes('read before the crash'))
    await s.net.clock.advance(200)
    s.members[1]!.user.stop()
    s.net.heal()
    await s.net.clock.advance(10_000)
    const { events } = await restartMember(s, 1, crashable(inner), 'm1-back')
    await s.until(() => converged(s, ID) && bodies(events).includes('in flight to m1'))
    await s.net.clock.advance(5_000)
    // Each once in the new process; what m1 read after its last save is read again (at least once).
    const got = bodies(events)
    expect(new Set(got).size).toBe(got.length)
    expect(got).toContain('in flight to m1')
    await s.stop()
  }, 60_000)

  it('what a member keeps is bounded: after 300 chats while m1 was down it recovers the newest HISTORY_LIMITS.packets, never more', async () => {
    const inner = await memoryStorage()
    const s = await scenario(2, { userInit: (i) => (i === 1 ? { storage: crashable(inner) } : {}) })
    await bootstrap(s, ID)
    s.members[1]!.user.stop()
    for (let k = 0; k < 300; k++) await conv(s, 0, ID).sendMessage(text(`m${k}`))
    // Past the re-publishes of chat that reached nobody (UNREACHED_RETRY_MS): only the backfill can bring it now.
    await s.net.clock.advance(10_000)
    const { events } = await restartMember(s, 1, crashable(inner), 'm1-back')
    await s.until(() => events.some((e) => e.type === 'backfill'))
    await s.net.clock.advance(5_000)
    const got = bodies(events)
    expect(got.length).toBe(HISTORY_LIMITS.packets)
    expect(got).toEqual([...Array(HISTORY_LIMITS.packets).keys()].map((k) => `m${300 - HISTORY_LIMITS.packets + k}`))
    await s.stop()
  }, 60_000)
})
