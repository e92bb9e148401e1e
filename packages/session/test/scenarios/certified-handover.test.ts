import { describe, expect, it } from 'vitest'
import { FAST_TIMING } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { memberIdOf } from './harness.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

// Issue 56, the seed-78 shape of the seeded fault runs (docs/fault-runs.md):
// in a group of two, member 1's vote on member 2's join never reached
// member 0, the steward (lost, and every re-send too). Member 0's session
// failed at its timeout; member 1's approved the join with both signed YES
// in hand. Member 1 froze for the approved join, got no candidate (the
// steward holds no such work) and entered Reelection, where it stayed: the
// recovery election was member 0's to file, which saw nothing wrong. Now a
// member that froze for approved work and got no candidate hands that
// work's approval certificate (the proposal with its signed votes and their
// bindings) to the group; a member that verifies it takes the group's
// outcome over its own timer's, and the steward commits it.
describe('approved work the steward never saw approved', () => {
  it('is handed over with its certificate: the steward takes the outcome and commits it', async () => {
    const bed = await Bed.create('handover', 3, { ...FAST_TIMING, admission: 'open' })
    await bed.add(1)
    const epoch = bed.conv(0).epoch()
    // Every encrypted packet of member 1 to member 0 is lost while the join is voted on.
    let lose = true
    bed.intercept = (from, to, p) => (lose && from === 1 && to === 0 && p.subtopic === 'app' && p.payload[0] === 0 ? undefined : p)
    const kp = await bed.peers[2]!.plugins.generateKeyPackage(bed.now)
    await bed.conv(0).addMember(kp, bed.now)
    await bed.flush()
    const joinOutcome = (i: number) =>
      bed.eventsOf(i, 'consensus-reached').find((e) => e.request?.payload === 'memberInvite' && hex(e.request.memberInvite!.memberId) === hex(memberIdOf(2)))
    await bed.until(() => joinOutcome(0) !== undefined && joinOutcome(1) !== undefined, 30_000)
    // The split the fault runs found: the steward's timer failed the join, member 1 holds its approval.
    expect(joinOutcome(0)!.approved).toBe(false)
    expect(joinOutcome(1)!.approved).toBe(true)
    lose = false
    await bed.until(
      () => [0, 1, 2].every((i) => bed.peers[i]!.conversation !== undefined && bed.conv(i).epoch() === epoch + 1n && bed.conv(i).state() === 'working'),
      60_000,
    )
    for (const i of [0, 1, 2]) {
      expect(bed.conv(i).members().map(hex)).toContain(hex(memberIdOf(2)))
      expect(hex(bed.conv(i).epochAuthenticator())).toBe(hex(bed.conv(0).epochAuthenticator()))
    }
  }, 90_000)
})
