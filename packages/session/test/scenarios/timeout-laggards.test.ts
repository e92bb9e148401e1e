import { describe, expect, it } from 'vitest'
import { FAST_TIMING } from '../../src/index.js'
import { Bed } from '../sansio.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

// Found by the seeded fault runs (12 members, 20 % loss, seed 44, twice in
// four runs): two of four members lost a join's proposal and every vote on
// it. The other two signed YES and the session was decided at its consensus
// timeout (silent voters weigh YES for a join in an open group); the commit
// then reached the two laggards by replay, with a certificate of two signed
// votes of four (silence never makes a certificate) and one attestation of
// a member of that epoch other than the committer (the merge quorum needs
// two). They refused it for good. Now a laggard that refuses a replay over
// a proposal it never received takes that proposal from the certificate
// (its owner's signed binding authenticates it) as if it had arrived late,
// and votes on it by its own policy: its own signed vote completes the
// certificate, so what settles it is a vote, never silence.
describe('a change decided at its timeout that two of four members never saw', () => {
  it('the laggards take the proposal from the replayed certificate, vote on it, and catch up', async () => {
    const bed = await Bed.create('timeout-laggards', 5, { ...FAST_TIMING, admission: 'open' })
    for (const i of [1, 2, 3]) await bed.add(i)
    const epoch = bed.conv(0).epoch()
    // The epoch steward stays with member 0 (the proposer); the two others miss everything.
    const steward = [1, 2, 3].find((i) => bed.conv(i).isEpochSteward()) ?? [1, 2, 3].find((i) => bed.conv(i).isSteward())!
    const live = bed.conv(0).isEpochSteward() ? [0, [1, 2, 3].find((i) => bed.conv(i).isSteward()) ?? 1] : [0, steward]
    const laggards = [1, 2, 3].filter((i) => !live.includes(i))
    expect(laggards).toHaveLength(2)
    const mark = new Map(laggards.map((i) => [i, { votes: bed.eventsOf(i, 'vote-requested').length, drops: bed.eventsOf(i, 'dropped').length }]))
    bed.intercept = (from, to, p) => (laggards.includes(from) || laggards.includes(to) ? undefined : p)
    const kp = await bed.peers[4]!.plugins.generateKeyPackage(bed.now)
    await bed.conv(0).addMember(kp, bed.now)
    await bed.flush()
    await bed.until(() => bed.peers[4]!.conversation !== undefined && [...live, 4].every((i) => bed.conv(i).epoch() === epoch + 1n), 30_000)
    for (const i of laggards) expect(bed.eventsOf(i, 'vote-requested').slice(mark.get(i)!.votes)).toHaveLength(0)
    // The network heals: the laggards hear the group is ahead and ask for the commit.
    bed.intercept = undefined
    const all = [0, 1, 2, 3, 4]
    await bed.until(
      () => all.every((i) => bed.conv(i).epoch() === epoch + 1n && bed.conv(i).state() === 'working' && hex(bed.conv(i).epochAuthenticator()) === hex(bed.conv(0).epochAuthenticator())),
      60_000,
    )
    for (const i of laggards) {
      // It refused the replay first (two signed votes of four prove nothing), then voted on the proposal itself.
      const refusals = bed.eventsOf(i, 'dropped').slice(mark.get(i)!.drops).filter((e) => e.reason === 'unauthorized' && (e.detail ?? '').includes('no verifiable approval'))
      expect(refusals.length).toBeGreaterThan(0)
      expect(bed.eventsOf(i, 'vote-requested').slice(mark.get(i)!.votes).some((e) => e.request?.payload === 'memberInvite')).toBe(true)
      expect(bed.conv(i).members()).toHaveLength(5)
    }
  }, 120_000)
})
