import { describe, expect, it } from 'vitest'
import { FAST_TIMING } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { memberIdOf } from './harness.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

// Found by the seeded fault runs (seed 95 at 10 % loss, about one run in
// three): a proposal whose every copy was lost reached nobody, so nobody
// could ask for it (a ProposalRequest needs a vote or an id to ask about);
// its owner alone approved it at the timeout (silent voters weigh YES),
// committed alone, and every other member refused that commit for lack of a
// verifiable approval: the owner stranded on its own branch. Now an owner
// that has heard no vote by half the consensus timeout sends the proposal
// itself again (re-encrypted: new bytes, which gossipsub does not drop).
describe('a proposal lost to every member', () => {
  it('is sent again by its owner, and the group decides and commits it together', async () => {
    const bed = await Bed.create('lost', 5, { ...FAST_TIMING, admission: 'open' })
    for (const i of [1, 2, 3]) await bed.add(i)
    const proposer = 1
    const target = 3
    // Every copy of the proposal is lost.
    bed.intercept = (from, _to, p) => (from === proposer ? undefined : p)
    await bed.conv(proposer).removeMember(memberIdOf(target), bed.now)
    await bed.flush()
    bed.intercept = undefined
    const others = [0, 2, 3]
    const removals = (i: number) => bed.eventsOf(i, 'vote-requested').filter((e) => e.request?.payload === 'removeMember')
    for (const i of others) expect(removals(i)).toHaveLength(0)
    const epoch = bed.conv(0).epoch()
    await bed.until(() => [0, 1, 2].every((i) => bed.conv(i).epoch() === epoch + 1n && bed.conv(i).state() === 'working'), 60_000)
    for (const i of [0, 1, 2]) {
      expect(bed.conv(i).members().map(hex)).not.toContain(hex(memberIdOf(target)))
      expect(hex(bed.conv(i).epochAuthenticator())).toBe(hex(bed.conv(0).epochAuthenticator()))
    }
    // The others voted on it themselves: the re-sent proposal reached them.
    for (const i of [0, 2]) expect(removals(i).length).toBeGreaterThan(0)
  }, 60_000)
})
