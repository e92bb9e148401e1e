// The large-group bench's replay of one member in a process of its own
// (bench/member-replay.ts) measures what it claims only if the replayed
// member does what it did in the run: these tests pin that a replay from
// the saved state and the recorded packets ends where the member ended,
// and that a replay which does not is refused.
import { MemoryNetwork } from '@demls/transport-memory'
import { describe, expect, it } from 'vitest'
import { admitBatch, removeLastByVote } from '../../bench/group-flow.js'
import { measureMember } from '../../bench/member-replay-child.js'
import { type ReplayRecord, recordMembers, replayedMembers } from '../../bench/member-replay.js'
import { voterKey } from '../../bench/scale-votes.js'
import { FAST_TIMING, User } from '../../src/index.js'

// Six members: the creator is then the epoch steward after formation (not the proposer), so both roles are replayed.
const N = 6
const KEY_BASE = 30_000

async function recordedRemoval(): Promise<ReplayRecord[]> {
  const net = new MemoryNetwork({ seed: 77, startTime: 1_700_000_000_000 })
  const users: User[] = []
  for (let i = 0; i < N; i++) {
    users.push(await User.create({ privateKey: voterKey(KEY_BASE + i), transport: net.createTransport(`r${i}`), clock: net.clock, config: FAST_TIMING, random: () => 0.5 }))
  }
  const id = 'replay-test'
  await users[0]!.createConversation(id, { admission: 'open' })
  await admitBatch(net, users, id, 1, N)
  const recorder = recordMembers(net, users, id, replayedMembers(users, id, N), KEY_BASE)
  await removeLastByVote(net, users, id, N)
  await net.advance(50)
  const records = recorder.finish()
  for (const u of users) await u.stop()
  return records
}

describe('member replay (bench)', () => {
  it('replays a plain member and the epoch steward to where they ended in the run', async () => {
    const records = await recordedRemoval()
    const member = records.find((r) => r.role === 'member')
    expect(member).toBeDefined()
    expect(records.map((r) => r.role).sort()).toEqual(['epoch-steward', 'member'])
    expect(member!.packets.length).toBeGreaterThan(N - 3)
    expect(BigInt(member!.expected.epoch)).toBeGreaterThan(0n)
    expect(member!.expected.members).toBe(N - 1)
    for (const rec of records) {
      const result = await measureMember(rec, 1)
      expect(result.role).toBe(rec.role)
      expect(result.packets).toBe(rec.packets.length)
      expect(result.cpuMs).toBeGreaterThan(0)
      // It voted (or committed) again in the replay.
      expect(result.sent).toBeGreaterThan(0)
    }
  }, 120_000)

  it('refuses a replay that ends elsewhere than the run', async () => {
    const records = await recordedRemoval()
    const member = records.find((r) => r.role === 'member')!
    // Without the packets the member never sees the commit: it stays in the old epoch.
    await expect(measureMember({ ...member, packets: [] }, 1)).rejects.toThrow(/ended at/)
    // A run that ended at another key: the member's own replay does not match it.
    const other = { ...member.expected, authenticator: '00'.repeat(32) }
    await expect(measureMember({ ...member, expected: other }, 1)).rejects.toThrow(/ended at/)
    // Another member's key on this member's state: refused by the restore.
    await expect(measureMember({ ...member, keyIndex: member.keyIndex + 1 }, 1)).rejects.toThrow()
  }, 120_000)
})
