import { decodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { Conversation, type ConversationOutbound, FAST_TIMING, defaultPlugins } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { keyFor } from '../scenarios/harness.js'

const text = (s: string) => new TextEncoder().encode(s)
const isHistoryReply = (p: ConversationOutbound) => p.subtopic === 'app' && p.payload[0] !== 0 && decodeAppMessage(p.payload).demlsControl?.historyReply !== undefined

// Issue 17, found by SIGKILL over gossipsub: a restarted member usually
// catches up (a replay of the commit it missed) before the stewards' history
// reply arrives, and the kept chat of the epoch it left then no longer
// decrypted under strict current-epoch reading: it was lost. Backfilled
// packets of a past epoch are now read with that epoch's retained MLS keys
// (`decrypt(…, { retainedEpochs: true })`), chat only.
describe('backfill after catching up', () => {
  it('m1 crashes; chat is sent, then a commit; m1 restarts, catches up first, then reads the kept chat of the epoch it left', async () => {
    const bed = await Bed.create('past', 4, FAST_TIMING)
    await bed.add(1)
    await bed.add(2)
    bed.conv(1).enableSaving()
    const saved = bed.conv(1).takeSave()!
    const epoch = bed.conv(1).epoch()
    // m1 is down: chat at its epoch, then a commit (m3 joins).
    bed.peers[1]!.conversation = undefined
    await bed.conv(0).sendMessage(text('said while m1 was down'), bed.now)
    await bed.conv(2).sendMessage(text('also while m1 was down'), bed.now)
    await bed.flush()
    await bed.add(3)
    await bed.until(() => bed.conv(0).epoch() > epoch && bed.conv(0).state() === 'working')
    // m1 restarts; history replies to it are held back until it has caught up.
    const held: ConversationOutbound[] = []
    bed.intercept = (_from, to, p) => {
      if (to === 1 && isHistoryReply(p) && bed.peers[1]!.conversation!.epoch() === epoch) {
        held.push(p)
        return undefined
      }
      return p
    }
    const plugins = await defaultPlugins(keyFor(1))
    bed.peers[1]!.plugins = plugins
    bed.peers[1]!.conversation = await Conversation.restore({ conversationId: 'past', plugins, state: saved, now: bed.now })
    await bed.until(() => bed.conv(1).epoch() === bed.conv(0).epoch() && bed.conv(1).state() === 'working', 60_000)
    expect(held.length).toBeGreaterThan(0)
    bed.intercept = undefined
    for (const p of held) await bed.conv(1).receive(p, bed.now)
    await bed.flush()
    const got = bed.eventsOf(1, 'message').map((e) => `${new TextDecoder().decode(e.body)} @${e.epoch}`)
    expect(got.sort()).toEqual([`also while m1 was down @${epoch}`, `said while m1 was down @${epoch}`])
    const backfills = bed.eventsOf(1, 'backfill')
    expect(backfills.reduce((n, b) => n + b.messages, 0)).toBe(2)
  }, 60_000)
})
