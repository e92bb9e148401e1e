import { DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS } from '@demls/mls'
import { describe, expect, it } from 'vitest'
import { Bed } from './sansio.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/**
 * Deviation 9 under clock skew: the committing steward's clock runs ahead,
 * so by its clock an approved joiner's key package has expired and it
 * leaves the add out; by the receiver's clock that key package is still
 * valid for a while, but within the tolerance, so the receiver accepts the
 * omission and both merge the same commit (no fork, no stall).
 */
describe('adversarial joiner: expiry seen through skewed clocks', () => {
  it('a receiver whose clock is behind accepts the steward leaving out an add expiring within the tolerance', async () => {
    const bed = await Bed.create('skew', 4, {
      stewardList: { snMin: 1, snMax: 1 },
      commitInactivityMs: 20_000,
      commitBatchWindowMs: 5_000,
    })
    await bed.add(1)
    const roles = bed.conv(0).memberRoles()
    const steward = roles.findIndex((r) => r.role !== 'member')
    expect(steward).toBeGreaterThanOrEqual(0)
    const stewardIndex = hex(roles[steward]!.memberId) === hex(bed.peers[0]!.plugins.mls.memberId) ? 0 : 1
    const other = 1 - stewardIndex
    // Carol's key package expires 120 s from now; Dave's is fresh.
    const lifetimeMs = DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS * 1000
    const carol = await bed.peers[2]!.plugins.generateKeyPackage(bed.now - lifetimeMs + 120_000)
    const dave = await bed.peers[3]!.plugins.generateKeyPackage(bed.now)
    await bed.conv(0).addMember(carol, bed.now)
    await bed.conv(0).addMember(dave, bed.now)
    await bed.flush()
    await bed.until(() => bed.conv(other).approvedCount() === 2)
    const epoch = bed.conv(other).epoch()
    // The steward's clock jumps 200 s ahead: Carol's key package is expired
    // by its clock, still valid for ~2 minutes by the receiver's.
    bed.peers[stewardIndex]!.skewMs = 200_000
    await bed.until(() => bed.conv(other).epoch() === epoch + 1n && bed.conv(stewardIndex).epoch() === epoch + 1n)
    const applied = bed.eventsOf(other, 'commit-applied').at(-1)!
    expect(applied.source).toBe('freeze')
    expect(applied.batch.map((r) => hex(r.memberInvite!.memberId))).toEqual([hex(bed.peers[3]!.plugins.mls.memberId)])
    expect(applied.expired?.map((r) => hex(r.memberInvite!.memberId))).toEqual([hex(bed.peers[2]!.plugins.mls.memberId)])
    for (const i of [0, 1]) {
      expect(bed.conv(i).members()).toHaveLength(3)
      expect(bed.conv(i).approvedCount()).toBe(0)
    }
    expect(hex(bed.conv(0).epochAuthenticator())).toBe(hex(bed.conv(1).epochAuthenticator()))
    expect(bed.eventsOf(other, 'fork-healed')).toEqual([])
  })
})
