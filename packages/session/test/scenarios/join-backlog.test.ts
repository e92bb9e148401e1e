import { MemoryNetwork } from '@demls/transport-memory'
import { describe, expect, it } from 'vitest'
import { FAST_TIMING, User } from '../../src/index.js'

/**
 * A joiner buffers what the group says while it waits for its Welcome and
 * reads it once in. What was framed before the epoch it was welcomed into
 * (the proposals and votes that admitted its batch) it never held keys
 * for: it is skipped, not decrypted and dropped one packet at a time (in a
 * batch of n joiners that was n² futile decryptions).
 */
describe('join backlog: packets framed before the Welcome’s epoch are skipped', () => {
  it('a batch of joiners admitted in one commit drops nothing as wrong-epoch, and everyone agrees', async () => {
    const net = new MemoryNetwork({ seed: 77, startTime: 1_700_000_000_000 })
    const batch = 6
    const config = { ...FAST_TIMING, maxConsensusSessions: batch + 10, maxSessionsPerMember: batch, commitBatchMax: batch, commitBatchWindowMs: 1_000 }
    const users: User[] = []
    for (let i = 0; i <= batch; i++) {
      users.push(await User.create({ privateKey: new Uint8Array(32).fill(i + 1), transport: net.createTransport(`p${i}`), clock: net.clock, config, random: () => 0.5 }))
    }
    await users[0]!.createConversation('backlog', { admission: 'open' })
    const joiners = users.slice(1)
    const joins = joiners.map((u) => u.join('backlog'))
    await net.runUntil(() => joiners.every((u) => u.conversation('backlog') !== undefined), { maxMs: 120_000 })
    await Promise.all(joins)
    await net.advance(500)
    const epoch = users[0]!.conversation('backlog')!.epoch()
    // One commit admitted the whole batch: the proposals and votes before it were framed at epoch 0.
    expect(epoch).toBe(1n)
    for (const u of joiners) {
      const c = u.conversation('backlog')!
      expect(c.epoch()).toBe(epoch)
      expect(c.members()).toHaveLength(batch + 1)
      expect(c.conversation.dropCounts()['wrong-epoch'] ?? 0).toBe(0)
    }
    for (const u of users) await u.stop()
  })
})
