import { EthereumSigner, buildVote } from '@demls/consensus'
import { type AppMessage, encodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { AVAILABILITY_LIMITS } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { keyFor, memberIdOf } from '../scenarios/harness.js'
import { proposalRequestGraceMs } from '../../src/sync/missing-proposals.js'
import { attestation, commitRequest, futureCiphertext } from './forge.js'

const ID = 'claims'

/** A 4-member bed, converged. */
async function group(): Promise<Bed> {
  const bed = await Bed.create(ID, 4)
  for (const i of [1, 2, 3]) await bed.add(i)
  return bed
}

/** Deliver a plaintext packet (from nobody in particular) to members `to`. */
async function inject(bed: Bed, payload: Uint8Array, to = [0, 1, 2, 3]): Promise<void> {
  for (const i of to) await bed.conv(i).receive({ subtopic: 'app', payload }, bed.clock(i))
  await bed.flush()
}

const controls = (bed: Bed, i: number, pick: (c: NonNullable<AppMessage['demlsControl']>) => unknown) =>
  bed.plaintextSent(i).filter((m) => m.demlsControl !== undefined && pick(m.demlsControl) !== undefined)

describe('claims that make members send must come from members, and decay', () => {
  it('a forged attestation of epoch 2^40 (bad signature, non-member, or absurd epoch) makes nobody request commits', async () => {
    const bed = await group()
    const epoch = bed.conv(0).epoch()
    const before = [0, 1, 2, 3].map((i) => controls(bed, i, (c) => c.commitRequest).length)
    const huge = 2n ** 40n
    const at = bed.now
    await inject(bed, attestation(ID, keyFor(7), { epoch: huge, signedAtMs: BigInt(at) }, memberIdOf(1))) // claims member 1, signed by 7
    await inject(bed, attestation(ID, keyFor(7), { epoch: huge, signedAtMs: BigInt(at) })) // a non-member's own
    await inject(bed, attestation(ID, keyFor(1), { epoch: huge, signedAtMs: BigInt(at) }), [0, 2, 3]) // a member, but 2^40
    await inject(bed, futureCiphertext(ID, epoch + 1000n, 64), [0, 2, 3])
    await bed.run(30_000, 500)
    const after = [0, 1, 2, 3].map((i) => controls(bed, i, (c) => c.commitRequest).length)
    expect(after).toEqual(before)
    expect([0, 1, 2, 3].map((i) => bed.conv(i).epoch())).toEqual([epoch, epoch, epoch, epoch])
  })

  it('a member’s signed claim that never materialises: requests back off and stop once the claim decays', async () => {
    const bed = await group()
    const epoch = bed.conv(0).epoch()
    const before = controls(bed, 0, (c) => c.commitRequest).length
    // Member 3 (malicious) signs "I am 5 epochs ahead"; nobody has those commits.
    await inject(bed, attestation(ID, keyFor(3), { epoch: epoch + 5n, signedAtMs: BigInt(bed.now) }), [0])
    await bed.run(AVAILABILITY_LIMITS.claimTtlMs + 10_000, 250)
    const during = controls(bed, 0, (c) => c.commitRequest).length - before
    // 1 s doubling to 30 s within the claim's 60 s: at most 7 requests (0, 1, 3, 7, 15, 31, 61 s), not one per second.
    expect(during).toBeGreaterThan(0)
    expect(during).toBeLessThanOrEqual(7)
    const settled = controls(bed, 0, (c) => c.commitRequest).length
    await bed.run(120_000, 1_000)
    expect(controls(bed, 0, (c) => c.commitRequest).length).toBe(settled)
  })

  it('commit requests are answered only for current members with a valid, fresh signature, within a byte budget', async () => {
    const bed = await group()
    const from = bed.conv(0).epoch() - 1n
    const replies = () => [0, 1, 2, 3].reduce((n, i) => n + controls(bed, i, (c) => c.commitReplay).length, 0)
    const base = replies()
    await inject(bed, commitRequest(ID, from, memberIdOf(7), keyFor(7), bed.now)) // a non-member
    await inject(bed, commitRequest(ID, from, memberIdOf(1), undefined, bed.now), [0, 2, 3]) // unsigned
    await inject(bed, commitRequest(ID, from, memberIdOf(1), keyFor(7), bed.now), [0, 2, 3]) // forged
    await inject(bed, commitRequest(ID, from, memberIdOf(1), keyFor(1), bed.now - 3_600_000), [0, 2, 3]) // replayed an hour later
    await bed.run(2_000, 250)
    expect(replies()).toBe(base)
    // A genuine request is answered.
    await inject(bed, commitRequest(ID, from, memberIdOf(1), keyFor(1), bed.now), [0, 2, 3])
    expect(replies()).toBeGreaterThan(base)
    // 200 genuine requests in a burst draw replies within the byte budget, not 200 each.
    const burst = replies()
    for (let k = 0; k < 200; k++) {
      bed.now += 5
      await inject(bed, commitRequest(ID, from, memberIdOf(1), keyFor(1), bed.now), [0, 2, 3])
    }
    const perMember = (replies() - burst) / 3
    expect(perMember).toBeLessThanOrEqual(5)
  })

  it('votes for unknown proposals make a member broadcast at most AVAILABILITY_LIMITS.proposalRequests requests per period', async () => {
    const bed = await group()
    const m = bed.peers[3]!.mls!
    const before = controls(bed, 0, (c) => c.proposalRequest).length
    for (let k = 0; k < 50; k++) {
      const vote = buildVote({ proposal: { proposalId: 1_000 + k, votes: [] }, choice: true, signer: new EthereumSigner(keyFor(3)), now: bed.now })
      const payload = await m.encrypt(encodeAppMessage({ vote }))
      await bed.conv(0).receive({ subtopic: 'app', payload }, bed.now)
    }
    await bed.flush()
    // Each proposal first gets a grace to arrive (sync/missing-proposals.ts): nothing is asked yet.
    expect(controls(bed, 0, (c) => c.proposalRequest).length - before).toBe(0)
    await bed.run(proposalRequestGraceMs(bed.conv(0).config()) + 100)
    // 50 valid votes for 50 unknown proposals; without the budget, 50 requests.
    expect(controls(bed, 0, (c) => c.proposalRequest).length - before).toBe(AVAILABILITY_LIMITS.proposalRequests)
    expect(AVAILABILITY_LIMITS.proposalRequests).toBeLessThan(50)
  })
})
