import { decodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { type ConversationOutbound, FAST_TIMING } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { hex, memberIdOf } from './harness.js'

const isCandidate = (p: ConversationOutbound) => p.subtopic === 'app' && p.payload[0] !== 0 && decodeAppMessage(p.payload).commitCandidate !== undefined

/** A packet an interceptor held back, delivered to member `to` at bed time `at`. */
type Held = { at: number; to: number; p: ConversationOutbound }

/**
 * Advance the bed 20 ms at a time for at most 20 s until `done`: `each`
 * first, then every held packet now due, then a poll of every member.
 */
async function runHolding(bed: Bed, late: Held[], done: () => boolean, each: () => Promise<void> = async () => {}): Promise<void> {
  const end = bed.now + 20_000
  while (bed.now < end && !done()) {
    bed.now += 20
    await each()
    for (const h of late.filter((l) => l.at <= bed.now)) {
      late.splice(late.indexOf(h), 1)
      if (bed.peers[h.to]!.conversation) await bed.conv(h.to).receive(h.p, bed.clock(h.to))
    }
    await bed.poll()
  }
}

// The real-network soak's first fork shape (docs/fault-runs.md, "a freeze that gave up on a live epoch
// steward"), made deterministic: the epoch steward, alive and heard from, is slow once it froze, so its
// candidate reaches the members after the freeze they entered on their own commit-inactivity window would
// end. They used to conclude that round with no candidate, enter Reelection and file a recovery election
// against a steward that was committing; now they wait for it a little longer and merge its commit.
describe('an epoch steward that is slow, not gone', () => {
  it('members that froze on their own window wait for its candidate instead of re-electing', async () => {
    const bed = await Bed.create('slow', 5, { ...FAST_TIMING, admission: 'open', stewardList: { snMin: 1, snMax: 1 } })
    for (const i of [1, 2, 3, 4]) await bed.add(i)
    await bed.run(3_000)
    const all = [0, 1, 2, 3, 4]
    const s = all.find((i) => bed.conv(i).isEpochSteward())!
    const plain = all.filter((i) => i !== s)
    const [proposer, target] = plain as [number, number]
    const epoch = bed.conv(s).epoch()
    // From its candidate on, everything the steward sends takes 4 s to arrive.
    const late: Held[] = []
    bed.intercept = (from, to, p) => {
      if (from !== s || (!isCandidate(p) && bed.conv(s).epoch() === epoch)) return p
      late.push({ at: bed.now + 4_000, to, p })
      return undefined
    }
    const reelections = () => plain.filter((i) => bed.eventsOf(i, 'phase-change').some((e) => e.state === 'reelection'))
    const before = reelections()
    await bed.conv(proposer).removeMember(memberIdOf(target), bed.now)
    await bed.flush()
    const stay = all.filter((i) => i !== target)
    await runHolding(bed, late, () => stay.every((i) => bed.conv(i).epoch() > epoch))
    bed.intercept = undefined
    for (const i of stay) expect(bed.conv(i).members().map(hex)).not.toContain(hex(memberIdOf(target)))
    // Nobody gave up on it: no Reelection, no election, one commit for the epoch.
    expect(reelections()).toEqual(before)
    for (const i of stay) expect(bed.eventsOf(i, 'commit-applied').filter((e) => e.epoch === epoch + 1n).map((e) => hex(e.committer))).toEqual([hex(memberIdOf(s))])
  }, 60_000)

  // The real network's staggered wave (docs/fault-runs.md, 2026-11-28): the epoch steward's process was
  // seconds behind, its backup froze on its own window holding only its own candidate, selected it at the
  // window's end and published its Welcome; the epoch steward's candidate of the same work arrived a second
  // later, the members split between the two commits, and the joiners of the losing one were stranded.
  it('a backup steward holding its own candidate waits for an epoch steward that is behind, not gone: one commit', async () => {
    const bed = await Bed.create('behind', 7, { ...FAST_TIMING, admission: 'open', stewardList: { snMin: 1, snMax: 2 } })
    for (const i of [1, 2, 3, 4, 5, 6]) await bed.add(i)
    await bed.run(3_000)
    const all = [0, 1, 2, 3, 4, 5, 6]
    const s = all.find((i) => bed.conv(i).isEpochSteward())!
    const b = all.find((i) => i !== s && bed.conv(i).isSteward())!
    const plain = all.filter((i) => i !== s && i !== b)
    const [proposer, target] = plain as [number, number]
    const epoch = bed.conv(s).epoch()
    // The epoch steward's process is behind: every packet to it and from it takes 1.7 s. It is talking all
    // the while (its user chats every half second; in the wave, its votes on the next joins).
    const late: Held[] = []
    bed.intercept = (from, to, p) => {
      if (from !== s && to !== s) return p
      late.push({ at: bed.now + 1_700, to, p })
      return undefined
    }
    await bed.conv(proposer).removeMember(memberIdOf(target), bed.now)
    await bed.flush()
    const stay = all.filter((i) => i !== target)
    let chatAt = bed.now
    await runHolding(
      bed,
      late,
      () => stay.every((i) => bed.conv(i).epoch() > epoch),
      async () => {
        if (bed.now < chatAt + 500 || bed.conv(s).epoch() !== epoch) return
        chatAt = bed.now
        // Not awaited: a send during its freeze is queued and settles later.
        void bed.conv(s).sendMessage(new TextEncoder().encode('still here'), bed.clock(s)).catch(() => undefined)
        await bed.flush()
      },
    )
    bed.intercept = undefined
    // The backup did mint its own candidate: it froze on its window with the epoch steward's not in.
    expect(bed.candidatesSent(b).length).toBeGreaterThan(0)
    // One commit for the epoch, the epoch steward's, merged by everyone once: no fork to heal.
    for (const i of stay) {
      expect(bed.eventsOf(i, 'commit-applied').filter((e) => e.epoch === epoch + 1n).map((e) => hex(e.committer))).toEqual([hex(memberIdOf(s))])
      expect(bed.conv(i).members().map(hex)).not.toContain(hex(memberIdOf(target)))
    }
    expect(stay.flatMap((i) => bed.eventsOf(i, 'fork-healed'))).toEqual([])
  }, 60_000)
})

